/**
 * Pending linearizable reads on a leader (Raft thesis 6.4, ReadIndex). A read records the
 * commit offset at request time, then waits until a quorum of voters has answered a heartbeat
 * sent after it was recorded: proof that this node still led when the read arrived, so no
 * other leader can have committed anything newer.
 *
 * Rounds: reads recorded between two heartbeat broadcasts share one read context (the round's
 * number), and the next broadcast carries it — one broadcast per round, however many reads it
 * holds (LeaderRole sends it when the Ready is taken, or on the heartbeat tick). A context is
 * only ever sent after every read of its round was recorded, which is what the proof needs.
 *
 * Acknowledgements: contexts grow, and an answer to context c confirms every read of a round
 * <= c. So each voter needs only the newest context it answered (O(1) per answer), the reads a
 * quorum confirmed are a prefix of the queue, and they are released in order (a later read is
 * never released before an earlier one). An answer naming a context never sent is ignored (a
 * buggy peer must not confirm reads no heartbeat asked about).
 *
 * A leader that steps down takes every pending read out (`drain`) and reports it failed
 * (Ready.droppedReads): a deposed leader never produces a ReadState.
 */
import { quorumSize } from './quorum.js';
import type { NodeId, Offset, ReadState } from './types.js';

interface PendingRead {
  readonly requestId: number;
  readonly offset: Offset;
  readonly context: number;
}

/** Compact the queue's consumed head once it is this long and at least half of the array. */
const COMPACT_AFTER = 1024;

export class ReadIndexQueue {
  /** Context of the reads recorded since the last broadcast (the next broadcast carries it). */
  private roundContext = 1;
  /** Reads were recorded in `roundContext` and no heartbeat carried it yet. */
  private roundOpen = false;
  /** The newest context a heartbeat carried. */
  private sentContext = 0;
  /** Pending reads, oldest first, from `head` on (a head index: no quadratic shift()). */
  private pending: PendingRead[] = [];
  private head = 0;
  /** Requests that arrived before this leader committed an entry of its term. */
  private waiting: number[] = [];
  /** Per voter other than this node: the newest context it answered. */
  private readonly acked = new Map<NodeId, number>();

  get pendingCount(): number {
    return this.pending.length - this.head + this.waiting.length;
  }

  /** True when recorded reads wait for a heartbeat round that has not been sent yet. */
  get roundPending(): boolean {
    return this.roundOpen;
  }

  /** Parks a request until the leader's commit offset is known to be current. */
  wait(requestId: number): void {
    this.waiting.push(requestId);
  }

  takeWaiting(): number[] {
    const waiting = this.waiting;
    this.waiting = [];
    return waiting;
  }

  /** Records a read at `offset` in the open round (confirmed by a later broadcast). */
  add(requestId: number, offset: Offset): void {
    this.pending.push({ requestId, offset, context: this.roundContext });
    this.roundOpen = true;
  }

  /**
   * A heartbeat broadcast is going out: the context it carries (the newest pending read's), or
   * null when no read is pending. Closes the open round: later reads need a later broadcast.
   */
  broadcastContext(): number | null {
    if (this.head === this.pending.length) {
      this.roundOpen = false;
      return null;
    }
    if (this.roundOpen) {
      this.roundOpen = false;
      this.sentContext = this.roundContext;
      this.roundContext++;
    }
    return this.sentContext;
  }

  /** `from` answered a heartbeat of `context`. */
  ack(from: NodeId, context: number): void {
    if (!Number.isSafeInteger(context) || context < 1 || context > this.sentContext) return;
    if (context > (this.acked.get(from) ?? 0)) this.acked.set(from, context);
  }

  /**
   * Removes and returns the reads, oldest first, that a quorum of `voters` has confirmed;
   * `self` (this leader, when it is a voter) confirms every read.
   */
  release(voters: readonly NodeId[], self: NodeId | null): ReadState[] {
    const confirmed = quorumContext(voters, (id) =>
      id === self ? Infinity : (this.acked.get(id) ?? 0),
    );
    const released: ReadState[] = [];
    while (this.head < this.pending.length) {
      const read = this.pending[this.head];
      if (read === undefined || read.context > confirmed) break;
      released.push({ requestId: read.requestId, offset: read.offset });
      this.head++;
    }
    this.compact();
    return released;
  }

  /** Takes every pending and waiting request out (the leader steps down), oldest first. */
  drain(): number[] {
    const dropped = this.takeWaiting();
    for (let index = this.head; index < this.pending.length; index++) {
      const read = this.pending[index];
      if (read !== undefined) dropped.push(read.requestId);
    }
    this.pending = [];
    this.head = 0;
    this.roundOpen = false;
    return dropped;
  }

  private compact(): void {
    if (this.head === this.pending.length) {
      // Everything released (a single voter confirms at once): no round left to send.
      this.pending = [];
      this.head = 0;
      this.roundOpen = false;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The newest context a majority of `voters` answered (0 when none). */
function quorumContext(voters: readonly NodeId[], contextOf: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const contexts = voters.map(contextOf).sort((left, right) => right - left);
  return contexts[quorumSize(voters.length) - 1] ?? 0;
}
