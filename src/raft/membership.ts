/**
 * Configurations and single-server changes (Raft thesis 4.1–4.3). A new configuration may
 * differ from the current one by at most one voter — adding one (new, or a promoted learner)
 * or removing one (dropped, or demoted to learner) — so that any majority of the old voters
 * and any majority of the new ones overlap. Learners may be added and removed freely: they
 * never count toward a quorum. Changes are single-server only, without joint consensus:
 * every configuration is reached one step at a time.
 */
import type { Membership, NodeId } from './types.js';

export type MembershipChange =
  /** A new non-voting member that starts catching up. */
  | { readonly type: 'addLearner'; readonly node: NodeId }
  /** A learner becomes a voter (the usual way to add a voter: catch up first). */
  | { readonly type: 'promote'; readonly node: NodeId }
  /** A new voter directly (it counts toward the quorum before it has caught up). */
  | { readonly type: 'addVoter'; readonly node: NodeId }
  /** Removes a voter or a learner. */
  | { readonly type: 'remove'; readonly node: NodeId };

export type MembershipResult =
  | { readonly ok: true; readonly membership: Membership }
  | { readonly ok: false; readonly reason: string };

export function isVoter(membership: Membership, id: NodeId): boolean {
  return membership.voters.includes(id);
}

export function isLearner(membership: Membership, id: NodeId): boolean {
  return membership.learners.includes(id);
}

/** Voters first, then learners, each in configuration order (a deterministic order). */
export function members(membership: Membership): NodeId[] {
  return [...membership.voters, ...membership.learners];
}

/** The configuration after `change`, or why the change does not apply to `current`. */
export function membershipAfter(current: Membership, change: MembershipChange): MembershipResult {
  const { node } = change;
  const voter = isVoter(current, node);
  const learner = isLearner(current, node);
  const without = (ids: readonly NodeId[]): NodeId[] => ids.filter((id) => id !== node);
  switch (change.type) {
    case 'addLearner':
      if (voter || learner) return { ok: false, reason: `${node} is already a member` };
      return {
        ok: true,
        membership: { voters: current.voters, learners: [...current.learners, node] },
      };
    case 'promote':
      if (!learner) return { ok: false, reason: `${node} is not a learner` };
      return {
        ok: true,
        membership: { voters: [...current.voters, node], learners: without(current.learners) },
      };
    case 'addVoter':
      if (voter || learner) return { ok: false, reason: `${node} is already a member` };
      return {
        ok: true,
        membership: { voters: [...current.voters, node], learners: current.learners },
      };
    case 'remove':
      if (!voter && !learner) return { ok: false, reason: `${node} is not a member` };
      return {
        ok: true,
        membership: { voters: without(current.voters), learners: without(current.learners) },
      };
  }
}

/**
 * Why `next` may not follow `current`, or null when it may: well formed (no duplicates, no
 * member both voter and learner, at least one voter) and at most one voter added or removed.
 */
export function validateMembershipChange(current: Membership, next: Membership): string | null {
  const all = members(next);
  if (new Set(all).size !== all.length) return 'a member is listed twice';
  if (next.voters.length === 0) return 'a configuration needs at least one voter';
  const added = next.voters.filter((id) => !current.voters.includes(id));
  const removed = current.voters.filter((id) => !next.voters.includes(id));
  if (added.length + removed.length > 1) {
    return `changes ${added.length + removed.length} voters at once; only one at a time is safe`;
  }
  return null;
}
