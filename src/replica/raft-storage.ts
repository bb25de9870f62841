/**
 * What a Raft group keeps on disk besides the log, and how the core's starting state is
 * rebuilt from it on open.
 *
 * Files, next to the segments in the partition directory (atomic, checksummed, see
 * storage/atomic-file.ts):
 * - `raft-state`: `{ term, vote, commit }`. Written before any message that depends on the
 *   term or the vote is sent (ARCHITECTURE.md, decision 6).
 * - `raft-snapshot`: `{ lastOffset, term, membership, state }` with the state machine bytes
 *   in base64. A fresh group writes one at offset -1 holding its initial membership, so the
 *   membership survives restarts before any configuration entry exists.
 *
 * Invariant on disk, restored on open: the log starts right after the snapshot
 * (logStartOffset = snapshot.lastOffset + 1). Installing or taking a snapshot writes the
 * snapshot file first and cuts the log second, so a crash in between leaves a log that starts
 * too early; open finishes the job: it keeps the suffix when the log holds the snapshot's last
 * entry with the snapshot's term (log matching: then everything after it is consistent), and
 * discards the whole log otherwise (the snapshot replaced a conflicting log).
 *
 * Must not: write the raft-state file for commit-only changes on the hot path (the loop
 * decides), or trust a damaged file (a lost vote could let this node vote twice in a term).
 */
import { posix } from 'node:path';
import { BrookError, isBrookError } from '../protocol/errors.js';
import type {
  HardState,
  Membership,
  Offset,
  RaftStorageState,
  SnapshotMeta,
} from '../raft/types.js';
import { readChecksummedJson, writeChecksummedJson } from '../storage/atomic-file.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { asBrokerId, asOffset, asTerm } from '../util/brand.js';
import type { FileSystem, Logger } from '../util/ports.js';
import { scanLog } from './log-entries.js';
import type { LogEntry } from './log-entries.js';

export const HARD_STATE_FILE = 'raft-state';
export const SNAPSHOT_FILE = 'raft-snapshot';
/** Files the replica keeps in the log's directory (recovery must leave them alone). */
export const REPLICA_FILES: readonly string[] = [HARD_STATE_FILE, SNAPSHOT_FILE];

export interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  readonly bytes: Uint8Array;
}

export class RaftStorage {
  constructor(
    private readonly fs: FileSystem,
    private readonly directory: string,
  ) {}

  private path(name: string): string {
    return posix.join(this.directory, name);
  }

  async readHardState(): Promise<HardState | undefined> {
    const value = await readChecksummedJson(this.fs, this.path(HARD_STATE_FILE));
    if (value === undefined) return undefined;
    const record = objectOf(value, HARD_STATE_FILE);
    const vote = record['vote'];
    return {
      term: asTerm(integerOf(record['term'], 'term', 0)),
      vote: vote === null ? null : asBrokerId(integerOf(vote, 'vote', 0)),
      commit: asOffset(integerOf(record['commit'], 'commit', -1)),
    };
  }

  async writeHardState(state: HardState): Promise<void> {
    const value = { term: state.term, vote: state.vote, commit: state.commit };
    await writeChecksummedJson(this.fs, this.path(HARD_STATE_FILE), value);
  }

  async readSnapshot(): Promise<StoredSnapshot | undefined> {
    const value = await readChecksummedJson(this.fs, this.path(SNAPSHOT_FILE));
    if (value === undefined) return undefined;
    const record = objectOf(value, SNAPSHOT_FILE);
    const state = record['state'];
    if (typeof state !== 'string') throw damaged(SNAPSHOT_FILE, 'state is not a string');
    return {
      meta: {
        lastOffset: asOffset(integerOf(record['lastOffset'], 'lastOffset', -1)),
        term: asTerm(integerOf(record['term'], 'term', 0)),
        membership: membershipOf(record['membership']),
      },
      bytes: new Uint8Array(Buffer.from(state, 'base64')),
    };
  }

  async writeSnapshot(snapshot: StoredSnapshot): Promise<void> {
    const { meta } = snapshot;
    const value = {
      lastOffset: meta.lastOffset,
      term: meta.term,
      membership: { voters: [...meta.membership.voters], learners: [...meta.membership.learners] },
      state: Buffer.from(snapshot.bytes).toString('base64'),
    };
    await writeChecksummedJson(this.fs, this.path(SNAPSHOT_FILE), value);
  }
}

/** Everything `Replica.open` needs to start the core, the state machine and the observers. */
export interface RecoveredGroup {
  readonly state: RaftStorageState;
  readonly snapshot: StoredSnapshot;
  readonly entries: readonly LogEntry[];
}

export interface RecoverOptions {
  readonly storage: RaftStorage;
  readonly log: PartitionLog;
  readonly logger: Logger;
  readonly initialMembership: Membership;
  /** The state machine's bytes when nothing was applied (a fresh group's snapshot). */
  readonly emptyState: () => Uint8Array;
}

export async function recoverGroup(options: RecoverOptions): Promise<RecoveredGroup> {
  const { log, logger } = options;
  const hardState = await readHardStateOrLoss(options);
  const snapshot = await readSnapshotOrReset(options, hardState);
  await alignLogWithSnapshot(log, snapshot.meta, logger);
  const entries = await scanLog(log);
  const snapshotEnd = snapshot.meta.lastOffset;
  const last = entries[entries.length - 1];
  const lastOffset = last?.meta.lastOffset ?? snapshotEnd;
  const lastTerm = last?.meta.term ?? snapshot.meta.term;
  const stored = hardState ?? { term: asTerm(0), vote: null, commit: snapshotEnd };
  if (stored.commit > lastOffset) {
    // The commit a Ready persists never covers entries that were not durable before it
    // (RaftCore.readyHardState): a log that ends before it lost fsynced data, which this
    // replica may have acknowledged.
    logger.error(
      { commit: stored.commit, lastOffset },
      'the log ends before the stored commit offset: it lost fsynced data',
    );
    await log.recordDamage({ lostEndOffset: stored.commit, hardStateLost: false });
  }
  // The log is fsynced before the raft-state file is written, so a crash in between can leave
  // entries of a term the file does not know yet; nothing was sent on that term's behalf, and
  // no vote was cast in it (a vote is persisted first), so adopting the term without a vote is
  // safe. Commit is a hint: never below the snapshot, never past the log.
  const term = stored.term >= lastTerm ? stored.term : lastTerm;
  const vote = stored.term >= lastTerm ? stored.vote : null;
  const commit = asOffset(Math.min(Math.max(stored.commit, snapshotEnd), lastOffset));
  return {
    state: {
      hardState: { term, vote, commit },
      snapshot: snapshot.meta,
      entries: entries.map((entry) => entry.meta),
      applied: snapshotEnd,
    },
    snapshot,
    entries,
  };
}

/**
 * The stored term, vote and commit; undefined when there is no file or it is damaged. A
 * damaged file is a lost vote: the loss is recorded in the damage marker (durably, before any
 * new raft-state file can be written) so that the replica abstains from elections until a
 * leader is heard and its log reaches its current end (RaftConfig.abstain).
 */
async function readHardStateOrLoss(options: RecoverOptions): Promise<HardState | undefined> {
  const { storage, log, logger } = options;
  try {
    return await storage.readHardState();
  } catch (error) {
    if (!isBrookError(error, 'CORRUPT_MESSAGE')) throw error;
    logger.error(
      { err: error, file: HARD_STATE_FILE },
      'the Raft state file is damaged: term and vote are lost; abstaining from elections until a leader is heard',
    );
    await log.recordDamage({ lostEndOffset: log.logEndOffset - 1, hardStateLost: true });
    return undefined;
  }
}

/**
 * The stored snapshot. A fresh group gets one at -1 holding its initial membership. A damaged
 * snapshot file (or none beside a log or a hard state, which a group always has from its
 * creation on) cannot be rebuilt here: the state it held is gone, and the log after it cannot
 * be applied without it. So the whole log is discarded (the loss recorded first, see
 * damage-marker.ts) and the group restarts from a snapshot at -1 with the initial membership;
 * its leader sends the log again, or its own snapshot when its log starts later.
 */
async function readSnapshotOrReset(
  options: RecoverOptions,
  hardState: HardState | undefined,
): Promise<StoredSnapshot> {
  const { storage, log, logger } = options;
  let problem: unknown;
  try {
    const stored = await storage.readSnapshot();
    if (stored !== undefined) return stored;
  } catch (error) {
    if (!isBrookError(error, 'CORRUPT_MESSAGE')) throw error;
    problem = error;
  }
  const fresh: StoredSnapshot = {
    meta: { lastOffset: asOffset(-1), term: asTerm(0), membership: options.initialMembership },
    bytes: options.emptyState(),
  };
  const damaged = problem !== undefined || hardState !== undefined || log.logEndOffset !== 0;
  if (damaged) {
    logger.error(
      { err: problem, file: SNAPSHOT_FILE, logEndOffset: log.logEndOffset },
      'the Raft snapshot file is damaged or missing: discarding it and the log, to be repaired from the leader',
    );
    await log.recordDamage({ lostEndOffset: log.logEndOffset - 1, hardStateLost: false });
    await log.restartEmpty(0);
  } else {
    logger.info({ membership: options.initialMembership }, 'created a fresh Raft group');
  }
  await storage.writeSnapshot(fresh);
  return fresh;
}

/** Restores logStartOffset = snapshot.lastOffset + 1 after a crash (see the module comment). */
async function alignLogWithSnapshot(
  log: PartitionLog,
  snapshot: SnapshotMeta,
  logger: Logger,
): Promise<void> {
  const start = snapshot.lastOffset + 1;
  if (log.logStartOffset === start) return;
  if (log.logStartOffset > start) {
    // Entries between the snapshot and the log are missing (a damaged or lost first segment):
    // what follows the hole cannot be used; keep the snapshot, record the loss, start over.
    logger.error(
      { logStartOffset: log.logStartOffset, snapshotLastOffset: snapshot.lastOffset },
      'the log starts after the snapshot: discarding it, to be repaired from the leader',
    );
    await log.recordDamage({ lostEndOffset: log.logEndOffset - 1, hardStateLost: false });
    await log.restartEmpty(start);
    return;
  }
  if (log.termAt(snapshot.lastOffset) === snapshot.term) {
    logger.info({ logStartOffset: start }, 'finishing a log compaction interrupted by a crash');
    await log.truncatePrefix(start);
    return;
  }
  logger.warn({ logStartOffset: start }, 'discarding a log a snapshot replaced before a crash');
  await resetLog(log, start);
}

/**
 * Discards the whole log and restarts it empty at `offset` (>= its start). Cut from the start
 * first (durable), then move the start: a crash in between leaves an empty log, never a
 * stale suffix.
 */
export async function resetLog(log: PartitionLog, offset: Offset | number): Promise<void> {
  if (log.logEndOffset > log.logStartOffset) await log.truncateSuffix(log.logStartOffset);
  await log.truncatePrefix(offset);
}

function damaged(file: string, reason: string): BrookError {
  return new BrookError('CORRUPT_MESSAGE', `${file}: ${reason}`);
}

function objectOf(value: unknown, file: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw damaged(file, 'not an object');
  return value as Record<string, unknown>;
}

function integerOf(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw damaged('raft file', `${field} = ${JSON.stringify(value)}`);
  }
  return value;
}

function membershipOf(value: unknown): Membership {
  const record = objectOf(value, SNAPSHOT_FILE);
  const ids = (field: string): ReturnType<typeof asBrokerId>[] => {
    const list = record[field];
    if (!Array.isArray(list)) throw damaged(SNAPSHOT_FILE, `membership.${field}`);
    return list.map((id) => asBrokerId(integerOf(id, `membership.${field}`, 0)));
  };
  return { voters: ids('voters'), learners: ids('learners') };
}
