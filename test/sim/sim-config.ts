/**
 * The simulator's fixed settings: the tick length, the Raft and log settings every run starts
 * from (the seed's knobs vary some of them), and the calm knobs the scenario tests default to.
 */
import type { RaftConfig } from '../../src/raft/types.js';
import type { LogConfig } from '../../src/storage/log-config.js';
import type { FaultKnobs } from './knobs.js';

export const TICK_MS = 10;

export const SIM_RAFT: Omit<RaftConfig, 'id' | 'random'> = {
  electionTicks: 10,
  heartbeatTicks: 2,
  preVote: true,
  checkQuorum: true,
  inflightMessagesMax: 4,
  inflightBytesMax: 64 * 1024,
  messageBytesMax: 4 * 1024,
};

/** Small segments and a dense index, so rolls and multi-segment reads happen all the time. */
export const SIM_LOG_CONFIG: Partial<LogConfig> = { segmentBytes: 4096, indexIntervalBytes: 256 };

/** No faults at all: the scenario tests' default. */
export const CALM: FaultKnobs = {
  nodes: 3,
  dropProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  corruptProbability: 0,
  delayMinMs: 1,
  delayMaxMs: 3,
  longDelayMaxMs: 3,
  faultIntervalMs: 1000,
  partitionModes: ['symmetric'],
  partitionProbability: 0,
  crashProbability: 0,
  downMax: 0,
  compactProbability: 0,
  transferProbability: 0,
  membershipProbability: 0,
  diskLatencyMaxMs: 0,
  proposalIntervalMs: 50,
  proposalsInFlightMax: 1,
  crashAfterAnswerProbability: 0,
  electionTicks: SIM_RAFT.electionTicks,
  heartbeatTicks: SIM_RAFT.heartbeatTicks,
  messageBytesMax: SIM_RAFT.messageBytesMax,
  inflightMessagesMax: SIM_RAFT.inflightMessagesMax,
  preVote: SIM_RAFT.preVote,
  checkQuorum: SIM_RAFT.checkQuorum,
};
