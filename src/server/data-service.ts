/**
 * brook.v1.DataService: maps protobuf requests to the broker's data operations and results back
 * to protobuf. No decisions are made here beyond translating enums and optional fields.
 */
import { BrookError } from '../protocol/errors.js';
import type { DataServiceHandlers } from '../protocol/gen/brook/v1/DataService.js';
import type { Record as ProtoRecord } from '../protocol/gen/brook/v1/Record.js';
import type { Record__Output as ProtoRecordOutput } from '../protocol/gen/brook/v1/Record.js';
import type { StartPosition__Output } from '../protocol/gen/brook/v1/StartPosition.js';
import type { DecodedRecord, RecordInput } from '../protocol/record-batch.js';
import type { Logger } from '../util/ports.js';
import type { Broker } from '../broker/broker.js';
import {
  fetch,
  listOffsets,
  subscribe,
  type FetchResult,
  type OffsetSpec,
  type RecordFormat,
  type StartPosition,
} from '../broker/fetch.js';
import { produce, type AcksMode } from '../broker/produce.js';
import { serverStream, unary } from './handlers.js';

export interface SubscriptionRegistry {
  /** Counts a subscription against subscriptionsMax; it is ended at shutdown. */
  register(controller: AbortController): () => void;
  /** A fetch that may long-poll: aborted (answered with what it has) at shutdown. */
  trackLongPoll(controller: AbortController): () => void;
}

function acksOf(acks: string): AcksMode {
  switch (acks) {
    case 'ACKS_NONE':
      return 'none';
    case 'ACKS_LEADER':
      return 'leader';
    case 'ACKS_ALL':
    case 'ACKS_UNSPECIFIED':
      return 'all';
    default:
      throw new BrookError('INVALID_REQUEST', `unknown acks value ${acks}`);
  }
}

function formatOf(format: string): RecordFormat {
  switch (format) {
    case 'RECORD_FORMAT_BATCHES':
      return 'batches';
    case 'RECORD_FORMAT_RECORDS':
    case 'RECORD_FORMAT_UNSPECIFIED':
      return 'records';
    default:
      throw new BrookError('INVALID_REQUEST', `unknown record format ${format}`);
  }
}

function recordInputOf(record: ProtoRecordOutput): RecordInput {
  return {
    key: record.key ?? null,
    value: record.value ?? null,
    headers: record.headers.map((header) => ({ key: header.key, value: header.value ?? null })),
    ...(record.timestampMs === 0 ? {} : { timestamp: record.timestampMs }),
  };
}

export function protoRecordOf(record: DecodedRecord): ProtoRecord {
  return {
    ...(record.key === null ? {} : { key: record.key }),
    ...(record.value === null ? {} : { value: record.value }),
    headers: record.headers.map((header) =>
      header.value === null ? { key: header.key } : { key: header.key, value: header.value },
    ),
    timestampMs: record.timestamp,
    offset: record.offset,
  };
}

function fetchResponseOf(result: FetchResult): {
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer;
  records: ProtoRecord[];
  nextOffset: number;
} {
  return {
    highWatermark: result.highWatermark,
    logStartOffset: result.logStartOffset,
    batches: result.batches,
    records: result.records.map(protoRecordOf),
    nextOffset: result.nextOffset,
  };
}

function startOf(start: StartPosition__Output | null): StartPosition {
  switch (start?.position) {
    case 'offset':
      return { kind: 'offset', offset: start.offset ?? 0 };
    case 'earliest':
      return { kind: 'earliest' };
    case 'latest':
      return { kind: 'latest' };
    case 'timestampMs':
      return { kind: 'timestamp', timestampMs: start.timestampMs ?? 0 };
    case undefined:
      throw new BrookError('INVALID_REQUEST', 'subscribe needs a start position');
  }
}

function offsetSpecOf(spec: string, timestampMs: number): OffsetSpec {
  switch (spec) {
    case 'OFFSET_SPEC_EARLIEST':
      return { kind: 'earliest' };
    case 'OFFSET_SPEC_LATEST':
      return { kind: 'latest' };
    case 'OFFSET_SPEC_TIMESTAMP':
      return { kind: 'timestamp', timestampMs };
    default:
      throw new BrookError('INVALID_REQUEST', `offset spec ${spec} is not allowed`);
  }
}

export function dataService(
  broker: Broker,
  logger: Logger,
  subscriptions: SubscriptionRegistry,
): DataServiceHandlers {
  return {
    Produce: unary('Produce', logger, async (request) => {
      const data =
        request.data === 'batches' && request.batches !== undefined
          ? { batches: request.batches }
          : request.data === 'records' && request.records
            ? { records: request.records.records.map(recordInputOf) }
            : undefined;
      if (data === undefined) {
        throw new BrookError('INVALID_REQUEST', 'produce request has neither batches nor records');
      }
      return produce(broker, {
        topic: request.topic,
        partition: request.partition,
        acks: acksOf(request.acks),
        timeoutMs: request.timeoutMs,
        data,
      });
    }),
    Fetch: unary(
      'Fetch',
      logger,
      async (request, signal) => {
        const result = await fetch(
          broker,
          {
            topic: request.topic,
            partition: request.partition,
            offset: request.offset,
            bytesMax: request.maxBytes,
            waitMsMax: request.maxWaitMs,
            bytesMin: request.minBytes,
            format: formatOf(request.format),
          },
          signal,
        );
        return fetchResponseOf(result);
      },
      (controller) => subscriptions.trackLongPoll(controller),
    ),
    Subscribe: serverStream(
      'Subscribe',
      logger,
      (request, signal) => {
        const chunks = subscribe(
          broker,
          {
            topic: request.topic,
            partition: request.partition,
            start: startOf(request.start),
            bytesMax: request.maxBytes,
            format: formatOf(request.format),
          },
          signal,
        );
        return mapAsync(chunks, fetchResponseOf);
      },
      (controller) => subscriptions.register(controller),
    ),
    ListOffsets: unary('ListOffsets', logger, async (request) => {
      const offsets = await listOffsets(
        broker,
        request.topic,
        request.partitions,
        offsetSpecOf(request.spec, request.timestampMs),
      );
      return { offsets };
    }),
    GetMetadata: unary('GetMetadata', logger, (request) => {
      const names = request.topics.length === 0 ? undefined : request.topics;
      const topics = (names ?? broker.listTopics().map((topic) => topic.name)).map((name) =>
        broker.describe(broker.topic(name).assignment),
      );
      return Promise.resolve({
        clusterId: broker.clusterId,
        brokers: brokersOf(broker),
        topics: topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((partition) => ({
            partition: partition.partition,
            leader: partition.leader,
            replicas: [...partition.replicas],
            leaderEpoch: partition.leaderEpoch,
          })),
        })),
      });
    }),
  };
}

/**
 * Every registered broker, and this one even before its registration is applied (a client
 * that bootstrapped here must be able to come back).
 */
function brokersOf(broker: Broker): { id: number; address: string }[] {
  const brokers: { id: number; address: string }[] = broker.metadata
    .brokers()
    .map((registration) => ({ id: registration.id, address: registration.address }));
  if (!brokers.some((known) => known.id === broker.brokerId) && broker.advertisedAddress !== '') {
    brokers.push({ id: broker.brokerId, address: broker.advertisedAddress });
  }
  return brokers.sort((a, b) => a.id - b.id);
}

async function* mapAsync<T, U>(source: AsyncIterable<T>, map: (value: T) => U): AsyncGenerator<U> {
  for await (const value of source) yield map(value);
}
