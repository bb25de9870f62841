/**
 * Pending linearizable reads on a leader (Raft thesis 6.4, ReadIndex). A read records the
 * commit offset at request time, then waits until a quorum of voters has answered a heartbeat
 * sent after it was recorded: proof that this node still led when the read arrived, so no
 * other leader can have committed anything newer. Heartbeats carry a read context number; an
 * answer to context c confirms every read recorded with a context <= c.
 *
 * Reads are released in order; a later read is never released before an earlier one (an
 * answer confirming a later context confirms every earlier one too). A deposed leader drops
 * this queue whole, so it never produces a ReadState.
 */
import type { NodeId, Offset, ReadState } from './types.js';

interface PendingRead {
  readonly requestId: number;
  readonly offset: Offset;
  readonly context: number;
  readonly acks: Set<NodeId>;
}

export class ReadIndexQueue {
  private nextContext = 1;
  private readonly pending: PendingRead[] = [];
  /** Requests that arrived before this leader committed an entry of its term. */
  private readonly waiting: number[] = [];

  get pendingCount(): number {
    return this.pending.length + this.waiting.length;
  }

  /** Parks a request until the leader's commit offset is known to be current. */
  wait(requestId: number): void {
    this.waiting.push(requestId);
  }

  takeWaiting(): number[] {
    return this.waiting.splice(0, this.waiting.length);
  }

  /** Records a read at `offset`, acknowledged by `self`; returns its heartbeat context. */
  add(requestId: number, offset: Offset, self: NodeId | null): number {
    const context = this.nextContext++;
    const acks = new Set<NodeId>();
    if (self !== null) acks.add(self);
    this.pending.push({ requestId, offset, context, acks });
    return context;
  }

  /** The context to put in regular heartbeats: the newest pending read's, or null. */
  lastContext(): number | null {
    return this.pending.at(-1)?.context ?? null;
  }

  /** `from` answered a heartbeat of `context`. */
  ack(from: NodeId, context: number): void {
    for (const read of this.pending) {
      if (read.context > context) break;
      read.acks.add(from);
    }
  }

  /** Removes and returns the reads, oldest first, that a quorum has confirmed. */
  release(confirmed: (acks: ReadonlySet<NodeId>) => boolean): ReadState[] {
    const released: ReadState[] = [];
    while (this.pending[0] !== undefined && confirmed(this.pending[0].acks)) {
      const read = this.pending.shift();
      if (read !== undefined) released.push({ requestId: read.requestId, offset: read.offset });
    }
    return released;
  }
}
