/**
 * What a leader knows about one follower's log, and how fast it may send to it (etcd's
 * Progress). Three states:
 *  - probe: the leader does not know where the follower's log matches its own; it sends one
 *    append and waits for the answer (or a heartbeat answer) before sending another;
 *  - replicate: the follower matched; appends are pipelined optimistically (`next` moves ahead
 *    of `match`) within a window of `inflightMessagesMax` messages and `inflightBytesMax` bytes;
 *  - snapshot: the follower needs entries the leader compacted; one InstallSnapshot is in flight.
 * `match` only grows: duplicated, reordered or stale answers can never move it back. The one
 * exception is `forgetMatch`: the follower said it no longer holds what it acknowledged (its
 * storage was damaged and cut, see RaftConfig.abstain); a lower match only delays commits.
 */
import { assert } from '../util/assert.js';
import { asOffset } from './ids.js';
import type { FollowerProgress, NodeId, Offset } from './types.js';

export type ProgressState = FollowerProgress['state'];

/** The appends sent to a follower in the replicate state and not yet acknowledged. */
export class Inflights {
  private readonly queue: { lastOffset: Offset; bytes: number }[] = [];
  private bytes = 0;

  constructor(
    private readonly messagesMax: number,
    private readonly bytesMax: number,
  ) {}

  get count(): number {
    return this.queue.length;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  full(): boolean {
    return this.queue.length >= this.messagesMax || this.bytes >= this.bytesMax;
  }

  add(lastOffset: Offset, bytes: number): void {
    assert(!this.full(), 'an append was sent past the in-flight window');
    const previous = this.queue.at(-1);
    assert(previous === undefined || lastOffset > previous.lastOffset, 'in-flight offsets go back');
    this.queue.push({ lastOffset, bytes });
    this.bytes += bytes;
  }

  /** Forgets every append ending at or before `offset` (the follower acknowledged it). */
  freeTo(offset: Offset): void {
    let freed = 0;
    for (const append of this.queue) {
      if (append.lastOffset > offset) break;
      this.bytes -= append.bytes;
      freed++;
    }
    // One splice, not a shift() per append (each shift moves the whole window).
    if (freed > 0) this.queue.splice(0, freed);
  }

  reset(): void {
    this.queue.length = 0;
    this.bytes = 0;
  }
}

export class Progress {
  /** Highest offset known durable on the follower and matching the leader's log. */
  match: Offset = asOffset(-1);
  /** Offset of the next entry to send; `next - 1` is the prevLastOffset of the next append. */
  next: Offset;
  state: ProgressState = 'probe';
  /** Probe state: an append is in flight; wait for its answer or a heartbeat answer. */
  probeSent = false;
  /** Snapshot state: last offset of the snapshot sent. */
  pendingSnapshot: Offset = asOffset(-1);
  /** Snapshot state: ticks since it was sent (a lost snapshot is retried, see LeaderRole). */
  snapshotElapsedTicks = 0;
  /** Highest commit offset sent to the follower (in an append or a heartbeat). */
  sentCommit: Offset = asOffset(-1);
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(
    readonly id: NodeId,
    next: Offset,
    isLearner: boolean,
    limits: { readonly inflightMessagesMax: number; readonly inflightBytesMax: number },
  ) {
    this.next = next;
    this.isLearner = isLearner;
    this.inflights = new Inflights(limits.inflightMessagesMax, limits.inflightBytesMax);
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least the snapshot, even if it has not said so.
    const floor =
      this.state === 'snapshot' ? Math.max(this.match, this.pendingSnapshot) : this.match;
    this.state = 'probe';
    this.next = asOffset(floor + 1);
    this.probeSent = false;
    this.pendingSnapshot = asOffset(-1);
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = asOffset(this.match + 1);
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeSnapshot(snapshotLastOffset: Offset): void {
    this.state = 'snapshot';
    this.pendingSnapshot = snapshotLastOffset;
    this.snapshotElapsedTicks = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  /**
   * The follower lost entries up to `match` it had acknowledged: nothing is known about its
   * log any more. Back to probe from `probeFrom` (where our log may match its hint).
   */
  forgetMatch(probeFrom: Offset): void {
    this.match = asOffset(-1);
    this.state = 'probe';
    this.next = asOffset(probeFrom + 1);
    this.probeSent = false;
    this.pendingSnapshot = asOffset(-1);
    this.inflights.reset();
  }

  /** A successful answer: true when it taught something new (match grew). */
  maybeUpdate(matchOffset: Offset): boolean {
    let updated = false;
    if (matchOffset > this.match) {
      this.match = matchOffset;
      this.probeSent = false;
      updated = true;
    }
    if (this.next <= matchOffset) this.next = asOffset(matchOffset + 1);
    return updated;
  }

  /**
   * A rejection of the append whose prevLastOffset was `rejected`; `probeFrom` is where the
   * leader's log may match the follower's hint. False when the rejection is stale: in
   * replicate, one at or below `match`; otherwise one that is not about the current probe.
   */
  maybeDecrTo(rejected: Offset, probeFrom: Offset): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = asOffset(this.match + 1);
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = asOffset(Math.max(Math.min(rejected, probeFrom) + 1, this.match + 1));
    this.probeSent = false;
    return true;
  }

  /**
   * Sending `commit` may raise the follower's commit offset: it is newer than what we sent, and
   * what we sent did not already reach everything the follower holds (`next - 1`).
   */
  canBumpCommit(commit: Offset): boolean {
    return commit > this.sentCommit && this.sentCommit < this.next - 1;
  }

  sentCommitOffset(commit: Offset): void {
    if (commit > this.sentCommit) this.sentCommit = commit;
  }

  /** No append may be sent now. */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  /** Records an append carrying entries up to `lastOffset` (or none: `lastOffset` = prev). */
  sentAppend(entryCount: number, lastOffset: Offset, bytes: number): void {
    if (this.state === 'replicate') {
      if (entryCount === 0) return;
      this.inflights.add(lastOffset, bytes);
      this.next = asOffset(lastOffset + 1);
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  toStatus(): FollowerProgress {
    return {
      id: this.id,
      match: this.match,
      next: this.next,
      state: this.state,
      inflightMessages: this.inflights.count,
      isLearner: this.isLearner,
    };
  }
}
