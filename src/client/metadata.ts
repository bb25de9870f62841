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
 * - A NOT_LEADER that names the new leader (details `leader-id`, `leader-address`, optionally
 *   `leader-epoch`) becomes a leader hint for that partition: requests go straight to the named
 *   broker, without waiting for metadata, until the hint fails, a metadata answer shows a newer
 *   leader epoch, or `LEADER_HINT_TTL_MS` passes. At most `LEADER_HINTS_MAX` hints are kept.
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
/** Deadline of the max.message.bytes look-up, and how long its fallback is trusted. */
const DESCRIBE_TIMEOUT_MS = 5_000;
const FALLBACK_TTL_MS = 10_000;

/** How long a leader named by a NOT_LEADER answer is trusted over the cached metadata. */
export const LEADER_HINT_TTL_MS = 10_000;
/**
 * How long a leader address that could not be reached is routed around: requests for its
 * partitions go to another replica meanwhile, which names the new leader once one is elected
 * (the cluster's metadata learns it later, from the new leader's report to the controller).
 */
export const UNREACHABLE_TTL_MS = 2_000;
/** Leader hints kept at most (the oldest go first); one per partition written or read. */
export const LEADER_HINTS_MAX = 10_000;

interface LeaderHint {
  readonly address: string;
  /** -1 when the answer did not say. */
  readonly leaderEpoch: number;
  readonly expiresAtMs: number;
}

function hintKey(topic: string, partition: number): string {
  return `${partition}/${topic}`;
}

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
  private readonly leaderHints = new Map<string, LeaderHint>();
  /** Addresses a leader request could not reach, until when (see UNREACHABLE_TTL_MS). */
  private readonly unreachable = new Map<string, number>();
  /** Turns through the other replicas of a partition whose leader is unreachable. */
  private detour = 0;
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
      this.dropOutdatedHints(topic);
    }
    return metadata;
  }

  /**
   * Drops hints that this topic's fresh metadata makes useless: it names the same leader, or a
   * leader of a newer epoch than the hint's. (A hint without an epoch stays until it fails or
   * expires: metadata may come from a broker that has not heard of the new leader yet.)
   */
  private dropOutdatedHints(topic: TopicInfo): void {
    if (this.leaderHints.size === 0) return;
    for (const partition of topic.partitions) {
      const key = hintKey(topic.name, partition.partition);
      const hint = this.leaderHints.get(key);
      if (hint === undefined || partition.leader < 0) continue;
      const newer = hint.leaderEpoch >= 0 && partition.leaderEpoch > hint.leaderEpoch;
      if (newer || this.brokers.get(partition.leader) === hint.address) {
        this.leaderHints.delete(key);
      }
    }
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
    const key = hintKey(topic, partition);
    const hint = this.leaderHints.get(key);
    if (hint !== undefined) {
      if (Date.now() < hint.expiresAtMs) return hint.address;
      this.leaderHints.delete(key);
    }
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
    return this.isUnreachable(address) ? this.otherReplica(partitionInfo, address) : address;
  }

  private isUnreachable(address: string): boolean {
    const untilMs = this.unreachable.get(address);
    if (untilMs === undefined) return false;
    if (Date.now() < untilMs) return true;
    this.unreachable.delete(address);
    return false;
  }

  /**
   * Another replica of the partition, reachable as far as we know (it answers NOT_LEADER with
   * the leader it follows); the unreachable leader itself when there is none.
   */
  private otherReplica(info: PartitionInfo, unreachable: string): string {
    const others = info.replicas
      .map((id) => this.brokers.get(id))
      .filter(
        (address): address is string =>
          address !== undefined && address !== unreachable && !this.isUnreachable(address),
      );
    if (others.length === 0) return unreachable;
    this.detour = (this.detour + 1) % others.length;
    return others[this.detour] ?? unreachable;
  }

  /** Forgets a topic so that the next look-up asks a broker again. */
  invalidate(topic: string): void {
    this.topics.delete(topic);
  }

  /**
   * Learns from a failed request to a partition's leader, sent to `triedAddress`: forgets the
   * topic's metadata when the error says it may be stale, and when a NOT_LEADER names another
   * broker as the leader, routes the partition's next requests there. Returns true in that last
   * case (the caller may retry at once instead of backing off).
   */
  noteLeaderFailure(
    topic: string,
    partition: number,
    error: BrookError,
    triedAddress: string | undefined,
  ): boolean {
    if (isMetadataStale(error.code)) this.invalidate(topic);
    const key = hintKey(topic, partition);
    const hint = this.leaderHints.get(key);
    if (hint !== undefined && hint.address === triedAddress) this.leaderHints.delete(key);
    if (error.code === 'BROKER_UNAVAILABLE' && triedAddress !== undefined) {
      this.unreachable.set(triedAddress, Date.now() + UNREACHABLE_TTL_MS);
      if (this.unreachable.size > LEADER_HINTS_MAX) this.unreachable.clear();
    }
    if (error.code !== 'NOT_LEADER') return false;
    const address = this.hintedLeader(error.details, triedAddress);
    if (address === undefined || address === triedAddress) return false;
    const epoch = Number(error.details['leader-epoch']);
    this.leaderHints.set(key, {
      address,
      leaderEpoch: Number.isSafeInteger(epoch) ? epoch : -1,
      expiresAtMs: Date.now() + LEADER_HINT_TTL_MS,
    });
    this.pruneHints();
    return true;
  }

  /** The address a NOT_LEADER's details name as the leader, if any usable. */
  private hintedLeader(
    details: Readonly<Record<string, string>>,
    triedAddress: string | undefined,
  ): string | undefined {
    const address = details['leader-address'];
    if (address !== undefined && ADDRESS.test(address)) {
      return triedAddress === undefined ? address : reachableAddress(address, triedAddress);
    }
    const id = Number(details['leader-id']);
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    return this.brokers.get(id);
  }

  private pruneHints(): void {
    if (this.leaderHints.size <= LEADER_HINTS_MAX) return;
    const nowMs = Date.now();
    for (const [key, hint] of this.leaderHints) {
      if (hint.expiresAtMs <= nowMs) this.leaderHints.delete(key);
    }
    // Maps iterate in insertion order: the first entries are the oldest hints.
    for (const key of this.leaderHints.keys()) {
      if (this.leaderHints.size <= LEADER_HINTS_MAX) break;
      this.leaderHints.delete(key);
    }
  }

  /**
   * The topic's max.message.bytes (the largest batch it accepts), from DescribeTopic. When no
   * broker can say at once, the documented default for a short while; the broker remains the
   * final judge.
   */
  async maxMessageBytes(topic: string): Promise<number> {
    const cached = this.maxMessageBytesByTopic.get(topic);
    if (cached !== undefined && Date.now() - cached.fetchedAtMs < this.options.maxAgeMs) {
      return cached.value;
    }
    let value: number = defaultLimits.batchBytesMax;
    // Kept for maxAgeMs when the broker said, for FALLBACK_TTL_MS when the default stands in.
    let fetchedAtMs = Date.now();
    try {
      // One pass over the brokers, no retries: the admin API needs the controller leader, and
      // a producer must not wait for one (during a controller election, or without a quorum)
      // just to learn a limit that the partition leader enforces anyway.
      const response = await this.onAnyBroker((connection) =>
        rpc.describeTopic(
          connection,
          { name: topic },
          { timeoutMs: Math.min(this.options.requestTimeoutMs, DESCRIBE_TIMEOUT_MS) },
        ),
      );
      const entry = response.topic?.configs.find(
        (config) => config.name === MAX_MESSAGE_BYTES_CONFIG,
      );
      const parsed = entry === undefined ? Number.NaN : Number(entry.value);
      if (Number.isSafeInteger(parsed) && parsed > 0) value = parsed;
    } catch (error) {
      if (isBrookError(error, 'UNKNOWN_TOPIC')) throw unknownTopic(topic, error);
      this.options.logger.warn({ topic, error }, 'could not read max.message.bytes; using default');
      fetchedAtMs = Date.now() - this.options.maxAgeMs + FALLBACK_TTL_MS;
    }
    this.maxMessageBytesByTopic.set(topic, { value, fetchedAtMs });
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

/** host:port, hostname or IPv4 or [IPv6]. */
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

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
