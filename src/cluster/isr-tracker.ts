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
 * `replicaLagTimeMs` later. When this broker becomes leader, a member is in sync once it has
 * acknowledged an append of the new term (its progress reached the replicate state, usually
 * within a round trip), and counts as caught up from the term's start: so a new leader does not
 * empty its ISR, yet the broker that died with the old leader is not in it. (Giving every member
 * the benefit of the doubt for `replicaLagTimeMs` kept that dead broker in the ISR for 10 s,
 * telling an operator, or a benchmark, that another broker could safely be lost.)
 *
 * Pure: time comes in with each sample (monotonic milliseconds).
 */
import type { FollowerProgress } from '../raft/types.js';
import type { BrokerId } from '../util/brand.js';

export class IsrTracker {
  private lastCaughtUpMs = new Map<BrokerId, number>();
  private previousSample: { readonly atMs: number; readonly lastOffset: number } | null = null;
  private term = -1;
  /** Members that acknowledged an append in this term: only they can be in sync. */
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
      this.confirmed = new Set(
        progress
          .filter((follower) => follower.state === 'replicate')
          .map((follower) => follower.id),
      );
      this.lastCaughtUpMs = new Map(progress.map((follower) => [follower.id, nowMs]));
      this.previousSample = { atMs: nowMs, lastOffset: leaderLastOffset };
      return true;
    }
    const previous = this.previousSample;
    for (const follower of progress) {
      if (follower.state === 'replicate') this.confirmed.add(follower.id);
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
      if (!this.confirmed.has(id)) return false;
      const caughtUpMs = this.lastCaughtUpMs.get(id);
      return caughtUpMs !== undefined && nowMs - caughtUpMs <= replicaLagTimeMs;
    });
  }

  /** Forgets everything (this broker stopped leading). */
  reset(): void {
    this.lastCaughtUpMs = new Map();
    this.confirmed = new Set();
    this.previousSample = null;
    this.term = -1;
  }
}
