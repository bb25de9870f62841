/**
 * The replica's produce-path additions, over the real core with one voter on the in-memory
 * disk: `replicate` gives offsets at once and tells "written" before "committed"; a stateless
 * state machine (data partitions) is never read back to be applied; and compaction up to a
 * chosen offset (retention) keeps the log after it and moves the log start.
 */
import { describe, expect, it } from 'vitest';
import { createRaftNode } from '../../../src/raft/index.js';
import { Replica } from '../../../src/replica/replica.js';
import { NullStateMachine } from '../../../src/replica/state-machine.js';
import { asBrokerId, asOffset } from '../../../src/util/brand.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { dataBatch, RAFT, settle } from './harness.js';

async function soleReplica(fs: MemoryFileSystem): Promise<Replica> {
  const replica = await Replica.open({
    fs,
    directory: '/data/p0',
    logger: silentLogger,
    clock: new ManualClock(),
    id: asBrokerId(1),
    random: new SeededRandom(1),
    raft: { ...RAFT, soleVoterSkipsNoop: true },
    initialMembership: { voters: [asBrokerId(1)], learners: [] },
    transport: { send: () => undefined },
    stateMachine: new NullStateMachine(),
    createNode: createRaftNode,
    logConfig: { segmentBytes: 1024 },
  });
  replica.campaign();
  for (let round = 0; round < 20 && replica.status().role !== 'leader'; round++) await settle();
  expect(replica.status().role).toBe('leader');
  return replica;
}

describe('Replica.replicate', () => {
  it('assigns contiguous offsets synchronously and resolves written before committed', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(2));
    const replica = await soleReplica(fs);
    const held: (() => void)[] = [];
    fs.setOperationDelay((operation) =>
      operation.kind === 'sync' && operation.path.endsWith('.log')
        ? new Promise<void>((resolve) => held.push(resolve))
        : undefined,
    );
    const first = replica.replicate(await dataBatch('a', 3), { copy: false });
    const second = replica.replicate(await dataBatch('b', 2), { copy: false });
    expect([first.entry.baseOffset, first.entry.lastOffset]).toEqual([0, 2]);
    expect([second.entry.baseOffset, second.entry.lastOffset]).toEqual([3, 4]);
    // Written (acks=leader) while its fsync is still held; not committed (acks=all).
    await first.appended;
    let committed = false;
    void first.committed.then(() => (committed = true));
    await settle();
    expect(committed).toBe(false);
    expect(held.length).toBeGreaterThan(0);
    fs.setOperationDelay(() => undefined);
    for (const release of held.splice(0)) release();
    await expect(second.committed).resolves.toMatchObject({ baseOffset: 3, lastOffset: 4 });
    expect(replica.status().applied).toBe(4);
    await replica.close();
  });

  it('refuses at once, appending nothing, on a replica that does not lead', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(3));
    const replica = await Replica.open({
      fs,
      directory: '/data/p1',
      logger: silentLogger,
      clock: new ManualClock(),
      id: asBrokerId(2),
      random: new SeededRandom(1),
      raft: RAFT,
      initialMembership: { voters: [asBrokerId(1), asBrokerId(2)], learners: [] },
      transport: { send: () => undefined },
      stateMachine: new NullStateMachine(),
      createNode: createRaftNode,
    });
    expect(() => replica.replicate(Buffer.from([]))).toThrow();
    const batch = await dataBatch('x');
    expect(() => replica.replicate(batch)).toThrow(/does not lead/);
    expect(replica.status().lastOffset).toBe(-1);
    await replica.close();
  });
});

describe('a stateless state machine', () => {
  it('applies without reading committed batches back', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(4));
    const replica = await soleReplica(fs);
    const results = [];
    for (let index = 0; index < 5; index++) {
      results.push(replica.replicate(await dataBatch(`v${index}`, 2)).committed);
    }
    let logReads = 0;
    fs.setOperationHook((operation) => {
      if (operation.kind === 'read' && operation.path.endsWith('.log')) logReads += 1;
    });
    await Promise.all(results);
    expect(replica.status().applied).toBe(9);
    expect(logReads).toBe(0);
    await replica.close();
  });
});

describe('Replica.compact with upTo (retention)', () => {
  it('keeps the log after the point, moves the log start, and survives a restart', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(5));
    const replica = await soleReplica(fs);
    for (let index = 0; index < 6; index++) {
      await replica.replicate(await dataBatch(`r${index}`, 1, 0, 0)).committed;
      // Bigger than half a 1 KiB segment: one batch per segment.
      await replica.replicate(await dataBatch('x'.repeat(600), 1)).committed;
    }
    const log = replica.partitionLog;
    const bases = log.segmentBaseOffsets;
    const cut = bases[3];
    expect(cut).toBeDefined();
    const before = log.segmentCount;
    expect(await replica.compact({ upTo: asOffset((cut ?? 0) - 1) })).toBe((cut ?? 0) - 1);
    expect(log.logStartOffset).toBe(cut);
    expect(log.segmentCount).toBe(before - 3);
    expect(replica.status().snapshot.lastOffset).toBe((cut ?? 0) - 1);
    await replica.close();
    const reopened = await soleReplica(fs.restart());
    expect(reopened.partitionLog.logStartOffset).toBe(cut);
    expect(reopened.status().commit).toBe(11);
    await reopened.close();
  });
});
