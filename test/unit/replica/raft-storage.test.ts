/**
 * Recovery of a group's starting state from its directory: the interrupted snapshot install
 * and compaction cases, the term/vote fix-up and the commit clamp, and damaged files.
 */
import { describe, expect, it } from 'vitest';
import { PartitionLog } from '../../../src/storage/partition-log.js';
import { RaftStorage, REPLICA_FILES, recoverGroup } from '../../../src/replica/raft-storage.js';
import { RecordingLogger } from '../storage/fixtures.js';
import { asBrokerId, asOffset, asTerm } from '../../../src/util/brand.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { THREE } from './fake-node.js';
import { DIRECTORY, dataBatch } from './harness.js';

async function setup(terms: number[]): Promise<{ fs: MemoryFileSystem; storage: RaftStorage }> {
  const fs = new MemoryFileSystem(new SeededRandom(3));
  const log = await PartitionLog.open({
    fs,
    directory: DIRECTORY,
    clock: new ManualClock(),
    logger: silentLogger,
  });
  let offset = 0;
  for (const term of terms) {
    await log.append(await dataBatch(`t${term}`, 2, offset, term), { assignOffsets: false });
    offset += 2;
  }
  await log.close();
  return { fs, storage: new RaftStorage(fs, DIRECTORY) };
}

async function recover(fs: MemoryFileSystem, storage: RaftStorage) {
  const log = await PartitionLog.open({
    fs,
    directory: DIRECTORY,
    clock: new ManualClock(),
    logger: silentLogger,
  });
  const group = await recoverGroup({
    storage,
    log,
    logger: silentLogger,
    initialMembership: THREE,
    emptyState: () => new Uint8Array(0),
  });
  return { group, log };
}

const snapshotAt = (lastOffset: number, term: number) => ({
  meta: { lastOffset: asOffset(lastOffset), term: asTerm(term), membership: THREE },
  bytes: new Uint8Array([1, 2, 3]),
});

describe('recoverGroup', () => {
  it('keeps raft-state and raft-snapshot beside the segments without recovery warnings', async () => {
    const { fs, storage } = await setup([1]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(1), vote: null, commit: asOffset(-1) });
    const logger = new RecordingLogger();
    const log = await PartitionLog.open({
      fs,
      directory: DIRECTORY,
      clock: new ManualClock(),
      logger,
      companionFiles: REPLICA_FILES,
    });
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
    expect((await fs.list(DIRECTORY)).sort()).toContain('raft-state');
    await log.close();
  });

  it('discards a log without its snapshot file, recording the loss', async () => {
    const { fs, storage } = await setup([1, 1]);
    const { group, log } = await recover(fs, storage);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 0]);
    expect(group.snapshot.meta).toEqual({ lastOffset: -1, term: 0, membership: THREE });
    expect(log.damage).toEqual({ lostEndOffset: 3, hardStateLost: false });
  });

  it('discards a damaged snapshot file and the log after it; the leader repairs both', async () => {
    const { fs, storage } = await setup([1, 1, 2]);
    await storage.writeSnapshot(snapshotAt(3, 1));
    await storage.writeHardState({ term: asTerm(2), vote: asBrokerId(2), commit: asOffset(5) });
    // The first open finishes the compaction: the log starts at 4.
    const first = await recover(fs, storage);
    expect(first.log.logStartOffset).toBe(4);
    await first.log.close();
    fs.corrupt(`${DIRECTORY}/raft-snapshot`, 30);
    const logger = new RecordingLogger();
    const log = await PartitionLog.open({
      fs,
      directory: DIRECTORY,
      clock: new ManualClock(),
      logger,
      companionFiles: REPLICA_FILES,
    });
    const group = await recoverGroup({
      storage,
      log,
      logger,
      initialMembership: THREE,
      emptyState: () => new Uint8Array(0),
    });
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 0]);
    expect(group.snapshot.meta.lastOffset).toBe(-1);
    expect(group.snapshot.bytes).toEqual(new Uint8Array(0));
    // Term and vote survive (they are in raft-state); commit is clamped to the empty log.
    expect(group.state.hardState).toEqual({ term: 2, vote: 2, commit: -1 });
    expect(log.damage).toEqual({ lostEndOffset: 5, hardStateLost: false });
    expect(logger.messages('error')).toContain(
      'the Raft snapshot file is damaged or missing: discarding it and the log, to be repaired from the leader',
    );
    await log.close();
    // Reopening finds a healthy empty group, and still the recorded loss.
    const again = await recover(fs, storage);
    expect(again.log.damage).toEqual({ lostEndOffset: 5, hardStateLost: false });
    expect(again.group.snapshot.meta.lastOffset).toBe(-1);
  });

  it('empties a log that starts after the snapshot (a lost first segment), keeping the snapshot', async () => {
    const { fs, storage } = await setup([1, 1, 2]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    const opened = await recover(fs, storage);
    await opened.log.truncatePrefix(2);
    await opened.log.close();
    const { group, log } = await recover(fs, storage);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([0, 0]);
    expect(group.snapshot.meta.lastOffset).toBe(-1);
    expect(log.damage).toEqual({ lostEndOffset: 5, hardStateLost: false });
  });

  it('finishes an interrupted compaction: keeps the suffix after a matching snapshot entry', async () => {
    const { fs, storage } = await setup([1, 1, 2]);
    await storage.writeSnapshot(snapshotAt(3, 1));
    const { group, log } = await recover(fs, storage);
    expect(log.logStartOffset).toBe(4);
    expect(group.state.entries.map((e) => e.baseOffset)).toEqual([4]);
    expect(group.state.applied).toBe(3);
    expect(group.snapshot.bytes).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('finishes an interrupted install: discards a log that does not hold the snapshot entry', async () => {
    const { fs, storage } = await setup([1, 1]);
    await storage.writeSnapshot(snapshotAt(3, 4));
    const { group, log } = await recover(fs, storage);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([4, 4]);
    expect(group.state.entries).toEqual([]);
  });

  it('discards a longer log whose entry at the snapshot offset has another term', async () => {
    const { fs, storage } = await setup([1, 1, 1]);
    await storage.writeSnapshot(snapshotAt(3, 2));
    const { group, log } = await recover(fs, storage);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([4, 4]);
    expect(group.state.entries).toEqual([]);
  });

  it('adopts a log term newer than raft-state without a vote, and clamps commit to the log', async () => {
    const { fs, storage } = await setup([1, 3]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(2), vote: asBrokerId(2), commit: asOffset(9) });
    const { group } = await recover(fs, storage);
    expect(group.state.hardState).toEqual({ term: 3, vote: null, commit: 3 });
  });

  it('keeps term and vote when raft-state is ahead of the log', async () => {
    const { fs, storage } = await setup([1]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(5), vote: asBrokerId(3), commit: asOffset(-1) });
    const { group } = await recover(fs, storage);
    expect(group.state.hardState).toEqual({ term: 5, vote: 3, commit: -1 });
  });

  it('opens with a damaged raft-state file, reporting term and vote as lost', async () => {
    const { fs, storage } = await setup([1, 2]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(5), vote: asBrokerId(3), commit: asOffset(3) });
    fs.corrupt(`${DIRECTORY}/raft-state`, 20);
    const { group, log } = await recover(fs, storage);
    // The term comes from the log; the vote is unknown; it must wait for a leader.
    expect(group.state.hardState).toEqual({ term: 2, vote: null, commit: -1 });
    expect(log.damage).toEqual({ lostEndOffset: 3, hardStateLost: true });
    expect(group.state.entries).toHaveLength(2);
  });

  it('opens with a truncated (empty) raft-state file', async () => {
    const { fs, storage } = await setup([1]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(5), vote: asBrokerId(3), commit: asOffset(1) });
    const handle = await fs.open(`${DIRECTORY}/raft-state`, 'readWrite');
    await handle.truncate(0);
    await handle.sync();
    await handle.close();
    const { log } = await recover(fs, storage);
    expect(log.damage).toEqual({ lostEndOffset: 1, hardStateLost: true });
  });

  it('records a loss when the log ends before the stored commit offset', async () => {
    const { fs, storage } = await setup([1]);
    await storage.writeSnapshot(snapshotAt(-1, 0));
    await storage.writeHardState({ term: asTerm(1), vote: null, commit: asOffset(7) });
    const { group, log } = await recover(fs, storage);
    expect(group.state.hardState.commit).toBe(1);
    expect(log.damage).toEqual({ lostEndOffset: 7, hardStateLost: false });
  });
});
