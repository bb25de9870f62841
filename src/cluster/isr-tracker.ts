/**
 * In-sync replicas of a partition this broker leads, by Kafka's lastCaughtUpTime rule: a member
 * is in sync when it was fully caught up with the leader's log at some moment within
 * `replicaLagTimeMs`. The leader is always in sync.
 *
 * "Caught up at moment t" is judged from samples of the core's progress (one per tick): at each
 * sample the tracker remembers the leader's last offset; a follower whose match has reached the
 * last offset of the previous sample was caught up at the previous sample's time. Under steady
 * load a follower trails the leader by what is in flight (far less than a tick), so it keeps
 * passing that test; one that falls behind stops passing it and leaves the ISR
 * `replicaLagTimeMs` later. When this broker becomes leader every member gets the benefit of the
 * doubt: caught up "now" (Kafka does the same), so a new leader does not empty its ISR. The doubt
 * lasts `UNCONFIRMED_GRACE_MS`: a member that has not once acknowledged an append of this term
 * by then (its progress never reached the replicate state) leaves the ISR at once, rather than
 * `replicaLagTimeMs` later. That is the broker that died with the old leader, and an ISR naming
 * it for 10 s would tell an operator (or a benchmark) that it may safely lose another.
 *
 * Pure: time comes in with each sample (monotonic milliseconds).
 */
import type { FollowerProgress } from '../raft/types.js';
import type { BrokerId } from '../util/brand.js';

/** How long a new leader counts a member it has not heard from in its term as in sync. */
export const UNCONFIRMED_GRACE_MS = 1_000;

export class IsrTracker {
  private lastCaughtUpMs = new Map<BrokerId, number>();
  private previousSample: { readonly atMs: number; readonly lastOffset: number } | null = null;
  private term = -1;
  private termStartMs = 0;
  /** Members that acknowledged an append in this term. */
  private confirmed = new Set<BrokerId>();

  /**
   * One sample while leading in `term`: the leader's last offset and its followers' progress.
   * A new term starts over (see the module comment); returns true then.
   */
  sample(
    term: number,
    nowMs: number,
    leaderLastOffset: number,
    progress: readonly FollowerProgress[],
  ): boolean {
    if (term !== this.term) {
      this.term = term;
      this.termStartMs = nowMs;
      this.confirmed = new Set();
      this.lastCaughtUpMs = new Map(progress.map((follower) => [follower.id, nowMs]));
      this.previousSample = { atMs: nowMs, lastOffset: leaderLastOffset };
      return true;
    }
    const previous = this.previousSample;
    const graceOver = nowMs - this.termStartMs > UNCONFIRMED_GRACE_MS;
    for (const follower of progress) {
      if (follower.state === 'replicate') this.confirmed.add(follower.id);
      else if (graceOver && !this.confirmed.has(follower.id)) {
        this.lastCaughtUpMs.set(follower.id, Number.NEGATIVE_INFINITY);
        continue;
      }
      const known = this.lastCaughtUpMs.get(follower.id);
      // A member added during this term starts out of sync: it has never been seen caught up.
      let caughtUpMs = known ?? Number.NEGATIVE_INFINITY;
      if (follower.match >= leaderLastOffset) caughtUpMs = nowMs;
      else if (previous !== null && follower.match >= previous.lastOffset) {
        caughtUpMs = Math.max(caughtUpMs, previous.atMs);
      }
      this.lastCaughtUpMs.set(follower.id, caughtUpMs);
    }
    for (const id of this.lastCaughtUpMs.keys()) {
      if (!progress.some((follower) => follower.id === id)) this.lastCaughtUpMs.delete(id);
    }
    this.previousSample = { atMs: nowMs, lastOffset: leaderLastOffset };
    return false;
  }

  /** The ISR among `members` (voters then learners, the leader among them). */
  inSync(
    leader: BrokerId,
    members: readonly BrokerId[],
    nowMs: number,
    replicaLagTimeMs: number,
  ): BrokerId[] {
    return members.filter((id) => {
      if (id === leader) return true;
      const caughtUpMs = this.lastCaughtUpMs.get(id);
      return caughtUpMs !== undefined && nowMs - caughtUpMs <= replicaLagTimeMs;
    });
  }

  /** Forgets everything (this broker stopped leading). */
  reset(): void {
    this.lastCaughtUpMs = new Map();
    this.previousSample = null;
    this.term = -1;
  }
}
