/**
 * The produce path: validate what a client sent, turn plain records into a batch, replicate,
 * and answer according to acks: `none` at once, `leader` once the batches are written to the
 * leader's log, `all` once a quorum committed them (the high watermark passed them).
 *
 * Everything is checked before anything is proposed, so a request is all or nothing: a bad
 * batch in the middle of a request leaves the log untouched. Raw batches stay as bytes: the
 * broker checks their framing and CRC, the replica rewrites baseOffset and the leader epoch in
 * place, and the same bytes are appended and replicated (ARCHITECTURE.md, decision 1).
 *
 * Timeouts never claim "not written": a batch proposed and not acknowledged in time may still
 * commit. acks=all answers NOT_ENOUGH_REPLICAS (retriable) when no quorum acknowledged it in
 * time; a replica that lost leadership after appending answers REQUEST_TIMED_OUT.
 */
import { BrookError } from '../protocol/errors.js';
import {
  checkProducedBatch,
  encodeBatch,
  setLogAppendTime,
  splitBatches,
  type RecordInput,
} from '../protocol/record-batch.js';
import type { Broker } from './broker.js';
import type { TopicConfig } from './topic-config.js';

export type AcksMode = 'none' | 'leader' | 'all';

export interface ProduceInput {
  readonly topic: string;
  readonly partition: number;
  readonly acks: AcksMode;
  /** 0 = the broker default. */
  readonly timeoutMs: number;
  readonly data: { readonly batches: Uint8Array } | { readonly records: readonly RecordInput[] };
}

export interface ProduceResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly logAppendTimeMs: number;
  readonly logStartOffset: number;
  readonly recordCount: number;
}

const DEFAULT_PRODUCE_TIMEOUT_MS = 30_000;

export async function produce(broker: Broker, input: ProduceInput): Promise<ProduceResult> {
  const topic = await broker.topicForProduce(input.topic);
  const partition = broker.partition(input.topic, input.partition);
  // Before the work of validating: a client with stale metadata learns where to go at once.
  partition.checkLeader();
  const now = broker.options.clock.nowMs();
  const batches = await batchesOf(
    input,
    topic.config,
    now,
    broker.options.limits.produceRecordsMax,
  );
  const logAppendTime = topic.config.timestampType === 'LogAppendTime';
  let recordCount = 0;
  for (const batch of batches) {
    if (logAppendTime) setLogAppendTime(batch.bytes, 0, now);
    recordCount += batch.recordCount;
  }
  const appended = partition.append(batches.map((batch) => batch.bytes));
  const timeoutMs = timeoutOf(broker, input.timeoutMs);
  if (input.acks === 'leader') {
    await withTimeout(appended.written, timeoutMs, () => notWrittenInTime(input, timeoutMs));
  } else if (input.acks === 'all') {
    await withTimeout(appended.committed, timeoutMs, () => noQuorumInTime(input, timeoutMs));
  }
  const range =
    input.acks === 'none'
      ? { baseOffset: -1, lastOffset: -1 }
      : { baseOffset: appended.baseOffset, lastOffset: appended.lastOffset };
  return {
    ...range,
    logAppendTimeMs: logAppendTime ? now : -1,
    logStartOffset: partition.logStartOffset,
    recordCount,
  };
}

function timeoutOf(broker: Broker, requested: number): number {
  const timeout = requested === 0 ? DEFAULT_PRODUCE_TIMEOUT_MS : requested;
  return Math.min(timeout, broker.options.limits.produceTimeoutMsMax);
}

interface ValidBatch {
  readonly bytes: Uint8Array;
  readonly recordCount: number;
}

async function batchesOf(
  input: ProduceInput,
  config: TopicConfig,
  now: number,
  recordsMax: number,
): Promise<ValidBatch[]> {
  if ('batches' in input.data) return validateBatches(input.data.batches, config);
  const records = input.data.records;
  if (records.length === 0) {
    throw new BrookError('INVALID_REQUEST', 'produce request has no records');
  }
  if (records.length > recordsMax) {
    throw new BrookError(
      'INVALID_REQUEST',
      `produce request has ${records.length} records; the limit is ${recordsMax} per request`,
    );
  }
  for (const record of records) {
    if (record.timestamp !== undefined && record.timestamp < 0) {
      throw new BrookError('INVALID_RECORD', `record timestamp ${record.timestamp} is negative`);
    }
  }
  const stamped = records.map((record) =>
    record.timestamp === undefined || record.timestamp === 0
      ? { ...record, timestamp: now }
      : record,
  );
  const bytes = await encodeBatch(stamped, { defaultTimestamp: now });
  checkBatchSize(bytes.length, config);
  return [{ bytes, recordCount: records.length }];
}

async function validateBatches(data: Uint8Array, config: TopicConfig): Promise<ValidBatch[]> {
  if (data.length === 0) throw new BrookError('INVALID_REQUEST', 'produce request has no batches');
  const batches: ValidBatch[] = [];
  for (const span of splitBatches(data)) {
    checkBatchSize(span.size, config);
    await checkProducedBatch(data, span);
    // No copy: the request's buffer is ours from here on, and the log rewrites baseOffset in it.
    const bytes = data.subarray(span.position, span.position + span.size);
    batches.push({ bytes, recordCount: span.header.recordCount });
  }
  return batches;
}

function checkBatchSize(size: number, config: TopicConfig): void {
  if (size > config.maxMessageBytes) {
    throw new BrookError(
      'RECORD_TOO_LARGE',
      `record batch of ${size} bytes is larger than max.message.bytes ${config.maxMessageBytes}`,
      { details: { size: String(size), limit: String(config.maxMessageBytes) } },
    );
  }
}

function noQuorumInTime(input: ProduceInput, timeoutMs: number): BrookError {
  return new BrookError(
    'NOT_ENOUGH_REPLICAS',
    `partition ${input.topic}-${input.partition} could not reach a quorum of its replicas ` +
      `within ${timeoutMs} ms; the records are on the leader and may still commit`,
    { details: { topic: input.topic, partition: String(input.partition) } },
  );
}

function notWrittenInTime(input: ProduceInput, timeoutMs: number): BrookError {
  return new BrookError(
    'REQUEST_TIMED_OUT',
    `produce to ${input.topic}-${input.partition} was not written within ${timeoutMs} ms; ` +
      'it may still be',
  );
}

async function withTimeout(
  promise: Promise<void>,
  timeoutMs: number,
  onTimeout: () => BrookError,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
