/**
 * The contract of Brook's cluster layer (src/cluster/): how brokers form a cluster, what the
 * controller's replicated metadata holds, how partitions map to Raft groups, and what partition
 * leaders report. Types only; the pieces that implement it:
 *
 *   metadata/   the controller's state machine: pure and deterministic (apply, snapshot,
 *               restore), applied on every broker from the controller group's committed log
 *   controller  on the controller leader only: validates admin commands against the applied
 *               state, proposes them, tracks broker liveness from heartbeats, places replicas,
 *               aggregates partition states into the leader table, balances preferred leaders
 *   replica-manager  on every broker: one Replica (src/replica) per partition assigned to this
 *               broker, created, reconfigured and deleted as the metadata changes; routes peer
 *               messages to groups; ticks every group
 *
 * One code path for one broker and for many: a broker started without `--peers` is a cluster of
 * one (its own controller voter), and every partition is a Raft group (of one replica when the
 * replication factor is 1). Raft groups of one commit as soon as their entry is fsynced.
 *
 * Raft groups and their ids (`GroupId`):
 *   "__controller"              the controller group; voters = the `--peers` brokers; every
 *                               other broker joins it as a learner to follow the metadata
 *   "<topicId>/<partition>"     a partition; members = its assigned replicas. The topic id
 *                               (not the name) keeps a recreated topic from talking to the
 *                               groups of its deleted namesake.
 *
 * On disk (under the data directory):
 *   meta.json                              broker id and, once known, cluster id
 *   controller/                            the controller group's log, raft-state, snapshot
 *   topics/<topic>/<partition>/            a partition replica's log, raft-state, snapshot,
 *                                          and partition.json { topicId } (a directory whose
 *                                          topic id is not the assigned one is stale: removed)
 *
 * Time: one tick every `tickMs` (default 50 ms) drives every group on a broker; elections time
 * out after 6–12 ticks (0.3–0.6 s), leaders heartbeat every 2 ticks. Messages between two
 * brokers are coalesced per event-loop turn into one frame, so heartbeats of all the groups
 * they share cost one frame per tick, not one per group.
 */
import type { BrokerId } from '../util/brand.js';

export type GroupId = string;

export const CONTROLLER_GROUP: GroupId = '__controller';

export function partitionGroupId(topicId: string, partition: number): GroupId {
  return `${topicId}/${partition}`;
}

/** A controller voter as named on the command line: `id@host:port`. */
export interface PeerAddress {
  readonly id: BrokerId;
  readonly address: string;
}

// ---------------------------------------------------------------------------------------------
// The controller's replicated metadata (applied on every broker)

export interface BrokerRegistration {
  readonly id: BrokerId;
  /** host:port where clients and peers reach it. */
  readonly address: string;
  /** Fenced: missed heartbeats for `brokerSessionTimeoutMs`; gets no new replicas. */
  readonly fenced: boolean;
}

export interface PartitionAssignment {
  readonly partition: number;
  /**
   * The target replica set; replicas[0] is the preferred leader. The Raft group's actual
   * membership converges to it (reassignment: learners added and caught up, then promoted,
   * then removed voters), driven by the partition's leader.
   */
  readonly replicas: readonly BrokerId[];
  /**
   * The replicas the partition's Raft group was founded with (the voters of its first
   * configuration, which lives only in each founder's snapshot file): set when the partition is
   * created (createTopic, createPartitions) and never changed by a reassignment. A broker that
   * creates a replica directory starts it with these voters if it is one of them, and with an
   * empty membership otherwise (a reassignment target joins when the leader adds it as a
   * learner): a joiner that believed itself a voter could win an election the real voters
   * never agreed to. Absent: `replicas` (right for every partition never reassigned).
   */
  readonly initialReplicas?: readonly BrokerId[];
}

export interface TopicAssignment {
  readonly name: string;
  readonly topicId: string;
  readonly replicationFactor: number;
  /** Topic config overrides (validated keys, see broker/topic-config.ts). */
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly PartitionAssignment[];
  readonly createdAtMs: number;
}

/**
 * Commands in the controller log (data batches, one JSON command per record value). The
 * leader validates a command against the applied state before proposing it; `apply` checks it
 * again and ignores (deterministically) one that no longer fits, so that concurrent proposals
 * can never leave replicas with different state.
 */
export type MetadataCommand =
  | { readonly type: 'initCluster'; readonly clusterId: string }
  | { readonly type: 'registerBroker'; readonly broker: BrokerId; readonly address: string }
  | { readonly type: 'fenceBroker'; readonly broker: BrokerId }
  | { readonly type: 'unfenceBroker'; readonly broker: BrokerId }
  | { readonly type: 'createTopic'; readonly topic: TopicAssignment }
  | { readonly type: 'deleteTopic'; readonly name: string; readonly topicId: string }
  | {
      readonly type: 'alterTopicConfig';
      readonly name: string;
      readonly topicId: string;
      /** The complete new overrides. */
      readonly configs: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'createPartitions';
      readonly name: string;
      readonly topicId: string;
      /** Appended after the existing partitions (their numbers continue). */
      readonly partitions: readonly PartitionAssignment[];
    }
  | {
      readonly type: 'reassignPartition';
      readonly name: string;
      readonly topicId: string;
      readonly partition: number;
      readonly replicas: readonly BrokerId[];
    };

export type MetadataChange =
  | { readonly type: 'cluster'; readonly clusterId: string }
  | { readonly type: 'broker'; readonly broker: BrokerRegistration }
  | { readonly type: 'topicCreated'; readonly topic: TopicAssignment }
  | { readonly type: 'topicDeleted'; readonly name: string; readonly topicId: string }
  | { readonly type: 'topicChanged'; readonly topic: TopicAssignment };

/** The applied metadata as every broker sees it (possibly behind the controller leader). */
export interface MetadataView {
  readonly clusterId: string | null;
  /** Offset of the last controller entry applied. */
  readonly appliedOffset: number;
  brokers(): readonly BrokerRegistration[];
  broker(id: BrokerId): BrokerRegistration | undefined;
  topics(): readonly TopicAssignment[];
  topic(name: string): TopicAssignment | undefined;
  topicById(topicId: string): TopicAssignment | undefined;
  /** Called synchronously after each applied change; returns an unsubscribe function. */
  onChange(listener: (change: MetadataChange) => void): () => void;
}

// ---------------------------------------------------------------------------------------------
// What partition leaders report (not replicated: soft state, refreshed every heartbeat)

export interface PartitionState {
  readonly topicId: string;
  readonly topic: string;
  readonly partition: number;
  readonly leader: BrokerId;
  /** The Raft term the leader leads in (Kafka's leader epoch). */
  readonly leaderEpoch: number;
  /** The group's current members (voters then learners), which may lag the assignment. */
  readonly replicas: readonly BrokerId[];
  /**
   * In-sync replicas: the leader, and every member that was fully caught up with the leader's
   * log at some moment within `replicaLagTimeMs` (Kafka's lastCaughtUpTime rule).
   */
  readonly isr: readonly BrokerId[];
  /** One past the last committed offset. */
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly sizeBytes: number;
}

/**
 * Partition leadership as this broker knows it: exact for the partitions it leads or follows
 * (from its own replicas), and for the rest as last reported by the controller leader, which
 * aggregates the states partition leaders send with their broker heartbeats.
 */
export interface LeaderTable {
  get(topicId: string, partition: number): PartitionState | undefined;
}

// ---------------------------------------------------------------------------------------------
// Named settings of the cluster layer (each also a broker config key)

export interface ClusterTiming {
  /** One Raft tick. */
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /**
   * Idle ticks after which a partition's leader stops heartbeating it (RaftConfig
   * .quiesceAfterTicks; 0 = never). A broker then signals once per heartbeat interval, to each
   * peer, that it is alive and which groups it leads quiesced, instead of one heartbeat and one
   * answer per group: what lets a broker host thousands of idle partitions cheaply.
   */
  readonly quiesceAfterTicks: number;
  /** How often a broker heartbeats the controller leader (with its partition states). */
  readonly brokerHeartbeatMs: number;
  /** A broker silent this long is fenced (no new replicas placed on it). */
  readonly brokerSessionTimeoutMs: number;
  /** See PartitionState.isr. */
  readonly replicaLagTimeMs: number;
  /** How often the controller leader moves leaders back to their preferred replicas. */
  readonly leaderBalanceIntervalMs: number;
}

export const DEFAULT_CLUSTER_TIMING: ClusterTiming = {
  tickMs: 50,
  electionTicks: 6,
  heartbeatTicks: 2,
  quiesceAfterTicks: 20,
  brokerHeartbeatMs: 500,
  brokerSessionTimeoutMs: 6_000,
  replicaLagTimeMs: 10_000,
  leaderBalanceIntervalMs: 5_000,
};

// ---------------------------------------------------------------------------------------------
// The control plane's surface (controller.ts and friends): the admin operations, and what the
// data plane hands the controller. Added with the controller; additive only.

/** A topic to create. Zero partitions or replication factor means the broker default. */
export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic config overrides; validated by the controller leader (TopicRules). */
  readonly configs: Readonly<Record<string, string>>;
}

export interface BrokerLiveness {
  readonly id: BrokerId;
  readonly address: string;
  /** Registered and not fenced. */
  readonly alive: boolean;
}

export interface ClusterDescription {
  readonly clusterId: string;
  /** The controller leader that answered (null only when none is known). */
  readonly controllerId: BrokerId | null;
  readonly controllerVoters: readonly BrokerId[];
  readonly brokers: readonly BrokerLiveness[];
  /** Partitions with no known leader, or whose leader is fenced. */
  readonly offlinePartitions: number;
  /** Partitions whose ISR is smaller than their assigned replica set. */
  readonly underReplicatedPartitions: number;
}

/**
 * The admin operations over the replicated metadata, served by the controller leader
 * (`Controller` implements it). Each write is validated against the applied state, proposed as
 * one command with the leader's term, and answered once committed and applied, from the applied
 * state. On a broker whose controller does not lead, every method rejects NOT_LEADER with the
 * leader in `details.leader` when known (server/admin-forwarding.ts forwards the public call
 * to the leader instead of calling these).
 *
 * Errors (BrookError codes): INVALID_TOPIC, TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC,
 * INVALID_PARTITIONS, INVALID_PARTITION, INVALID_REPLICATION_FACTOR (more replicas than live
 * brokers, with how many are live), INVALID_CONFIG, INVALID_REQUEST (a reassignment naming an
 * unknown, fenced or repeated broker), NOT_LEADER, REQUEST_TIMED_OUT (outcome unknown: the
 * leader changed before the command committed), RESOURCE_EXHAUSTED (admin queue full).
 */
export interface ClusterAdmin {
  createTopic(topic: NewTopic): Promise<TopicAssignment>;
  deleteTopic(name: string): Promise<void>;
  /** Sets `set` and resets `remove` to their defaults; a key in both is refused. */
  alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string>>,
    remove: readonly string[],
  ): Promise<TopicAssignment>;
  /** `count` is the new total; it must be larger than the current one (never removes). */
  createPartitions(name: string, count: number): Promise<TopicAssignment>;
  /** Records a new target replica set (replicas[0] preferred leader); the move is online. */
  reassignPartition(
    name: string,
    partition: number,
    replicas: readonly BrokerId[],
  ): Promise<TopicAssignment>;
  /** Linearizable (a read index on the controller leader). */
  describeCluster(): Promise<ClusterDescription>;
}

/**
 * The topic rules of broker/ (the controller may not import broker/): the composition root
 * passes `checkTopicName` (broker/topic-name.ts), `validateOverrides` and `TOPIC_CONFIG_KEYS`
 * (broker/topic-config.ts).
 */
export interface TopicRules {
  /** Throws INVALID_TOPIC for a name that is not allowed. */
  checkName(name: string): void;
  /** Throws INVALID_CONFIG; returns the overrides normalised. */
  validateConfigs(overrides: Readonly<Record<string, string>>): Record<string, string>;
  /** The keys a topic may override (TOPIC_CONFIG_KEYS): a reset of another key is refused. */
  readonly configKeys: readonly string[];
}

/** Provided by the data plane (the replica manager): this broker's partition replicas. */
export interface PartitionLeadership {
  /** The states of the partitions whose replica on this broker currently leads. */
  partitionStates(): readonly PartitionState[];
  /**
   * Asks this broker's replica of the partition, if it leads, to hand leadership to `target`
   * (Replica.transferLeadership). A refusal (not the leader, no such replica, target not a
   * member) is an answer, not an error.
   */
  transfer(
    topicId: string,
    partition: number,
    target: BrokerId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string };
}
