/**
 * A single Brook broker: the topics it hosts, their partitions and durable metadata, and the
 * admin operations on them. The data operations (produce, fetch, subscribe, list offsets) live
 * in their own files and reach partitions through `partition()`.
 *
 * Admin operations run one at a time (a promise chain), so two concurrent creations of one name
 * cannot both succeed and a deletion cannot race a creation. Data operations never wait for
 * that chain.
 *
 * What it must not do: touch gRPC (server/ maps requests), read the wall clock or the
 * environment (Clock and the options are injected).
 */
import { join } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { readChecksummedJson, writeChecksummedJson } from '../storage/atomic-file.js';
import { PartitionLog } from '../storage/partition-log.js';
import type { Limits } from '../util/limits.js';
import type { Clock, FileSystem, Logger } from '../util/ports.js';
import { Partition } from './partition.js';
import {
  describeConfig,
  effectiveConfig,
  validateOverrides,
  type ConfigEntry,
  type TopicConfig,
} from './topic-config.js';
import { checkTopicName } from './topic-name.js';
import { TopicStore, type TopicRecord } from './topic-store.js';

export interface BrokerOptions {
  readonly brokerId: number;
  readonly dataDirectory: string;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Fresh unique ids (cluster id, topic ids). */
  readonly newId: () => string;
  readonly topicDefaults: TopicConfig;
  readonly limits: Limits;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
}

export interface Topic {
  readonly record: TopicRecord;
  readonly config: TopicConfig;
  readonly partitions: readonly Partition[];
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

interface BrokerMeta {
  readonly brokerId: number;
  readonly clusterId: string;
}

/** Room for a produce request's fields around its batch bytes. */
const REQUEST_OVERHEAD_BYTES = 4096;

/** The leader epoch a single broker stamps on its batches (the Raft term, later). */
export const SINGLE_BROKER_EPOCH = 0;

export class Broker {
  private readonly topics = new Map<string, Topic>();
  private readonly store: TopicStore;
  private adminChain: Promise<unknown> = Promise.resolve();
  private clusterIdValue = '';
  private stopping = false;
  /** host:port clients should use to reach this broker; known once the listener is bound. */
  advertisedAddress = '';

  private constructor(readonly options: BrokerOptions) {
    this.store = new TopicStore(options.fs, options.dataDirectory, options.logger);
  }

  /** Opens the data directory: broker identity, then every topic's logs (with recovery). */
  static async open(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await options.fs.makeDirectory(options.dataDirectory);
    broker.clusterIdValue = await broker.loadIdentity();
    for (const record of await broker.store.loadAll()) {
      broker.topics.set(record.name, await broker.openTopic(record));
    }
    options.logger.info(
      { topics: broker.topics.size, clusterId: broker.clusterIdValue },
      'broker data loaded',
    );
    return broker;
  }

  get clusterId(): string {
    return this.clusterIdValue;
  }

  get brokerId(): number {
    return this.options.brokerId;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private async loadIdentity(): Promise<string> {
    const path = join(this.options.dataDirectory, 'meta.json');
    const stored = (await readChecksummedJson(this.options.fs, path)) as BrokerMeta | undefined;
    if (stored === undefined) {
      const meta: BrokerMeta = { brokerId: this.options.brokerId, clusterId: this.options.newId() };
      await writeChecksummedJson(this.options.fs, path, meta);
      return meta.clusterId;
    }
    if (stored.brokerId !== this.options.brokerId) {
      throw new BrookError(
        'INVALID_CONFIG',
        `data directory ${this.options.dataDirectory} belongs to broker ${stored.brokerId}, ` +
          `not broker ${this.options.brokerId}`,
      );
    }
    return stored.clusterId;
  }

  /** Opens every partition log of a topic; on failure closes the ones already open. */
  private async openTopic(record: TopicRecord): Promise<Topic> {
    const config = effectiveConfig(this.options.topicDefaults, record.configs);
    const partitions: Partition[] = [];
    try {
      for (let index = 0; index < record.partitions; index++) {
        const logger = this.options.logger.child({ topic: record.name, partition: index });
        const log = await PartitionLog.open({
          fs: this.options.fs,
          directory: this.store.partitionDirectory(record.name, index),
          clock: this.options.clock,
          logger,
          config: logConfigOf(config),
        });
        partitions.push(new Partition(record.name, index, log, logger));
      }
    } catch (error) {
      const reason = new BrookError('STORAGE_ERROR', `topic ${record.name} could not be opened`);
      await Promise.allSettled(partitions.map((partition) => partition.close(reason)));
      throw error;
    }
    return { record, config, partitions };
  }

  private serializeAdmin<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.adminChain.then(operation, operation);
    this.adminChain = result.catch(() => undefined);
    return result;
  }

  topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (topic === undefined) {
      throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}`, {
        details: { topic: name },
      });
    }
    return topic;
  }

  /** The topic, created with defaults first when auto-creation is on. */
  async topicForProduce(name: string): Promise<Topic> {
    const existing = this.topics.get(name);
    if (existing !== undefined || !this.options.autoCreateTopics) return this.topic(name);
    await this.createTopic({ name }).catch((error: unknown) => {
      if (!(error instanceof BrookError && error.code === 'TOPIC_ALREADY_EXISTS')) throw error;
    });
    return this.topic(name);
  }

  partition(topicName: string, index: number): Partition {
    const topic = this.topic(topicName);
    const partition = Number.isInteger(index) ? topic.partitions[index] : undefined;
    if (partition === undefined) {
      throw new BrookError(
        'INVALID_PARTITION',
        `topic ${topicName} has no partition ${index}; it has partitions 0 to ` +
          `${topic.partitions.length - 1}`,
        { details: { topic: topicName, partition: String(index) } },
      );
    }
    return partition;
  }

  listTopics(): Topic[] {
    return [...this.topics.values()].sort((a, b) => a.record.name.localeCompare(b.record.name));
  }

  createTopic(input: CreateTopicInput): Promise<TopicDescription> {
    this.checkRunning();
    const record = this.validateCreation(input);
    return this.serializeAdmin(async () => {
      if (this.topics.has(record.name)) {
        throw new BrookError('TOPIC_ALREADY_EXISTS', `topic ${record.name} already exists`, {
          details: { topic: record.name },
        });
      }
      // Logs first, topic.json last: a creation that fails half-way leaves a directory without
      // topic.json, which is removed (not resurrected) at the next start.
      const topic = await this.openTopic(record).catch(async (error: unknown) => {
        await this.store.discard(record.name);
        throw error;
      });
      await this.store.save(record).catch(async (error: unknown) => {
        const reason = new BrookError('STORAGE_ERROR', `topic ${record.name} was not created`);
        await Promise.allSettled(topic.partitions.map((partition) => partition.close(reason)));
        await this.store.discard(record.name);
        throw error;
      });
      this.topics.set(record.name, topic);
      this.options.logger.info(
        { topic: record.name, partitions: record.partitions, configs: record.configs },
        'topic created',
      );
      return this.describe(topic);
    });
  }

  private validateCreation(input: CreateTopicInput): TopicRecord {
    checkTopicName(input.name);
    const partitions = input.partitions ?? 0;
    const partitionCount = partitions === 0 ? this.options.defaultPartitions : partitions;
    const max = this.options.limits.partitionsPerTopicMax;
    if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > max) {
      throw new BrookError(
        'INVALID_PARTITIONS',
        `a topic needs from 1 to ${max} partitions, not ${partitions}`,
      );
    }
    const replicationFactor = input.replicationFactor ?? 0;
    if (replicationFactor !== 0 && replicationFactor !== 1) {
      throw new BrookError(
        'INVALID_REPLICATION_FACTOR',
        `replication factor ${replicationFactor} is larger than the 1 live broker`,
      );
    }
    const configs = validateOverrides(input.configs ?? {});
    this.checkFitsRequests(configs);
    return {
      name: input.name,
      id: this.options.newId(),
      partitions: partitionCount,
      replicationFactor: 1,
      configs,
      createdAtMs: this.options.clock.nowMs(),
    };
  }

  /**
   * Deletes a topic. The rename into the graveyard comes first: if the disk refuses it, the
   * topic is untouched and still served; once it succeeded, the deletion is durable and the
   * rest (closing logs, removing files) cannot resurrect it, even after a crash.
   */
  deleteTopic(name: string): Promise<void> {
    this.checkRunning();
    return this.serializeAdmin(async () => {
      const topic = this.topic(name);
      const graveyard = await this.store.retire(topic.record);
      this.topics.delete(name);
      const reason = new BrookError('UNKNOWN_TOPIC', `topic ${name} was deleted`, {
        details: { topic: name },
      });
      await Promise.all(topic.partitions.map((partition) => partition.close(reason)));
      await this.store.purge(graveyard).catch((error: unknown) => {
        this.options.logger.warn({ err: error, topic: name }, 'deleted files remain until restart');
      });
      this.options.logger.info({ topic: name }, 'topic deleted');
    });
  }

  alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string>>,
    remove: readonly string[],
  ): Promise<TopicDescription> {
    this.checkRunning();
    return this.serializeAdmin(async () => {
      const topic = this.topic(name);
      // Every removed key must exist (effectiveDefault throws INVALID_CONFIG otherwise).
      for (const key of remove) effectiveDefault(this.options.topicDefaults, key);
      const merged = Object.fromEntries(
        Object.entries({ ...topic.record.configs, ...set }).filter(
          ([key]) => !remove.includes(key),
        ),
      );
      const configs = validateOverrides(merged);
      this.checkFitsRequests(configs);
      const record: TopicRecord = { ...topic.record, configs };
      await this.store.save(record);
      const config = effectiveConfig(this.options.topicDefaults, configs);
      for (const partition of topic.partitions) partition.log.updateConfig(logConfigOf(config));
      const updated: Topic = { record, config, partitions: topic.partitions };
      this.topics.set(name, updated);
      this.options.logger.info({ topic: name, configs }, 'topic config changed');
      return this.describe(updated);
    });
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

  describe(topic: Topic): TopicDescription {
    const brokerId = this.options.brokerId;
    return {
      name: topic.record.name,
      replicationFactor: topic.record.replicationFactor,
      partitions: topic.partitions.map((partition) => ({
        partition: partition.index,
        leader: brokerId,
        replicas: [brokerId],
        isr: [brokerId],
        leaderEpoch: SINGLE_BROKER_EPOCH,
        highWatermark: partition.highWatermark,
        logStartOffset: partition.logStartOffset,
        sizeBytes: partition.log.sizeBytes,
      })),
      configs: describeConfig(this.options.topicDefaults, topic.record.configs),
    };
  }

  /**
   * Applies retention to every partition; returns the number of segments deleted. A partition
   * that fails (disk error, deleted meanwhile) is logged and skipped, never stopping the rest.
   */
  async applyRetention(): Promise<number> {
    let deleted = 0;
    const partitions = [...this.topics.values()].flatMap((topic) => topic.partitions);
    for (const partition of partitions) {
      try {
        deleted += await partition.applyRetention();
      } catch (error) {
        this.options.logger.warn(
          { err: error, topic: partition.topic, partition: partition.index },
          'retention skipped a partition',
        );
      }
    }
    return deleted;
  }

  private checkRunning(): void {
    if (this.stopping) {
      throw new BrookError('BROKER_UNAVAILABLE', 'the broker is shutting down');
    }
  }

  /** Ends waiting readers, then flushes and closes every log. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.adminChain;
    const reason = new BrookError('BROKER_UNAVAILABLE', 'the broker is shutting down');
    const partitions = [...this.topics.values()].flatMap((topic) => topic.partitions);
    await Promise.all(partitions.map((partition) => partition.close(reason)));
    this.topics.clear();
  }
}

function effectiveDefault(defaults: TopicConfig, key: string): string {
  const entry = describeConfig(defaults, {}).find((candidate) => candidate.name === key);
  if (entry === undefined) {
    throw new BrookError('INVALID_CONFIG', `unknown topic config ${key}`, { details: { key } });
  }
  return entry.value;
}

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
