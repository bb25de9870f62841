/**
 * How the controller and the heartbeat agent are built: what they need from the composition
 * root, their named limits with defaults (each a broker config key), and the relations between
 * those limits and the cluster timing, asserted at start-up.
 *
 * Must not: hold behaviour (controller.ts and heartbeat-agent.ts do the work).
 */
import type { MembershipChange } from '../raft/index.js';
import type { Offset, Term } from '../raft/types.js';
import type { ProposalResult, ReplicaStatus } from '../replica/index.js';
import { assert } from '../util/assert.js';
import type { BrokerId } from '../util/brand.js';
import type { Clock, Logger, Scheduler } from '../util/ports.js';
import type { TopicDefaults } from './admin-requests.js';
import type { ControllerRpc } from './controller-rpc.js';
import type { LeaderTableCache } from './leader-table.js';
import type { MetadataStateMachine } from './metadata/state-machine.js';
import type { ClusterTiming, PartitionLeadership, PeerAddress, TopicRules } from './types.js';

/** What the controller uses of the controller group's Replica (src/replica). */
export interface ControllerReplica {
  propose(batch: Uint8Array, expectedTerm?: Term): Promise<ProposalResult>;
  readIndex(): Promise<Offset>;
  changeMembership(change: MembershipChange, expectedTerm?: Term): Promise<ProposalResult>;
  compact(): Promise<Offset | null>;
  status(): Pick<ReplicaStatus, 'role' | 'term' | 'leader' | 'membership' | 'applied' | 'snapshot'>;
}

export interface ControllerLimits {
  /** Admin operations (and liveness commands) waiting for the leader's one-at-a-time queue. */
  readonly adminQueueMax: number;
  /** Longest an admin operation waits for its command to commit before REQUEST_TIMED_OUT. */
  readonly adminTimeoutMs: number;
  /** Deadline of one controller RPC (heartbeat, leadership transfer). */
  readonly rpcTimeoutMs: number;
  /** Most partition states one heartbeat may carry. */
  readonly heartbeatPartitionsMax: number;
  /** Longest pause between heartbeat attempts after failures (exponential backoff cap). */
  readonly heartbeatBackoffMaxMs: number;
  /** Leadership transfers asked for per balancing round. */
  readonly leaderMovesPerRoundMax: number;
  /** Applied controller entries beyond the last snapshot that trigger a new snapshot. */
  readonly snapshotEntriesMin: number;
}

export const defaultControllerLimits: ControllerLimits = {
  adminQueueMax: 1_000,
  adminTimeoutMs: 30_000,
  rpcTimeoutMs: 2_000,
  heartbeatPartitionsMax: 100_000,
  heartbeatBackoffMaxMs: 5_000,
  leaderMovesPerRoundMax: 256,
  snapshotEntriesMin: 10_000,
};

export function assertControllerLimits(limits: ControllerLimits, timing: ClusterTiming): void {
  assert(limits.adminQueueMax > 0, 'adminQueueMax must be positive');
  assert(limits.adminTimeoutMs > 0, 'adminTimeoutMs must be positive');
  assert(limits.heartbeatPartitionsMax > 0, 'heartbeatPartitionsMax must be positive');
  assert(limits.leaderMovesPerRoundMax > 0, 'leaderMovesPerRoundMax must be positive');
  assert(limits.snapshotEntriesMin > 0, 'snapshotEntriesMin must be positive');
  assert(timing.brokerHeartbeatMs > 0, 'brokerHeartbeatMs must be positive');
  assert(
    timing.brokerSessionTimeoutMs > 2 * timing.brokerHeartbeatMs,
    'brokerSessionTimeoutMs must exceed two heartbeats, or one late heartbeat fences a broker',
  );
  assert(
    limits.rpcTimeoutMs < timing.brokerSessionTimeoutMs,
    'rpcTimeoutMs must be below brokerSessionTimeoutMs, or a slow call outlives the session',
  );
  assert(
    limits.heartbeatBackoffMaxMs < timing.brokerSessionTimeoutMs,
    'heartbeatBackoffMaxMs must be below brokerSessionTimeoutMs, or backoff alone fences',
  );
}

export interface ControllerOptions {
  readonly brokerId: BrokerId;
  /** The controller voters (`--peers`): where a leader is looked for, and the address fallback. */
  readonly peers: readonly PeerAddress[];
  /** The controller group's replica on this broker (voter or learner). */
  readonly replica: ControllerReplica;
  /** The state machine that replica applies to. */
  readonly metadata: MetadataStateMachine;
  /** This broker's copy of the leader table (seeds a new leader's aggregated table). */
  readonly leaderTable: LeaderTableCache;
  readonly leadership: PartitionLeadership;
  readonly rpc: ControllerRpc;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Fresh unique ids (topic ids). */
  readonly newId: () => string;
  /** The cluster id the first leader records (default: `newId()`). */
  readonly newClusterId?: () => string;
  readonly topicRules: TopicRules;
  readonly topicDefaults?: TopicDefaults;
  readonly timing: ClusterTiming;
  readonly limits?: Partial<ControllerLimits>;
}
