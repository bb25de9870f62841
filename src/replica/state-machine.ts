/**
 * What a Raft group replicates into: the replica loop applies every committed data entry, in
 * offset order, exactly once per process lifetime (after a restart, from the snapshot on).
 * No-op and membership entries are the loop's own business and never reach a state machine;
 * every other batch does, including control batches of other kinds (transaction markers).
 *
 * Invariants the loop relies on: `apply` is synchronous and deterministic (the same entries in
 * the same order give the same state on every replica, so snapshots taken anywhere agree);
 * `snapshot` describes exactly the entries applied so far; `restore` replaces the whole state.
 *
 * Must not: do I/O, read a clock or a random source, or throw for an entry it does not
 * understand (it must skip it the same way on every replica).
 */
import type { Offset, Term } from '../raft/types.js';

export interface AppliedEntry {
  readonly baseOffset: Offset;
  readonly lastOffset: Offset;
  readonly term: Term;
  /** The whole record batch as stored. */
  readonly bytes: Uint8Array;
}

export interface StateMachine {
  /**
   * True when the log itself is the state (data partitions): `apply` ignores entries and
   * `snapshot` returns the same bytes at every offset. The loop then does not read committed
   * batches back to apply them (no I/O per commit, none over the whole log at open), and the log
   * may be compacted at any entry end up to the applied offset (retention). Default false.
   */
  readonly stateless?: boolean;
  apply(entry: AppliedEntry): void;
  /** The state after the last applied entry, as bytes (see `restore`). */
  snapshot(): Uint8Array;
  /** Replaces the state with a snapshot taken after applying up to `lastOffset`. */
  restore(bytes: Uint8Array, lastOffset: Offset): void;
}

/**
 * For data partitions: the log itself is the state, consumers read it directly, so nothing is
 * kept (the producer-state machine will replace this for idempotent topics).
 */
export class NullStateMachine implements StateMachine {
  readonly stateless = true;

  apply(): void {
    // Nothing to keep: the partition log is the state.
  }

  snapshot(): Uint8Array {
    return new Uint8Array(0);
  }

  restore(): void {
    // Nothing to restore.
  }
}
