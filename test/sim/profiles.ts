/**
 * Fault profiles: the seed's knobs bent toward one kind of bug, as TigerBeetle's VOPR has
 * modes. The random sim uses the seed's knobs as they are; the broken-variant tests and some
 * pinned seeds use a profile.
 */
import type { FaultKnobs } from './knobs.js';

/**
 * Double votes: several candidates per term (no pre-vote, no check-quorum, short election
 * timeouts), voters crashing right after they granted a vote and coming back at once, and
 * vote requests held on clogged links or duplicated and delayed, so that a copy reaches a
 * voter after its reboot, still in the same term.
 */
export function votesProfile(knobs: FaultKnobs): FaultKnobs {
  return {
    ...knobs,
    preVote: false,
    checkQuorum: false,
    electionTicks: 10,
    heartbeatTicks: 2,
    crashAfterAnswerProbability: 0.5,
    duplicateProbability: 0.2,
    reorderProbability: 0.2,
    delayMaxMs: 20,
    longDelayMaxMs: 300,
    downMax: 1,
    partitionProbability: 0.3,
    partitionModes: ['clog'],
  };
}

export const PROFILES: Readonly<Record<string, (knobs: FaultKnobs) => FaultKnobs>> = {
  votes: votesProfile,
};
