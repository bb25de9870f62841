/**
 * The fault knobs of one simulation run, all derived from its seed (TigerBeetle's VOPR does
 * the same): some seeds run a calm network and fast disks, others a lossy, reordering network
 * with slow fsyncs and frequent crashes. A failing seed prints its knobs with its replay
 * command.
 */
import type { SeededRandom } from '../support/seeded-random.js';

export type PartitionMode =
  /** Two random halves cannot talk to each other. */
  | 'symmetric'
  /** Messages flow one way only between two random halves. */
  | 'asymmetric'
  /** The current leader hears no one and no one hears it. */
  | 'isolateLeader'
  /** One random node is cut off. */
  | 'isolateOne'
  /** A random majority and its minority. */
  | 'majorityMinority'
  /** A few random links hold their messages, delivered in a burst when the fault ends. */
  | 'clog';

export const PARTITION_MODES: readonly PartitionMode[] = [
  'symmetric',
  'asymmetric',
  'isolateLeader',
  'isolateOne',
  'majorityMinority',
  'clog',
];

export interface FaultKnobs {
  readonly nodes: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** Probability that a message gets a long delay (it overtakes nothing but is overtaken). */
  readonly reorderProbability: number;
  /** Probability that an append or snapshot payload has a byte flipped in flight. */
  readonly corruptProbability: number;
  readonly delayMinMs: number;
  readonly delayMaxMs: number;
  readonly longDelayMaxMs: number;
  /** Mean time between fault actions (partitions, crashes, compactions, transfers). */
  readonly faultIntervalMs: number;
  readonly partitionModes: readonly PartitionMode[];
  readonly partitionProbability: number;
  readonly crashProbability: number;
  /** Most nodes down at once during the safety phase. */
  readonly downMax: number;
  readonly compactProbability: number;
  readonly transferProbability: number;
  /** Membership changes (remove a voter, add it back as a learner, promote it). */
  readonly membershipProbability: number;
  /** fsync latency is uniform in [0, this]; 0 means fsyncs complete at once. */
  readonly diskLatencyMaxMs: number;
  /** Mean time between client proposals. */
  readonly proposalIntervalMs: number;
  readonly proposalsInFlightMax: number;
  /**
   * Fault points (FoundationDB's BUGGIFY): right after a node grants a vote or acknowledges an
   * append, crash it with this probability and restart it soon: the persistence rules (vote
   * and entries durable before the answer) are only tested by crashes at those moments.
   */
  readonly crashAfterAnswerProbability: number;
  /** Raft pacing and flow control vary per seed too. */
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly messageBytesMax: number;
  readonly inflightMessagesMax: number;
  /** Without pre-vote, split votes (two candidates in one term) are common. */
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
}

const pick = <T>(random: SeededRandom, items: readonly T[]): T => random.pick(items);

export function deriveKnobs(random: SeededRandom, nodes: number): FaultKnobs {
  const calm = random.chance(0.15);
  const modes = PARTITION_MODES.filter(() => random.chance(0.6));
  return {
    nodes,
    dropProbability: calm ? 0 : pick(random, [0, 0.01, 0.05, 0.1, 0.2]),
    duplicateProbability: calm ? 0 : pick(random, [0, 0.01, 0.05]),
    reorderProbability: calm ? 0 : pick(random, [0, 0.02, 0.1]),
    corruptProbability: calm ? 0 : pick(random, [0, 0, 0.01, 0.05]),
    delayMinMs: pick(random, [0, 1, 2]),
    delayMaxMs: pick(random, [3, 8, 20, 40]),
    longDelayMaxMs: pick(random, [100, 300, 1000]),
    faultIntervalMs: pick(random, [100, 250, 500]),
    partitionModes: modes.length > 0 ? modes : [pick(random, PARTITION_MODES)],
    partitionProbability: calm ? 0 : pick(random, [0.1, 0.25, 0.4]),
    crashProbability: pick(random, [0.05, 0.15, 0.3]),
    downMax: random.chance(0.7) ? Math.floor((nodes - 1) / 2) : Math.floor((nodes - 1) / 2) + 1,
    compactProbability: pick(random, [0.05, 0.15, 0.3, 0.6]),
    transferProbability: pick(random, [0, 0.05, 0.1]),
    membershipProbability: pick(random, [0, 0.05, 0.1]),
    diskLatencyMaxMs: pick(random, [0, 0, 5, 20, 60]),
    proposalIntervalMs: pick(random, [10, 25, 60]),
    proposalsInFlightMax: pick(random, [1, 4, 16]),
    crashAfterAnswerProbability: pick(random, [0, 0.01, 0.05, 0.2]),
    ...pick(random, [
      { electionTicks: 10, heartbeatTicks: 2 },
      { electionTicks: 10, heartbeatTicks: 1 },
      { electionTicks: 20, heartbeatTicks: 3 },
    ]),
    messageBytesMax: pick(random, [256, 1024, 4096, 16384]),
    inflightMessagesMax: pick(random, [1, 2, 4, 16]),
    preVote: random.chance(0.7),
    checkQuorum: random.chance(0.7),
  };
}

export function describeKnobs(knobs: FaultKnobs): string {
  return Object.entries(knobs)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('|') : String(value)}`)
    .join(' ');
}
