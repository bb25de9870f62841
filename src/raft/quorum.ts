/**
 * Majorities over a configuration's voters: the offset a quorum holds, election outcomes, and
 * "a quorum answered" checks. Pure functions; learners never appear here (callers pass voters
 * only), which is what keeps a learner from counting toward commit or elections.
 */
import { assert } from '../util/assert.js';
import type { NodeId, Offset } from './types.js';

/** Smallest majority of `voterCount` voters. */
export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/**
 * The largest offset held by a majority of `voters` (Raft paper 5.3): sort the voters' match
 * offsets in descending order and take the one at the quorum's position.
 */
export function quorumMatch(voters: readonly NodeId[], matchOf: (id: NodeId) => Offset): Offset {
  assert(voters.length > 0, 'a configuration without voters has no quorum');
  const matches = voters.map(matchOf).sort((left, right) => right - left);
  const match = matches[quorumSize(voters.length) - 1];
  assert(match !== undefined);
  return match;
}

export type VoteOutcome = 'won' | 'lost' | 'pending';

/** Raft paper 5.2: won with a majority of grants, lost once a majority can no longer grant. */
export function tallyVotes(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteOutcome {
  let granted = 0;
  let rejected = 0;
  for (const voter of voters) {
    const vote = votes.get(voter);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const quorum = quorumSize(voters.length);
  if (granted >= quorum) return 'won';
  if (rejected > voters.length - quorum) return 'lost';
  return 'pending';
}

/** True when a majority of `voters` satisfies `answered`. */
export function hasQuorum(voters: readonly NodeId[], answered: (id: NodeId) => boolean): boolean {
  if (voters.length === 0) return false;
  return voters.filter(answered).length >= quorumSize(voters.length);
}
