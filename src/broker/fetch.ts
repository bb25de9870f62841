/**
 * The read path: fetch (with long polling), subscribe (a stream of chunks as the high watermark
 * moves) and list offsets. Only a partition's leader serves them (NOT_LEADER elsewhere, naming
 * the leader); a leader that loses leadership ends its long polls and subscriptions the same way.
 *
 * Readers see only what is below the high watermark (committed). Batches are returned whole,
 * as stored, and the first one may start before the requested offset; with the plain-records
 * format the broker decodes them and leaves out records before the offset and control batches
 * (the Raft leader no-ops and membership changes, which take offsets like any batch).
 */
import { BrookError } from '../protocol/errors.js';
import {
  decodeBatch,
  isControl,
  splitBatches,
  type DecodedRecord,
} from '../protocol/record-batch.js';
import type { Broker } from './broker.js';
import type { Partition } from './partition.js';

export type RecordFormat = 'records' | 'batches';

export interface FetchInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** 0 = the broker default. */
  readonly bytesMax: number;
  readonly waitMsMax: number;
  readonly bytesMin: number;
  readonly format: RecordFormat;
}

export interface FetchResult {
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly batches: Buffer;
  readonly records: readonly DecodedRecord[];
  readonly nextOffset: number;
}

export function fetchBytesBudget(broker: Broker, requested: number): number {
  const limits = broker.options.limits;
  return requested <= 0 ? limits.fetchBytesDefault : Math.min(requested, limits.fetchBytesMax);
}

/**
 * Reads from `offset`; when nothing is there yet (or less than bytesMin) waits up to waitMsMax
 * for more. `signal` aborts the wait when the client goes away.
 */
export async function fetch(
  broker: Broker,
  input: FetchInput,
  signal: AbortSignal,
): Promise<FetchResult> {
  const partition = broker.partition(input.topic, input.partition);
  partition.checkOffset(input.offset);
  const waitMs = Math.min(Math.max(input.waitMsMax, 0), broker.options.limits.fetchWaitMsMax);
  const budget = fetchBytesBudget(broker, input.bytesMax);
  let chunk = await partition.read(input.offset, budget);
  if (waitMs === 0) return toResult(partition, input.offset, chunk, input.format, budget);
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(waitMs)]);
  while (chunk.data.length < Math.max(input.bytesMin, 1) && !deadline.aborted) {
    const before = partition.highWatermark;
    await partition.waitForData(Math.max(before, input.offset), deadline);
    if (partition.highWatermark === before) break;
    chunk = await partition.read(input.offset, budget);
  }
  return toResult(partition, input.offset, chunk, input.format, budget);
}

async function toResult(
  partition: Partition,
  offset: number,
  chunk: { data: Buffer; nextOffset: number },
  format: RecordFormat,
  bytesMax: number,
): Promise<FetchResult> {
  const base = {
    highWatermark: partition.highWatermark,
    logStartOffset: partition.logStartOffset,
  };
  if (format === 'batches') {
    return { ...base, batches: chunk.data, records: [], nextOffset: chunk.nextOffset };
  }
  const decoded = await decodeRecordsFrom(chunk.data, offset, bytesMax);
  const nextOffset = decoded.cut ? decoded.nextOffset : chunk.nextOffset;
  return { ...base, batches: Buffer.alloc(0), records: decoded.records, nextOffset };
}

/** Protobuf bytes a record takes in a reply, near enough to keep replies under the limit. */
function encodedSizeEstimate(record: DecodedRecord): number {
  let size = 32 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers)
    size += 8 + header.key.length * 3 + (header.value?.length ?? 0);
  return size;
}

/**
 * Decodes stored batches into records at or after `offset`, skipping control batches, until
 * the records' protobuf size reaches `bytesMax` (at least one record): small records grow when
 * re-encoded one by one, so the stored batch size alone could exceed the reply limit.
 */
export async function decodeRecordsFrom(
  data: Buffer,
  offset: number,
  bytesMax = Number.POSITIVE_INFINITY,
): Promise<{ records: DecodedRecord[]; cut: boolean; nextOffset: number }> {
  const records: DecodedRecord[] = [];
  let size = 0;
  for (const span of splitBatches(data)) {
    if (isControl(span.header)) continue;
    const batch = await decodeBatch(data, span.position).catch((error: unknown) => {
      throw new BrookError(
        'CORRUPT_MESSAGE',
        `stored batch at offset ${span.header.baseOffset} cannot be decoded`,
        { cause: error },
      );
    });
    for (const record of batch.records) {
      if (record.offset < offset) continue;
      size += encodedSizeEstimate(record);
      if (size > bytesMax && records.length > 0) {
        return { records, cut: true, nextOffset: record.offset };
      }
      records.push(record);
    }
  }
  const last = records[records.length - 1];
  return { records, cut: false, nextOffset: last === undefined ? offset : last.offset + 1 };
}

export type StartPosition =
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'timestamp'; readonly timestampMs: number };

export async function resolveStart(partition: Partition, start: StartPosition): Promise<number> {
  switch (start.kind) {
    case 'offset':
      partition.checkOffset(start.offset);
      return start.offset;
    case 'earliest':
      return partition.logStartOffset;
    case 'latest':
      return partition.highWatermark;
    case 'timestamp':
      return (await offsetForTimestamp(partition, start.timestampMs)).offset;
  }
}

export interface OffsetLookup {
  readonly offset: number;
  readonly timestampMs: number;
}

/** The first offset with a timestamp >= target below the high watermark, else the HW. */
export async function offsetForTimestamp(
  partition: Partition,
  timestampMs: number,
): Promise<OffsetLookup> {
  if (!Number.isSafeInteger(timestampMs) || timestampMs < 0) {
    throw new BrookError('INVALID_REQUEST', `timestamp ${timestampMs} is not a valid time`);
  }
  const found = await partition.offsetForTimestamp(timestampMs);
  if (found === undefined || found.offset >= partition.highWatermark) {
    return { offset: partition.highWatermark, timestampMs: -1 };
  }
  return { offset: Math.max(found.offset, partition.logStartOffset), timestampMs: found.timestamp };
}

export type OffsetSpec =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'timestamp'; readonly timestampMs: number };

export async function listOffsets(
  broker: Broker,
  topicName: string,
  partitions: readonly number[],
  spec: OffsetSpec,
): Promise<{ partition: number; offset: number; timestampMs: number }[]> {
  const topic = broker.topic(topicName);
  const indexes =
    partitions.length === 0
      ? topic.assignment.partitions.map((assignment) => assignment.partition)
      : partitions;
  const targets = indexes.map((index) => broker.partition(topicName, index));
  const results = [];
  for (const partition of targets) {
    partition.checkLeader();
    const found =
      spec.kind === 'timestamp'
        ? await offsetForTimestamp(partition, spec.timestampMs)
        : {
            offset: spec.kind === 'earliest' ? partition.logStartOffset : partition.highWatermark,
            timestampMs: -1,
          };
    results.push({ partition: partition.index, ...found });
  }
  return results;
}

export interface SubscribeInput {
  readonly topic: string;
  readonly partition: number;
  readonly start: StartPosition;
  readonly bytesMax: number;
  readonly format: RecordFormat;
}

/**
 * Chunks of a partition from a start position, then new data as the high watermark moves,
 * until `signal` aborts or the partition goes away (then it throws, e.g. UNKNOWN_TOPIC).
 * The consumer of the generator paces it: nothing is read ahead of what it has taken.
 */
export async function* subscribe(
  broker: Broker,
  input: SubscribeInput,
  signal: AbortSignal,
): AsyncGenerator<FetchResult> {
  const partition = broker.partition(input.topic, input.partition);
  partition.checkLeader();
  const budget = fetchBytesBudget(broker, input.bytesMax);
  let position = await resolveStart(partition, input.start);
  while (!signal.aborted) {
    partition.checkLeader();
    if (position >= partition.highWatermark) {
      await partition.waitForData(position, signal);
      continue;
    }
    const chunk = await partition.read(position, budget);
    const result = await toResult(partition, position, chunk, input.format, budget);
    position = result.nextOffset;
    if (result.batches.length > 0 || result.records.length > 0) yield result;
  }
}
