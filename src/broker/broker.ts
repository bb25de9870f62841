/**
 * A Brook broker's view of the cluster for the request handlers: topics and their configuration
 * from the replicated metadata (MetadataView), partition leadership (this broker's replicas,
 * and the controller's leader table for the rest), the partitions hosted here (the replica
 * manager), and the admin operations, which go to the controller (ClusterAdmin) after the
 * checks only the broker can make. The data operations (produce, fetch, subscribe, list
 * offsets) live in their own files and reach partitions through `partition()`.
 *
 * Read-your-writes: an admin call answers once this broker has applied the change (and, for a
 * new topic, once its partitions have leaders, up to `adminWaitMs`), so a client that created
 * a topic can use it at once through the same broker.
 *
 * What it must not do: touch gRPC (server/ maps requests), or keep durable state of its own
 * (the controller log is the durable metadata).
 */
import { BrookError } from '../protocol/errors.js';
import { members } from '../raft/index.js';
import type { Limits } from '../util/limits.js';
import type { BrokerId } from '../util/brand.js';
import { asBrokerId } from '../util/brand.js';
import type { Clock, Logger } from '../util/ports.js';
import type { HostedPartition } from '../cluster/hosted-partition.js';
import type {
  ClusterAdmin,
  LeaderTable,
  MetadataView,
  PartitionState,
  TopicAssignment,
} from '../cluster/types.js';
import { Partition } from './partition.js';
import {
  describeConfig,
  effectiveConfig,
  validateOverrides,
  type ConfigEntry,
  type TopicConfig,
} from './topic-config.js';
import { checkTopicName } from './topic-name.js';
import { waitFor } from './wait.js';

/** The partitions this broker hosts (the replica manager implements it). */
export interface HostedPartitions {
  partition(topicId: string, partition: number): HostedPartition | undefined;
  /** The state of a partition this broker leads. */
  stateOf(topicId: string, partition: number): PartitionState | undefined;
  hostedPartitions(): readonly HostedPartition[];
}

export interface BrokerOptions {
  readonly brokerId: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly topicDefaults: TopicConfig;
  readonly limits: Limits;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly metadata: MetadataView;
  readonly admin: ClusterAdmin;
  readonly replicas: HostedPartitions;
  /** Partition states as the controller leader last reported them (partitions led elsewhere). */
  readonly leaders: LeaderTable;
  /** Longest an admin call waits for its change to be visible here. Default 10 s. */
  readonly adminWaitMs?: number;
}

export interface Topic {
  readonly assignment: TopicAssignment;
  readonly name: string;
  readonly config: TopicConfig;
  readonly partitionCount: number;
}

export interface CreateTopicInput {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly sizeBytes: number;
}

export interface TopicDescription {
  readonly name: string;
  readonly replicationFactor: number;
  readonly partitions: readonly PartitionDescription[];
  readonly configs: readonly ConfigEntry[];
}

/** Room for a produce request's fields around its batch bytes. */
const REQUEST_OVERHEAD_BYTES = 4096;
const ADMIN_WAIT_MS_DEFAULT = 10_000;

export class Broker {
  private readonly partitions = new WeakMap<HostedPartition, Partition>();
  private stopping = false;
  /** host:port clients should use to reach this broker; known once the listener is bound. */
  advertisedAddress = '';

  constructor(readonly options: BrokerOptions) {}

  get clusterId(): string {
    return this.options.metadata.clusterId ?? '';
  }

  get brokerId(): number {
    return this.options.brokerId;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  get metadata(): MetadataView {
    return this.options.metadata;
  }

  topic(name: string): Topic {
    const assignment = this.options.metadata.topic(name);
    if (assignment === undefined) {
      throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}`, {
        details: { topic: name },
      });
    }
    return this.topicOf(assignment);
  }

  private topicOf(assignment: TopicAssignment): Topic {
    return {
      assignment,
      name: assignment.name,
      config: effectiveConfig(this.options.topicDefaults, assignment.configs),
      partitionCount: assignment.partitions.length,
    };
  }

  /** The topic, created with defaults first when auto-creation is on. */
  async topicForProduce(name: string): Promise<Topic> {
    if (this.options.metadata.topic(name) !== undefined || !this.options.autoCreateTopics) {
      return this.topic(name);
    }
    await this.createTopic({ name }).catch((error: unknown) => {
      if (!(error instanceof BrookError && error.code === 'TOPIC_ALREADY_EXISTS')) throw error;
    });
    return this.topic(name);
  }

  /**
   * The partition's replica on this broker, for the data path. Throws UNKNOWN_TOPIC,
   * INVALID_PARTITION, or NOT_LEADER (naming the leader) when it is hosted elsewhere; whether
   * it leads is checked by each operation (Partition.checkLeader).
   */
  partition(topicName: string, index: number): Partition {
    const topic = this.topic(topicName);
    const assignment = Number.isInteger(index) ? topic.assignment.partitions[index] : undefined;
    if (assignment === undefined) {
      throw new BrookError(
        'INVALID_PARTITION',
        `topic ${topicName} has no partition ${index}; it has partitions 0 to ` +
          `${topic.partitionCount - 1}`,
        { details: { topic: topicName, partition: String(index) } },
      );
    }
    const topicId = topic.assignment.topicId;
    const hosted = this.options.replicas.partition(topicId, index);
    if (hosted === undefined || hosted.closed) {
      const leader = this.leaderState(topicId, index)?.leader ?? null;
      const known = this.leaderOf(leader);
      const details: Record<string, string> = {
        topic: topicName,
        partition: String(index),
        'leader-id': String(known.id),
      };
      if (known.address !== null) details['leader-address'] = known.address;
      throw new BrookError(
        'NOT_LEADER',
        `this broker holds no replica of ${topicName}-${index}` +
          (known.id < 0 ? '; no leader is known yet' : `; broker ${known.id} leads it`),
        { details },
      );
    }
    let partition = this.partitions.get(hosted);
    if (partition === undefined) {
      partition = new Partition(
        topicName,
        index,
        hosted,
        (leader) => this.leaderOf(leader),
        () => this.options.metadata.topicById(topicId) !== undefined,
      );
      this.partitions.set(hosted, partition);
    }
    return partition;
  }

  /** A broker id and its address, for NOT_LEADER details (-1 when none is known). */
  leaderOf(leader: BrokerId | null): { id: number; address: string | null } {
    if (leader === null) return { id: -1, address: null };
    const address =
      leader === this.options.brokerId && this.advertisedAddress !== ''
        ? this.advertisedAddress
        : (this.options.metadata.broker(leader)?.address ?? null);
    return { id: leader, address };
  }

  listTopics(): Topic[] {
    return [...this.options.metadata.topics()]
      .map((assignment) => this.topicOf(assignment))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // ---- admin ----

  async createTopic(input: CreateTopicInput): Promise<TopicDescription> {
    this.checkRunning();
    checkTopicName(input.name);
    const partitions = input.partitions ?? 0;
    const partitionCount = partitions === 0 ? this.options.defaultPartitions : partitions;
    this.checkPartitionCount(partitionCount, partitions);
    const replicationFactor = input.replicationFactor ?? 0;
    if (!Number.isInteger(replicationFactor) || replicationFactor < 0) {
      throw new BrookError(
        'INVALID_REPLICATION_FACTOR',
        `replication factor ${replicationFactor} is not a positive number`,
      );
    }
    const configs = validateOverrides(input.configs ?? {});
    this.checkFitsRequests(configs);
    const created = await this.options.admin.createTopic({
      name: input.name,
      partitions: partitionCount,
      replicationFactor:
        replicationFactor === 0 ? this.options.defaultReplicationFactor : replicationFactor,
      configs,
    });
    await this.waitFor(() => this.hasLeaders(created.topicId), 'leaders for its partitions');
    return this.describe(this.options.metadata.topicById(created.topicId) ?? created);
  }

  async deleteTopic(name: string): Promise<void> {
    this.checkRunning();
    const topic = this.topic(name);
    await this.options.admin.deleteTopic(name);
    await this.waitFor(
      () => this.options.metadata.topicById(topic.assignment.topicId) === undefined,
      'the deletion applied here',
    );
    this.options.logger.info({ topic: name }, 'topic deleted');
  }

  async alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string>>,
    remove: readonly string[],
  ): Promise<TopicDescription> {
    this.checkRunning();
    this.topic(name);
    // Every removed key must exist (effectiveDefault throws INVALID_CONFIG otherwise).
    for (const key of remove) effectiveDefault(this.options.topicDefaults, key);
    const normalised = validateOverrides(set);
    this.checkFitsRequests({ ...this.topic(name).assignment.configs, ...normalised });
    const altered = await this.options.admin.alterTopicConfig(name, normalised, remove);
    await this.waitFor(
      () => sameConfigs(this.options.metadata.topicById(altered.topicId)?.configs, altered.configs),
      'the change applied here',
    );
    return this.describe(this.options.metadata.topicById(altered.topicId) ?? altered);
  }

  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    this.checkRunning();
    const topic = this.topic(name);
    this.checkPartitionCount(count, count);
    if (count <= topic.partitionCount) {
      throw new BrookError(
        'INVALID_PARTITIONS',
        `topic ${name} has ${topic.partitionCount} partitions; the new count must be larger ` +
          `(partitions are never removed), not ${count}`,
      );
    }
    const grown = await this.options.admin.createPartitions(name, count);
    await this.waitFor(() => this.hasLeaders(grown.topicId), 'leaders for its partitions');
    return this.describe(this.options.metadata.topicById(grown.topicId) ?? grown);
  }

  async reassignPartition(
    name: string,
    partition: number,
    replicas: readonly number[],
  ): Promise<TopicDescription> {
    this.checkRunning();
    this.topic(name);
    const target = replicas.map((id) => asBrokerId(id));
    const moved = await this.options.admin.reassignPartition(name, partition, target);
    await this.waitFor(
      () =>
        this.options.metadata.topicById(moved.topicId)?.partitions[partition]?.replicas.join() ===
        target.join(),
      'the new assignment applied here',
    );
    return this.describe(this.options.metadata.topicById(moved.topicId) ?? moved);
  }

  private checkPartitionCount(count: number, asked: number): void {
    const max = this.options.limits.partitionsPerTopicMax;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      throw new BrookError(
        'INVALID_PARTITIONS',
        `a topic needs from 1 to ${max} partitions, not ${asked}`,
      );
    }
  }

  /** A batch the topic accepts must fit in a request the broker accepts. */
  private checkFitsRequests(configs: Readonly<Record<string, string>>): void {
    const { maxMessageBytes } = effectiveConfig(this.options.topicDefaults, configs);
    const ceiling = this.options.limits.requestBytesMax - REQUEST_OVERHEAD_BYTES;
    if (maxMessageBytes > ceiling) {
      throw new BrookError(
        'INVALID_CONFIG',
        `max.message.bytes ${maxMessageBytes} exceeds what a request can carry (${ceiling} ` +
          `bytes: the broker's requestBytesMax minus framing)`,
        { details: { key: 'max.message.bytes' } },
      );
    }
  }

  private waitFor(condition: () => boolean, what: string): Promise<void> {
    return waitFor(condition, this.options.adminWaitMs ?? ADMIN_WAIT_MS_DEFAULT).then((met) => {
      if (!met) this.options.logger.warn({ what }, 'an admin change is not visible here yet');
    });
  }

  /**
   * The topic is applied here, and every partition this broker hosts knows its leader (those
   * hosted elsewhere are learnt from the controller's leader table, a heartbeat later: not
   * waited for, clients retry on NOT_LEADER).
   */
  private hasLeaders(topicId: string): boolean {
    const topic = this.options.metadata.topicById(topicId);
    if (topic === undefined) return false;
    return topic.partitions.every((assignment) => {
      const hosted = this.options.replicas.partition(topicId, assignment.partition);
      const hostedHere = assignment.replicas.includes(asBrokerId(this.options.brokerId));
      if (!hostedHere) return true;
      return hosted !== undefined && hosted.knownLeader() !== null;
    });
  }

  // ---- descriptions ----

  /**
   * Partition leadership as this broker knows it: exact for the partitions it leads; for those
   * it follows, the controller's report when it is as recent as what the replica knows, else
   * what the replica knows (no leader, when its replica lost the leader of its term: naming a
   * leader that may be dead sends clients to a closed port); for the rest, the controller's
   * report.
   */
  leaderState(topicId: string, partition: number): PartitionState | undefined {
    const local = this.options.replicas.stateOf(topicId, partition);
    if (local !== undefined) return local;
    const remote = this.options.leaders.get(topicId, partition);
    const hosted = this.options.replicas.partition(topicId, partition);
    if (hosted === undefined || hosted.closed) return remote;
    const status = hosted.replica.status();
    if (status.leader === null) {
      return remote !== undefined && remote.leaderEpoch > status.term ? remote : undefined;
    }
    if (remote !== undefined && remote.leaderEpoch >= status.term) return remote;
    const replicas = members(status.membership);
    // Until the new leader's report reaches this broker, the ISR carries over from the last
    // report (with the new leader in it); a partition never reported starts with every replica
    // in sync, as Kafka's does at creation.
    const carried = remote === undefined ? replicas : [...remote.isr, status.leader];
    return {
      topicId,
      topic: hosted.topic,
      partition,
      leader: status.leader,
      leaderEpoch: status.term,
      replicas,
      isr: replicas.filter((id) => carried.includes(id)),
      highWatermark: status.applied + 1,
      logStartOffset: status.logStartOffset,
      sizeBytes: hosted.replica.partitionLog.sizeBytes,
    };
  }

  describe(topic: TopicAssignment): TopicDescription {
    return {
      name: topic.name,
      replicationFactor: topic.replicationFactor,
      partitions: topic.partitions.map((assignment) => {
        const state = this.leaderState(topic.topicId, assignment.partition);
        return {
          partition: assignment.partition,
          leader: state?.leader ?? -1,
          replicas: [...assignment.replicas],
          isr: state === undefined ? [] : [...state.isr],
          leaderEpoch: state?.leaderEpoch ?? 0,
          highWatermark: state?.highWatermark ?? 0,
          logStartOffset: state?.logStartOffset ?? 0,
          sizeBytes: state?.sizeBytes ?? 0,
        };
      }),
      configs: describeConfig(this.options.topicDefaults, topic.configs),
    };
  }

  private checkRunning(): void {
    if (this.stopping) {
      throw new BrookError('BROKER_UNAVAILABLE', 'the broker is shutting down');
    }
  }

  /** Refuses new admin calls; the replicas are closed by their manager. */
  close(): void {
    this.stopping = true;
  }
}

function effectiveDefault(defaults: TopicConfig, key: string): string {
  const entry = describeConfig(defaults, {}).find((candidate) => candidate.name === key);
  if (entry === undefined) {
    throw new BrookError('INVALID_CONFIG', `unknown topic config ${key}`, { details: { key } });
  }
  return entry.value;
}

function sameConfigs(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>>,
): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** The log settings of a topic's effective configuration. */
export function logConfigOf(config: TopicConfig): {
  segmentBytes: number;
  segmentMs: number;
  indexIntervalBytes: number;
  retentionMs: number;
  retentionBytes: number;
} {
  return {
    segmentBytes: config.segmentBytes,
    segmentMs: config.segmentMs,
    indexIntervalBytes: config.indexIntervalBytes,
    retentionMs: config.retentionMs,
    retentionBytes: config.retentionBytes,
  };
}
