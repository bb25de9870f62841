/**
 * Hooks into a replica's durable and applied state, for the simulator's invariant checks and
 * for diagnostics. Every hook is called synchronously from the replica loop at the moment the
 * state changes; a hook must not call back into the replica.
 */
import type { HardState, Offset, SnapshotMeta } from '../raft/types.js';
import type { LogEntry } from './log-entries.js';

export interface ReplicaObserver {
  /** After open: what was recovered from disk, before the core starts. */
  recovered?(info: {
    readonly snapshot: SnapshotMeta;
    readonly hardState: HardState;
    readonly entries: readonly LogEntry[];
  }): void;
  /** Ready step 3: entries written to the log (not yet durable). */
  appended?(entries: readonly LogEntry[]): void;
  /** Ready step 2: the log lost everything from `fromOffset` on. */
  truncated?(fromOffset: Offset): void;
  /** Ready step 1: a snapshot from the leader replaced the log and the state machine. */
  snapshotInstalled?(meta: SnapshotMeta): void;
  /** A local snapshot was written and the log prefix up to `meta.lastOffset` dropped. */
  compacted?(meta: SnapshotMeta): void;
  /** Ready step 5: term and vote (and the commit hint) are durable. */
  hardStatePersisted?(state: HardState): void;
  /** Ready step 7: an entry applied (data entries went to the state machine, others not). */
  applied?(entry: LogEntry): void;
  /** The replica stopped because storage failed (or an assertion did). */
  failed?(error: unknown): void;
}
