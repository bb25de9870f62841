/**
 * Admin requests turned into metadata commands: each function validates one request against
 * the applied metadata and either throws the BrookError a client should see or returns the one
 * command to propose. Pure and synchronous (ids and time are arguments), so the controller can
 * validate and propose with no `await` in between, and tests need no Raft group.
 *
 * Must not: change anything (the command does that, once committed), or accept a replication
 * factor larger than the live brokers.
 */
import { BrookError } from '../protocol/errors.js';
import { defaultLimits } from '../util/limits.js';
import type { BrokerId } from '../util/brand.js';
import { placePartitions } from './placement.js';
import type {
  MetadataCommand,
  MetadataView,
  NewTopic,
  TopicAssignment,
  TopicRules,
} from './types.js';

export interface TopicDefaults {
  /** Used when a request asks for 0 partitions. */
  readonly partitions: number;
  /** Used when a request asks for replication factor 0. */
  readonly replicationFactor: number;
}

/** What validation needs besides the request. */
export interface AdminContext {
  readonly metadata: MetadataView;
  readonly rules: TopicRules;
  readonly defaults: TopicDefaults;
  /** Most partitions in one topic. */
  readonly partitionsMax: number;
  /**
   * Whether new replicas may go to a registered, unfenced broker (the controller leader: it
   * heard the broker recently). Absent: every unfenced broker may take them.
   */
  readonly placeable?: (broker: BrokerId) => boolean;
}

export const DEFAULT_TOPIC_DEFAULTS: TopicDefaults = { partitions: 1, replicationFactor: 1 };
export const PARTITIONS_PER_TOPIC_MAX = defaultLimits.partitionsPerTopicMax;

/** Registered, unfenced brokers: the only ones new replicas go to. */
export function liveBrokers(metadata: MetadataView): BrokerId[] {
  return metadata
    .brokers()
    .filter((broker) => !broker.fenced)
    .map((broker) => broker.id);
}

/**
 * The brokers `factor` new replicas are placed on: the placeable live ones when there are
 * enough of them, else every live one (a broker that went silent moments ago is still in its
 * session: like Kafka, the replica goes there and the partition runs on the others meanwhile).
 */
function placementCandidates(context: AdminContext, live: BrokerId[], factor: number): BrokerId[] {
  const placeable = context.placeable;
  if (placeable === undefined) return live;
  const preferred = live.filter((broker) => placeable(broker));
  return preferred.length >= factor ? preferred : live;
}

export function existingTopic(metadata: MetadataView, name: string): TopicAssignment {
  const topic = metadata.topic(name);
  if (topic === undefined) {
    throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}`, {
      details: { topic: name },
    });
  }
  return topic;
}

function checkReplicationFactor(factor: number, live: readonly BrokerId[]): void {
  if (!Number.isSafeInteger(factor) || factor < 1) {
    throw new BrookError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor ${factor} is invalid: it must be at least 1`,
    );
  }
  if (factor > live.length) {
    const which = live.length === 0 ? 'none' : live.join(', ');
    throw new BrookError(
      'INVALID_REPLICATION_FACTOR',
      `replication factor ${factor} is larger than the ${live.length} live ` +
        `broker${live.length === 1 ? '' : 's'} (${which})`,
      { details: { replicationFactor: String(factor), liveBrokers: String(live.length) } },
    );
  }
}

function checkPartitionCount(count: number, max: number, what: string): void {
  if (!Number.isSafeInteger(count) || count < 1 || count > max) {
    throw new BrookError(
      'INVALID_PARTITIONS',
      `${what} ${count} is out of range: it must be from 1 to ${max}`,
    );
  }
}

export function createTopicCommand(
  context: AdminContext,
  request: NewTopic,
  topicId: string,
  nowMs: number,
): Extract<MetadataCommand, { type: 'createTopic' }> {
  context.rules.checkName(request.name);
  if (context.metadata.topic(request.name) !== undefined) {
    throw new BrookError('TOPIC_ALREADY_EXISTS', `topic ${request.name} already exists`, {
      details: { topic: request.name },
    });
  }
  const partitions = request.partitions === 0 ? context.defaults.partitions : request.partitions;
  checkPartitionCount(partitions, context.partitionsMax, 'partition count');
  const factor =
    request.replicationFactor === 0
      ? context.defaults.replicationFactor
      : request.replicationFactor;
  const live = liveBrokers(context.metadata);
  checkReplicationFactor(factor, live);
  const configs = context.rules.validateConfigs(request.configs);
  const placed = placePartitions({
    brokers: placementCandidates(context, live, factor),
    topics: context.metadata.topics(),
    existing: [],
    count: partitions,
    replicationFactor: factor,
    seed: topicId,
  });
  const topic: TopicAssignment = {
    name: request.name,
    topicId,
    replicationFactor: factor,
    configs,
    partitions: placed,
    createdAtMs: nowMs,
  };
  return { type: 'createTopic', topic };
}

export function deleteTopicCommand(context: AdminContext, name: string): MetadataCommand {
  const topic = existingTopic(context.metadata, name);
  return { type: 'deleteTopic', name, topicId: topic.topicId };
}

export function alterTopicConfigCommand(
  context: AdminContext,
  name: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[],
): MetadataCommand {
  const topic = existingTopic(context.metadata, name);
  for (const key of remove) {
    if (Object.hasOwn(set, key)) {
      throw new BrookError('INVALID_CONFIG', `config ${key} is both set and removed`, {
        details: { key },
      });
    }
    if (!context.rules.configKeys.includes(key)) {
      throw new BrookError(
        'INVALID_CONFIG',
        `unknown topic config ${key}; known keys: ${context.rules.configKeys.join(', ')}`,
        { details: { key } },
      );
    }
  }
  const merged = { ...topic.configs, ...context.rules.validateConfigs(set) };
  const removed = new Set(remove);
  const kept = Object.fromEntries(Object.entries(merged).filter(([key]) => !removed.has(key)));
  const configs = context.rules.validateConfigs(kept);
  return { type: 'alterTopicConfig', name, topicId: topic.topicId, configs };
}

export function createPartitionsCommand(
  context: AdminContext,
  name: string,
  count: number,
): MetadataCommand {
  const topic = existingTopic(context.metadata, name);
  const current = topic.partitions.length;
  if (!Number.isSafeInteger(count) || count <= current) {
    throw new BrookError(
      'INVALID_PARTITIONS',
      `topic ${name} has ${current} partition${current === 1 ? '' : 's'}; the new count ` +
        `(${count}) must be larger (partitions are never removed)`,
      { details: { topic: name } },
    );
  }
  checkPartitionCount(count, context.partitionsMax, 'partition count');
  const live = liveBrokers(context.metadata);
  checkReplicationFactor(topic.replicationFactor, live);
  const partitions = placePartitions({
    brokers: placementCandidates(context, live, topic.replicationFactor),
    topics: context.metadata.topics(),
    existing: topic.partitions,
    count: count - current,
    replicationFactor: topic.replicationFactor,
    seed: topic.topicId,
  });
  return { type: 'createPartitions', name, topicId: topic.topicId, partitions };
}

export function reassignPartitionCommand(
  context: AdminContext,
  name: string,
  partition: number,
  replicas: readonly BrokerId[],
): MetadataCommand {
  const topic = existingTopic(context.metadata, name);
  if (!Number.isSafeInteger(partition) || partition < 0 || partition >= topic.partitions.length) {
    throw new BrookError(
      'INVALID_PARTITION',
      `topic ${name} has no partition ${partition}; it has partitions 0 to ${topic.partitions.length - 1}`,
      { details: { topic: name, partition: String(partition) } },
    );
  }
  if (replicas.length === 0) {
    throw new BrookError('INVALID_REQUEST', 'a reassignment needs at least one replica');
  }
  if (new Set(replicas).size !== replicas.length) {
    throw new BrookError('INVALID_REQUEST', `replicas ${replicas.join(',')} repeat a broker`);
  }
  for (const id of replicas) {
    const broker = context.metadata.broker(id);
    if (broker === undefined) {
      throw new BrookError('INVALID_REQUEST', `broker ${id} is not registered in the cluster`);
    }
    if (broker.fenced) {
      throw new BrookError(
        'INVALID_REQUEST',
        `broker ${id} is not live (fenced): cannot move a replica there`,
      );
    }
  }
  return { type: 'reassignPartition', name, topicId: topic.topicId, partition, replicas };
}
