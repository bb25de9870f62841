/**
 * The admin API: topics, their configuration, offsets and the cluster. Admin requests go to any
 * broker (tried in turn); retriable failures are retried with the client's policy.
 *
 * Creating or deleting a topic drops it from the metadata cache so the producers and consumers
 * of this client see the change on their next look-up. Note that a create retried after a lost
 * answer can fail with TOPIC_ALREADY_EXISTS although the first attempt succeeded.
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import type { TopicDescription__Output } from '../protocol/gen/brook/v1/TopicDescription.js';
import { rpc, type BrokerConnection } from './connection.js';
import type { ClientContext } from './context.js';
import { unknownTopic, type ClusterMetadata } from './metadata.js';
import { listOffsets } from './offsets.js';
import { describe, integerOption, optionBag } from './options.js';
import { retrying } from './retry.js';
import type { OffsetQuery, PartitionOffset } from './types.js';

export interface CreateTopicOptions {
  /** Default: the broker's default (1). */
  readonly partitions?: number;
  /** Default: the broker's default (1). */
  readonly replicationFactor?: number;
  /** Configuration overrides, e.g. { 'retention.ms': '86400000' }. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  /** True when the value is the broker default rather than a topic override. */
  readonly isDefault: boolean;
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

export interface TopicSummary {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
}

export interface BrokerStatus {
  readonly id: number;
  readonly address: string;
  /** Whether the controller hears from it (a fenced or silent broker is not alive). */
  readonly alive: boolean;
}

export interface ClusterDescription {
  readonly clusterId: string;
  /** Broker id of the controller leader; -1 when there is none. */
  readonly controllerId: number;
  /** Broker ids of the controller's voters (the `--peers` brokers). */
  readonly controllerVoters: readonly number[];
  readonly brokers: readonly BrokerStatus[];
  /** Partitions with no leader. */
  readonly offlinePartitions: number;
  /** Partitions whose in-sync replicas are fewer than their replicas. */
  readonly underReplicatedPartitions: number;
}

export interface AlterConfigs {
  readonly set?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
}

export class Admin {
  /** Use `brook.admin()`. */
  constructor(private readonly context: ClientContext) {}

  private call<T>(
    operation: (connection: BrokerConnection, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    const { context } = this;
    return retrying(
      () =>
        context.metadata.onAnyBroker((connection) =>
          operation(connection, context.requestTimeoutMs),
        ),
      {
        policy: context.retry,
        random: context.random,
        onRetry: (error, attempt, delayMs) =>
          context.logger.debug(
            { code: error.code, attempt, delayMs },
            `admin request failed: ${error.message}; retrying`,
          ),
      },
    );
  }

  private async onTopic<T>(name: string, operation: () => Promise<T>): Promise<T> {
    checkName(name);
    try {
      return await operation();
    } catch (error) {
      if (isBrookError(error, 'UNKNOWN_TOPIC')) throw unknownTopic(name, error);
      throw error;
    } finally {
      this.context.metadata.invalidate(name);
    }
  }

  async createTopic(name: string, options?: CreateTopicOptions): Promise<TopicDescription> {
    checkName(name);
    const bag = optionBag(options, 'createTopic', ['partitions', 'replicationFactor', 'configs']);
    const partitions = integerOption(
      bag,
      'partitions',
      'createTopic',
      { min: 0, max: 1_000_000 },
      0,
    );
    const replicationFactor = integerOption(
      bag,
      'replicationFactor',
      'createTopic',
      { min: 0, max: 1_000 },
      0,
    );
    const configs = checkConfigs(bag['configs'], 'configs');
    const response = await this.onTopic(name, () =>
      this.call((connection, timeoutMs) =>
        rpc.createTopic(
          connection,
          { name, partitions, replicationFactor, configs },
          { timeoutMs },
        ),
      ),
    );
    return toTopicDescription(response.topic, name);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.onTopic(name, () =>
      this.call((connection, timeoutMs) => rpc.deleteTopic(connection, { name }, { timeoutMs })),
    );
  }

  async listTopics(): Promise<TopicSummary[]> {
    const response = await this.call((connection, timeoutMs) =>
      rpc.listTopics(connection, {}, { timeoutMs }),
    );
    return response.topics.map(({ name, partitions, replicationFactor }) => ({
      name,
      partitions,
      replicationFactor,
    }));
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const response = await this.onTopic(name, () =>
      this.call((connection, timeoutMs) => rpc.describeTopic(connection, { name }, { timeoutMs })),
    );
    return toTopicDescription(response.topic, name);
  }

  async alterTopicConfig(name: string, changes: AlterConfigs): Promise<TopicDescription> {
    const bag = optionBag(changes, 'alterTopicConfig', ['set', 'remove']);
    const set = checkConfigs(bag['set'], 'set');
    const remove = bag['remove'] ?? [];
    if (!Array.isArray(remove) || !remove.every((key): key is string => typeof key === 'string')) {
      throw new BrookError('INVALID_REQUEST', `"remove" must be a list of configuration names`);
    }
    const response = await this.onTopic(name, () =>
      this.call((connection, timeoutMs) =>
        rpc.alterTopicConfig(connection, { name, set, remove }, { timeoutMs }),
      ),
    );
    return toTopicDescription(response.topic, name);
  }

  async describeCluster(): Promise<ClusterDescription> {
    const response = await this.call((connection, timeoutMs) =>
      rpc.describeCluster(connection, {}, { timeoutMs }),
    );
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      controllerVoters: [...response.controllerVoters],
      brokers: response.brokers
        .map(({ id, address, alive }) => ({ id, address, alive }))
        .sort((left, right) => left.id - right.id),
      offlinePartitions: response.offlinePartitions,
      underReplicatedPartitions: response.underReplicatedPartitions,
    };
  }

  /**
   * Grows a topic to `count` partitions (partitions are never removed; INVALID_PARTITIONS when
   * `count` is not larger than the current number). Existing keys may map to other partitions
   * afterwards, as in Kafka.
   */
  async createPartitions(name: string, count: number): Promise<TopicDescription> {
    if (!Number.isSafeInteger(count) || count < 1 || count > 1_000_000) {
      throw new BrookError(
        'INVALID_PARTITIONS',
        `a partition count is an integer from 1 to 1000000, got ${describe(count)}`,
      );
    }
    const response = await this.onTopic(name, () =>
      this.call((connection, timeoutMs) =>
        rpc.createPartitions(connection, { name, count }, { timeoutMs }),
      ),
    );
    return toTopicDescription(response.topic, name);
  }

  /**
   * Gives a partition a new replica set (broker ids; the first is the preferred leader). Answers
   * once the controller has recorded it; the replicas move in the background: new ones join as
   * learners, catch up, become voters, and replicas left out leave (watch describeTopic).
   */
  async reassignPartition(
    name: string,
    partition: number,
    replicas: readonly number[],
  ): Promise<TopicDescription> {
    if (!Number.isSafeInteger(partition) || partition < 0) {
      throw new BrookError(
        'INVALID_PARTITION',
        `a partition number is an integer >= 0, got ${describe(partition)}`,
      );
    }
    const list: unknown = replicas;
    if (
      !Array.isArray(list) ||
      replicas.length === 0 ||
      !replicas.every((id) => Number.isSafeInteger(id) && id >= 0) ||
      new Set(replicas).size !== replicas.length
    ) {
      throw new BrookError(
        'INVALID_REPLICATION_FACTOR',
        `replicas must be a non-empty list of distinct broker ids, got ${describe(replicas)}`,
      );
    }
    const response = await this.onTopic(name, () =>
      this.call((connection, timeoutMs) =>
        rpc.reassignPartition(
          connection,
          { name, partition, replicas: [...replicas] },
          { timeoutMs },
        ),
      ),
    );
    return toTopicDescription(response.topic, name);
  }

  /** Offsets of some (default: all) partitions: the log start, the high watermark, or the first at a time. */
  listOffsets(
    topic: string,
    query: OffsetQuery,
    partitions?: readonly number[],
  ): Promise<PartitionOffset[]> {
    checkName(topic);
    return listOffsets(this.context, topic, query, partitions);
  }

  /** Brokers and partition leaders of some topics (default: all). */
  metadata(topics: readonly string[] = []): Promise<ClusterMetadata> {
    topics.forEach(checkName);
    return retrying(() => this.context.metadata.fetch(topics), {
      policy: this.context.retry,
      random: this.context.random,
    });
  }
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || name === '') {
    throw new BrookError(
      'INVALID_TOPIC',
      `a topic name must be a non-empty string, got ${describe(name)}`,
    );
  }
}

function checkConfigs(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BrookError(
      'INVALID_REQUEST',
      `"${field}" must be an object of configuration name to string value`,
    );
  }
  const configs: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') {
      throw new BrookError(
        'INVALID_CONFIG',
        `configuration "${key}" must be a string, got ${describe(entry)}`,
      );
    }
    configs[key] = entry;
  }
  return configs;
}

function toTopicDescription(
  topic: TopicDescription__Output | null,
  name: string,
): TopicDescription {
  if (topic === null)
    throw new BrookError('UNKNOWN', `the broker answered without describing topic "${name}"`);
  return {
    name: topic.name,
    replicationFactor: topic.replicationFactor,
    partitions: topic.partitions
      .map((partition) => ({
        partition: partition.partition,
        leader: partition.leader,
        replicas: partition.replicas,
        isr: partition.isr,
        leaderEpoch: partition.leaderEpoch,
        highWatermark: partition.highWatermark,
        logStartOffset: partition.logStartOffset,
        sizeBytes: partition.sizeBytes,
      }))
      .sort((left, right) => left.partition - right.partition),
    configs: topic.configs.map(({ name: configName, value, isDefault }) => ({
      name: configName,
      value,
      isDefault,
    })),
  };
}
