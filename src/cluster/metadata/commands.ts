/**
 * The controller log's commands as bytes: one data batch per proposal, one record per command,
 * the record value a JSON `MetadataCommand` (cluster/types.ts). This file turns applied batch
 * bytes back into commands and checks their shape strictly (every field present with its type,
 * no unknown `type`), so that `apply` only ever sees well-formed commands.
 *
 * Whether a command still fits the state (a topic name free, a broker registered) is not
 * decided here: see metadata-state.ts.
 *
 * Must not: throw for bytes it cannot read (it answers null: the entry is skipped the same way
 * on every replica), read a clock, or do I/O.
 */
import {
  BATCH_HEADER_BYTES,
  batchSizeOf,
  compressionOf,
  decodeRecords,
  isControl,
  readBatchHeader,
} from '../../protocol/record-batch.js';
import { asBrokerId } from '../../util/brand.js';
import type { BrokerId } from '../../util/brand.js';
import type { MetadataCommand, PartitionAssignment, TopicAssignment } from '../types.js';

/** Largest broker id accepted (Kafka's broker ids are int32). */
export const BROKER_ID_MAX = 2 ** 31 - 1;

/**
 * The JSON values of the records of a data batch, or null when the batch is not one the
 * controller wrote (a control batch, a compressed or damaged one). A record whose value is not
 * JSON yields `undefined` in its place (parseCommand then refuses it).
 */
export function commandValuesOf(bytes: Uint8Array): unknown[] | null {
  try {
    const header = readBatchHeader(bytes, 0);
    if (isControl(header) || compressionOf(header) !== 0) return null;
    const section = bytes.subarray(BATCH_HEADER_BYTES, batchSizeOf(header));
    return decodeRecords(section, header).map((record) => parseJson(record.value));
  } catch {
    // A batch that does not decode is skipped, identically on every replica.
    return null;
  }
}

function parseJson(value: Uint8Array | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(value)) as unknown;
  } catch {
    return undefined;
  }
}

type Fields = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isBrokerId(value: unknown): value is BrokerId {
  return (
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= BROKER_ID_MAX
  );
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function brokerIds(value: unknown): BrokerId[] | null {
  if (!Array.isArray(value) || !value.every(isBrokerId)) return null;
  return value.map((id: number) => asBrokerId(id));
}

function stringMap(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  const entries = Object.entries(value);
  if (!entries.every(([, entry]) => typeof entry === 'string')) return null;
  // Sorted keys: the same overrides always serialise the same way (snapshots compare equal).
  const sorted: Record<string, string> = {};
  for (const [key, entry] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    sorted[key] = entry as string;
  }
  return sorted;
}

function partitionAssignments(value: unknown): PartitionAssignment[] | null {
  if (!Array.isArray(value)) return null;
  const partitions: PartitionAssignment[] = [];
  for (const item of value as unknown[]) {
    if (!isObject(item) || !isCount(item['partition'])) return null;
    const replicas = brokerIds(item['replicas']);
    if (replicas === null) return null;
    if (item['initialReplicas'] === undefined) {
      partitions.push({ partition: item['partition'], replicas });
      continue;
    }
    const initialReplicas = brokerIds(item['initialReplicas']);
    if (initialReplicas === null) return null;
    partitions.push({ partition: item['partition'], replicas, initialReplicas });
  }
  return partitions;
}

/** A topic assignment with its shape checked and its fields copied (nothing shared). */
export function topicAssignment(value: unknown): TopicAssignment | null {
  if (!isObject(value)) return null;
  const { name, topicId, replicationFactor, createdAtMs } = value;
  const configs = stringMap(value['configs']);
  const partitions = partitionAssignments(value['partitions']);
  if (!isString(name) || !isString(topicId) || configs === null || partitions === null) {
    return null;
  }
  if (!isCount(replicationFactor) || !Number.isSafeInteger(createdAtMs)) return null;
  return {
    name,
    topicId,
    replicationFactor,
    configs,
    partitions,
    createdAtMs: createdAtMs as number,
  };
}

/** The command a JSON value holds, or null when its shape is wrong. */
export function parseCommand(value: unknown): MetadataCommand | null {
  if (!isObject(value)) return null;
  const type = value['type'];
  switch (type) {
    case 'initCluster':
      return isString(value['clusterId']) ? { type, clusterId: value['clusterId'] } : null;
    case 'registerBroker': {
      const { broker, address } = value;
      return isBrokerId(broker) && isString(address) ? { type, broker, address } : null;
    }
    case 'fenceBroker':
    case 'unfenceBroker':
      return isBrokerId(value['broker']) ? { type, broker: value['broker'] } : null;
    case 'createTopic': {
      const topic = topicAssignment(value['topic']);
      return topic === null ? null : { type, topic };
    }
    default:
      return parseTopicCommand(type, value);
  }
}

/** The commands that name an existing topic by name and id. */
function parseTopicCommand(type: unknown, value: Fields): MetadataCommand | null {
  const { name, topicId } = value;
  if (!isString(name) || !isString(topicId)) return null;
  switch (type) {
    case 'deleteTopic':
      return { type, name, topicId };
    case 'alterTopicConfig': {
      const configs = stringMap(value['configs']);
      return configs === null ? null : { type, name, topicId, configs };
    }
    case 'createPartitions': {
      const partitions = partitionAssignments(value['partitions']);
      return partitions === null ? null : { type, name, topicId, partitions };
    }
    case 'reassignPartition': {
      const replicas = brokerIds(value['replicas']);
      const partition = value['partition'];
      if (replicas === null || !isCount(partition)) return null;
      return { type, name, topicId, partition, replicas };
    }
    default:
      return null;
  }
}
