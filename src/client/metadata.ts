/**
 * The client's view of the cluster: which brokers exist, how many partitions each topic has and
 * which broker leads each partition, learnt from `GetMetadata` and cached per topic.
 *
 * - Metadata is asked of any broker: first the one that answered last, then the other known
 *   brokers, then the bootstrap list, each in turn, until one answers.
 * - A topic's entry lives `maxAgeMs`, or until `invalidate` (callers invalidate on NOT_LEADER,
 *   UNKNOWN_TOPIC and unreachable leaders, so the next look-up asks again).
 * - Concurrent look-ups of one topic share one request.
 * - A partition without a leader is reported as retriable NOT_LEADER so callers back off and
 *   ask again, exactly as if the broker had said so.
 *
 * It does not route data requests itself and never caches failures.
 */
import { BrookError, isBrookError, type ErrorCode } from '../protocol/errors.js';
import type { GetMetadataResponse__Output } from '../protocol/gen/brook/v1/GetMetadataResponse.js';
import { defaultLimits } from '../util/limits.js';
import type { Logger } from '../util/ports.js';
import { rpc, type BrokerConnection, type ConnectionPool } from './connection.js';
import { retrying, type RetryContext, type RetryPolicy } from './retry.js';

export interface BrokerInfo {
  readonly id: number;
  readonly address: string;
}

export interface PartitionInfo {
  readonly partition: number;
  /** Broker id of the leader; -1 when there is none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly leaderEpoch: number;
}

export interface TopicInfo {
  readonly name: string;
  readonly partitions: readonly PartitionInfo[];
}

export interface ClusterMetadata {
  readonly clusterId: string;
  readonly brokers: readonly BrokerInfo[];
  readonly topics: readonly TopicInfo[];
}

export interface MetadataOptions {
  readonly pool: ConnectionPool;
  readonly bootstrap: readonly string[];
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxAgeMs: number;
  readonly logger: Logger;
  readonly random?: () => number;
}

interface Cached<T> {
  readonly value: T;
  readonly fetchedAtMs: number;
}

const MAX_MESSAGE_BYTES_CONFIG = 'max.message.bytes';

export function unknownTopic(topic: string, cause?: unknown): BrookError {
  return new BrookError('UNKNOWN_TOPIC', `unknown topic "${topic}"`, {
    cause,
    details: { topic },
  });
}

/** Errors after which another broker may well answer. */
function isUnreachable(error: unknown): boolean {
  return (
    isBrookError(error) &&
    (error.code === 'BROKER_UNAVAILABLE' || error.code === 'REQUEST_TIMED_OUT')
  );
}

export class MetadataCache {
  private readonly topics = new Map<string, Cached<TopicInfo>>();
  private readonly maxMessageBytesByTopic = new Map<string, Cached<number>>();
  private readonly pending = new Map<string, Promise<TopicInfo>>();
  private brokers = new Map<number, string>();
  private preferredAddress: string | undefined;

  constructor(private readonly options: MetadataOptions) {}

  /** Broker addresses to try, best first, without duplicates. */
  private candidateAddresses(): string[] {
    const ordered = [
      ...(this.preferredAddress === undefined ? [] : [this.preferredAddress]),
      ...this.brokers.values(),
      ...this.options.bootstrap,
    ];
    return [...new Set(ordered)];
  }

  /**
   * Runs `call` against one broker after another until one answers; errors other than
   * unreachability are the answer. Throws the last unreachability error when none answers.
   */
  async onAnyBroker<T>(call: (connection: BrokerConnection) => Promise<T>): Promise<T> {
    let lastError: Error | undefined;
    for (const address of this.candidateAddresses()) {
      try {
        const result = await call(this.options.pool.get(address));
        this.preferredAddress = address;
        return result;
      } catch (error) {
        if (!isBrookError(error) || !isUnreachable(error)) throw error;
        lastError = error;
        this.options.logger.debug({ address, error }, 'broker unreachable, trying the next one');
      }
    }
    throw lastError ?? new BrookError('BROKER_UNAVAILABLE', 'no broker address to connect to');
  }

  /** Asks any broker for metadata of `topics` (all topics when empty) and caches it. */
  async fetch(topics: readonly string[]): Promise<ClusterMetadata> {
    const nowMs = Date.now();
    const { response, address } = await this.onAnyBroker(async (connection) => ({
      address: connection.address,
      response: await rpc.getMetadata(
        connection,
        { topics: [...topics] },
        { timeoutMs: this.options.requestTimeoutMs },
      ),
    }));
    const metadata = toClusterMetadata(response, address);
    if (metadata.brokers.length > 0) {
      this.brokers = new Map(metadata.brokers.map((broker) => [broker.id, broker.address]));
    }
    for (const topic of metadata.topics) {
      this.topics.set(topic.name, { value: topic, fetchedAtMs: nowMs });
    }
    return metadata;
  }

  /** The topic's metadata, from the cache when fresh. Throws UNKNOWN_TOPIC naming it. */
  async topic(name: string): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached !== undefined && Date.now() - cached.fetchedAtMs < this.options.maxAgeMs) {
      return cached.value;
    }
    const running = this.pending.get(name);
    if (running !== undefined) return running;
    const lookup = this.fetchTopic(name).finally(() => this.pending.delete(name));
    this.pending.set(name, lookup);
    return lookup;
  }

  /** The cached topic without any I/O, if known and fresh. */
  cachedTopic(name: string): TopicInfo | undefined {
    const cached = this.topics.get(name);
    if (cached === undefined || Date.now() - cached.fetchedAtMs >= this.options.maxAgeMs) {
      return undefined;
    }
    return cached.value;
  }

  private async fetchTopic(name: string): Promise<TopicInfo> {
    return retrying(async () => {
      let metadata: ClusterMetadata;
      try {
        metadata = await this.fetch([name]);
      } catch (error) {
        if (isBrookError(error, 'UNKNOWN_TOPIC')) throw unknownTopic(name, error);
        throw error;
      }
      const topic = metadata.topics.find((candidate) => candidate.name === name);
      if (topic === undefined || topic.partitions.length === 0) throw unknownTopic(name);
      return topic;
    }, this.retryContext('metadata'));
  }

  /** host:port of the partition's leader. Throws INVALID_PARTITION or (retriable) NOT_LEADER. */
  async leaderAddress(topic: string, partition: number): Promise<string> {
    const info = await this.topic(topic);
    const partitionInfo = info.partitions.find((candidate) => candidate.partition === partition);
    if (partitionInfo === undefined) {
      throw new BrookError(
        'INVALID_PARTITION',
        `topic "${topic}" has no partition ${partition} (it has ${info.partitions.length})`,
        { details: { topic, partition: String(partition) } },
      );
    }
    const address = this.brokers.get(partitionInfo.leader);
    if (partitionInfo.leader < 0 || address === undefined) {
      this.invalidate(topic);
      throw new BrookError('NOT_LEADER', `partition ${topic}/${partition} has no reachable leader`);
    }
    return address;
  }

  /** Forgets a topic so that the next look-up asks a broker again. */
  invalidate(topic: string): void {
    this.topics.delete(topic);
  }

  /**
   * The topic's max.message.bytes (the largest batch it accepts), from DescribeTopic. When the
   * broker cannot say, the documented default; the broker remains the final judge.
   */
  async maxMessageBytes(topic: string): Promise<number> {
    const cached = this.maxMessageBytesByTopic.get(topic);
    if (cached !== undefined && Date.now() - cached.fetchedAtMs < this.options.maxAgeMs) {
      return cached.value;
    }
    let value: number = defaultLimits.batchBytesMax;
    try {
      const response = await retrying(
        () =>
          this.onAnyBroker((connection) =>
            rpc.describeTopic(
              connection,
              { name: topic },
              { timeoutMs: this.options.requestTimeoutMs },
            ),
          ),
        this.retryContext('describe topic'),
      );
      const entry = response.topic?.configs.find(
        (config) => config.name === MAX_MESSAGE_BYTES_CONFIG,
      );
      const parsed = entry === undefined ? Number.NaN : Number(entry.value);
      if (Number.isSafeInteger(parsed) && parsed > 0) value = parsed;
    } catch (error) {
      if (isBrookError(error, 'UNKNOWN_TOPIC')) throw unknownTopic(topic, error);
      this.options.logger.warn({ topic, error }, 'could not read max.message.bytes; using default');
    }
    this.maxMessageBytesByTopic.set(topic, { value, fetchedAtMs: Date.now() });
    return value;
  }

  private retryContext(what: string): RetryContext {
    return {
      policy: this.options.retry,
      ...(this.options.random === undefined ? {} : { random: this.options.random }),
      onRetry: (error, attempt, delayMs) =>
        this.options.logger.debug({ error, attempt, delayMs }, `${what} failed; retrying`),
    };
  }
}

function toClusterMetadata(
  response: GetMetadataResponse__Output,
  answeredBy: string,
): ClusterMetadata {
  return {
    clusterId: response.clusterId,
    brokers: response.brokers.map((broker) => ({
      id: broker.id,
      address: reachableAddress(broker.address, answeredBy),
    })),
    topics: response.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions
        .map((partition) => ({
          partition: partition.partition,
          leader: partition.leader,
          replicas: partition.replicas,
          leaderEpoch: partition.leaderEpoch,
        }))
        .sort((left, right) => left.partition - right.partition),
    })),
  };
}

/**
 * A broker listening on every interface may advertise 0.0.0.0 or [::], which is not an address
 * to connect to; the host that answered is the best stand-in.
 */
export function reachableAddress(advertised: string, answeredBy: string): string {
  const match = /^(0\.0\.0\.0|\[::\]|::):(\d+)$/.exec(advertised);
  if (match === null) return advertised;
  const host = answeredBy.slice(0, answeredBy.lastIndexOf(':'));
  return `${host}:${match[2] ?? ''}`;
}

/**
 * Errors after which cached metadata may be wrong (a leader moved, a broker went away, a topic
 * was recreated with other partitions): the caller drops the topic's entry before retrying.
 */
const METADATA_STALE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'NOT_LEADER',
  'BROKER_UNAVAILABLE',
  'REQUEST_TIMED_OUT',
  'UNKNOWN_TOPIC',
  'INVALID_PARTITION',
]);

export function isMetadataStale(code: ErrorCode): boolean {
  return METADATA_STALE.has(code);
}
