/**
 * How a partition leader moves its Raft group's membership toward the assigned replica set, one
 * single-server change at a time (raft/membership.ts; thesis 4.1-4.3): new replicas join as
 * learners, are promoted once caught up, then replicas outside the target leave; the leader
 * leaves last, by handing leadership to a caught-up target voter first (the new leader then
 * removes it).
 *
 * Worked example, membership voters [1,2,3] led by 3, target [1,2,4]:
 *   addLearner 4 -> voters [1,2,3] learners [4]
 *   promote 4 (retried while the core says it has not caught up) -> voters [1,2,3,4]
 *   3 is the leader and not in the target: transfer to 1 (or 2, 4: the most caught up)
 *   on 1: remove 3 -> voters [1,2,4]: done.
 *
 * Pure: the replica manager turns a step into a Replica call and waits for it to commit before
 * asking again.
 */
import type { MembershipChange } from '../raft/index.js';
import type { FollowerProgress, Membership } from '../raft/types.js';
import type { BrokerId } from '../util/brand.js';

export type MembershipStep =
  | { readonly kind: 'change'; readonly change: MembershipChange }
  | { readonly kind: 'transfer'; readonly target: BrokerId }
  | { readonly kind: 'none' };

const NONE: MembershipStep = { kind: 'none' };

/**
 * The next step from `membership` toward `target`, as seen by `leader` (the caller leads), or
 * none when the group already matches. `progress` ranks transfer targets (highest match).
 */
export function nextMembershipStep(
  leader: BrokerId,
  membership: Membership,
  target: readonly BrokerId[],
  progress: readonly FollowerProgress[],
): MembershipStep {
  if (target.length === 0) return NONE;
  const isMember = (id: BrokerId): boolean =>
    membership.voters.includes(id) || membership.learners.includes(id);
  const joining = target.find((id) => !isMember(id));
  if (joining !== undefined) {
    return { kind: 'change', change: { type: 'addLearner', node: joining } };
  }
  const learning = target.find((id) => membership.learners.includes(id));
  if (learning !== undefined) {
    return { kind: 'change', change: { type: 'promote', node: learning } };
  }
  const leavingLearner = membership.learners.find((id) => !target.includes(id));
  if (leavingLearner !== undefined) {
    return { kind: 'change', change: { type: 'remove', node: leavingLearner } };
  }
  const leavingVoter = membership.voters.find((id) => id !== leader && !target.includes(id));
  if (leavingVoter !== undefined) {
    return { kind: 'change', change: { type: 'remove', node: leavingVoter } };
  }
  if (!target.includes(leader)) {
    const successor = bestSuccessor(target, membership, progress);
    return successor === null ? NONE : { kind: 'transfer', target: successor };
  }
  return NONE;
}

/** The target voter with the highest match (ties: target order). */
function bestSuccessor(
  target: readonly BrokerId[],
  membership: Membership,
  progress: readonly FollowerProgress[],
): BrokerId | null {
  let best: { id: BrokerId; match: number } | null = null;
  for (const id of target) {
    if (!membership.voters.includes(id)) continue;
    const match = progress.find((follower) => follower.id === id)?.match ?? -1;
    if (best === null || match > best.match) best = { id, match };
  }
  return best?.id ?? null;
}
