/**
 * Requests a replica has accepted and not yet answered: proposals waiting to be committed and
 * applied, and linearizable reads waiting for their read point to be confirmed and applied.
 *
 * Rules:
 * - A proposal resolves when its entry (same base offset AND term) is applied locally. If this
 *   replica stops leading the term the proposal was made in before the entry committed, the
 *   entry may or may not commit under the next leader: the proposal rejects OUTCOME_UNKNOWN.
 * - A read resolves once the core confirmed its read point (a ReadState) and the state machine
 *   applied up to it. A read not yet confirmed when leadership is lost rejects NOT_LEADER
 *   (nothing happened, safe to retry); a confirmed one stays valid and still waits for apply.
 * - Limits: at most `proposalsMax` proposals and `readsMax` reads wait at once.
 *
 * Must not: resolve a proposal for an entry of another term at its offset.
 */
import type { EntryMeta, NodeId, Offset, ReadState, Term } from '../raft/types.js';
import { ReplicaError } from './errors.js';
import type { LogEntry } from './log-entries.js';

export interface ProposalResult {
  readonly baseOffset: Offset;
  readonly lastOffset: Offset;
  readonly term: Term;
}

interface PendingProposal {
  readonly entry: EntryMeta;
  readonly resolve: (result: ProposalResult) => void;
  readonly reject: (error: unknown) => void;
  /** Waiting for the entry to be written to this leader's log (acks=leader); null once told. */
  appended: Waiter | null;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface PendingRead {
  offset: Offset | null;
  readonly resolve: (offset: Offset) => void;
  readonly reject: (error: unknown) => void;
}

export class PendingRequests {
  private readonly proposals = new Map<Offset, PendingProposal>();
  private readonly reads = new Map<number, PendingRead>();
  private proposalTerm: Term | null = null;
  private nextReadId = 1;

  get proposalCount(): number {
    return this.proposals.size;
  }

  get readCount(): number {
    return this.reads.size;
  }

  get isEmpty(): boolean {
    return this.proposals.size === 0 && this.reads.size === 0;
  }

  /** The term every waiting proposal was made in (they all share the leader's term). */
  get term(): Term | null {
    return this.proposalTerm;
  }

  addProposal(entry: EntryMeta): Promise<ProposalResult> {
    return new Promise<ProposalResult>((resolve, reject) => {
      if (this.proposals.size === 0) this.proposalTerm = entry.term;
      this.proposals.set(entry.baseOffset, { entry, resolve, reject, appended: null });
    });
  }

  /**
   * A promise that resolves once the proposal at `entry.baseOffset` is written to this node's
   * log (not yet durable), and rejects like the proposal when it never will be. Call right
   * after `addProposal`, before any Ready could have written the entry.
   */
  whenAppended(entry: EntryMeta): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending = this.proposals.get(entry.baseOffset);
      if (pending?.entry.term !== entry.term) {
        reject(lost(entry.baseOffset));
        return;
      }
      pending.appended = { resolve, reject };
    });
  }

  /** Entries just written to the log (Ready step 3): tell who waits for them. */
  written(entries: readonly EntryMeta[]): void {
    for (const entry of entries) {
      const pending = this.proposals.get(entry.baseOffset);
      if (pending?.appended == null || pending.entry.term !== entry.term) continue;
      pending.appended.resolve();
      pending.appended = null;
    }
  }

  /** A fresh id for the core's readIndex; `addRead` must follow with it. */
  takeReadId(): number {
    return this.nextReadId++;
  }

  addRead(requestId: number): Promise<Offset> {
    return new Promise<Offset>((resolve, reject) => {
      this.reads.set(requestId, { offset: null, resolve, reject });
    });
  }

  /** Entries just applied: resolve their proposals and the reads now satisfied. */
  applied(entries: readonly LogEntry[], appliedOffset: Offset): void {
    for (const { meta } of entries) {
      const pending = this.proposals.get(meta.baseOffset);
      if (pending === undefined) continue;
      this.proposals.delete(meta.baseOffset);
      if (pending.entry.term === meta.term) settleCommitted(pending);
      else rejectProposal(pending, lost(meta.baseOffset));
    }
    if (this.proposals.size === 0) this.proposalTerm = null;
    this.resolveReads(appliedOffset);
  }

  /**
   * For stateless state machines, whose committed entries are not read back: everything up to
   * `appliedOffset` is applied; `termAt` tells which entry (term) the log holds at an offset.
   */
  appliedThrough(appliedOffset: Offset, termAt: (offset: Offset) => number | undefined): void {
    for (const [offset, pending] of this.proposals) {
      // Insertion order is offset order (one leader term appends in order).
      if (pending.entry.lastOffset > appliedOffset) break;
      this.proposals.delete(offset);
      if (termAt(offset) === pending.entry.term) settleCommitted(pending);
      else rejectProposal(pending, lost(offset));
    }
    if (this.proposals.size === 0) this.proposalTerm = null;
    this.resolveReads(appliedOffset);
  }

  confirmedReads(readStates: readonly ReadState[], appliedOffset: Offset): void {
    for (const state of readStates) {
      const read = this.reads.get(state.requestId);
      if (read !== undefined) read.offset = state.offset;
    }
    this.resolveReads(appliedOffset);
  }

  /** Reads the core will never confirm (it stopped leading): the caller retries on the leader. */
  droppedReads(requestIds: readonly number[], leader: NodeId | null): void {
    for (const id of requestIds) {
      const read = this.reads.get(id);
      if (read === undefined) continue;
      this.reads.delete(id);
      read.reject(
        new ReplicaError('NOT_LEADER', 'leadership was lost before the read was confirmed', leader),
      );
    }
  }

  private resolveReads(appliedOffset: Offset): void {
    for (const [id, read] of this.reads) {
      if (read.offset !== null && read.offset <= appliedOffset) {
        this.reads.delete(id);
        read.resolve(read.offset);
      }
    }
  }

  /**
   * This replica no longer leads the proposals' term: settle what depended on it. Entries up
   * to `commit` were committed while it led (a leader that commits its own removal steps down
   * in the same step): they stay and resolve when applied. The rest are indeterminate.
   */
  leadershipLost(leader: NodeId | null, commit: Offset): void {
    for (const [offset, pending] of this.proposals) {
      if (pending.entry.lastOffset <= commit) continue;
      this.proposals.delete(offset);
      rejectProposal(
        pending,
        new ReplicaError(
          'OUTCOME_UNKNOWN',
          `leadership lost before [${pending.entry.baseOffset}..${pending.entry.lastOffset}] ` +
            `of term ${pending.entry.term} committed: it may still commit`,
          leader,
        ),
      );
    }
    if (this.proposals.size === 0) this.proposalTerm = null;
    for (const [id, read] of this.reads) {
      if (read.offset !== null) continue;
      this.reads.delete(id);
      read.reject(
        new ReplicaError('NOT_LEADER', 'leadership lost before the read was confirmed', leader),
      );
    }
  }

  /** The replica stopped: nothing will be answered any more. */
  rejectAll(proposalError: unknown, readError: unknown): void {
    for (const pending of this.proposals.values()) rejectProposal(pending, proposalError);
    for (const read of this.reads.values()) read.reject(readError);
    this.proposals.clear();
    this.reads.clear();
    this.proposalTerm = null;
  }
}

function settleCommitted(pending: PendingProposal): void {
  const { entry } = pending;
  // Committed implies written here; a waiter not told yet (a Ready that both wrote and
  // applied it) learns both now.
  pending.appended?.resolve();
  pending.appended = null;
  pending.resolve({ baseOffset: entry.baseOffset, lastOffset: entry.lastOffset, term: entry.term });
}

function rejectProposal(pending: PendingProposal, error: unknown): void {
  pending.appended?.reject(error);
  pending.appended = null;
  pending.reject(error);
}

function lost(offset: Offset): ReplicaError {
  return new ReplicaError('OUTCOME_UNKNOWN', `another entry committed at ${offset}`);
}
