/**
 * The producer: `send` / `sendMany` validate records, choose partitions and put the records in
 * the accumulator; the sender side drains ready batches, encodes them (RecordBatch v2, with the
 * chosen compression) and sends them to each partition's leader, retrying retriable failures.
 *
 * Invariants:
 * - calls queue their records in the order the calls were made (each takes its turn
 *   synchronously), so records of one partition reach the broker in call order even when an
 *   earlier call waits longer for metadata or buffer space;
 * - a call is validated as a whole before any of its records is queued: a record that is too
 *   large, names an unknown topic or a missing partition fails the call and queues nothing;
 * - record bytes waiting for acknowledgement never exceed `bufferBytes` (a single record larger
 *   than the buffer waits until the buffer is empty); a full buffer makes `send` wait, it does
 *   not throw and does not queue beyond the bound;
 * - at most `maxInFlightPerPartition` produce requests per partition are outstanding; with the
 *   default of 1, records of a partition reach the broker in `send` order even across retries;
 * - a retried request resends the same bytes; without idempotence a retry after a lost answer
 *   may write the records twice (at-least-once).
 *
 * It does not reorder records, does not split batches the broker refuses, and keeps no record
 * once its call has settled.
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  recordSizeEstimate,
  type RecordInput,
} from '../protocol/record-batch.js';
import {
  RecordAccumulator,
  type PartitionQueue,
  type ProducerBatch,
  type ResultSink,
} from './accumulator.js';
import { toBytes, toHeaders } from './bytes.js';
import { ByteBudget } from './byte-budget.js';
import type { ClientContext } from './context.js';
import { unknownTopic, type TopicInfo } from './metadata.js';
import { describe } from './options.js';
import { partitionForKey, StickyPartitioner } from './partitioner.js';
import { sendProduceRequest } from './produce-request.js';
import { resolveProducerOptions, type ResolvedProducerOptions } from './producer-options.js';
import { ManyResultSink, SingleResultSink } from './result-sinks.js';
import type { ProducerRecord, RecordMetadata } from './types.js';

/** A record after validation: bytes, timestamp and partition (-1 = sticky) settled. */
interface PreparedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly partitionCount: number;
  readonly input: RecordInput;
  readonly sizeBytes: number;
}

interface TopicLimits {
  readonly info: TopicInfo;
  readonly maxBatchBytes: number;
}

export class Producer {
  private readonly options: ResolvedProducerOptions;
  private readonly accumulator: RecordAccumulator;
  private readonly budget: ByteBudget;
  private readonly sticky: StickyPartitioner;
  private readonly inFlight = new Set<ProducerBatch>();
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private lingerDeadlineMs = Number.POSITIVE_INFINITY;
  private flushing = 0;
  /** Settles when the last call to take its turn has queued its records. */
  private turnTail: Promise<void> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  /** Use `brook.producer(options)`. */
  constructor(
    private readonly context: ClientContext,
    options?: unknown,
  ) {
    this.options = resolveProducerOptions(options, context);
    this.accumulator = new RecordAccumulator(this.options);
    this.budget = new ByteBudget(this.options.bufferBytes, 'producer buffer');
    this.sticky = new StickyPartitioner(context.random);
  }

  /** Sends one record; resolves once it is acknowledged (per `acks`). */
  async send(record: ProducerRecord): Promise<RecordMetadata> {
    this.assertOpen();
    const deadlineMs = Date.now() + this.options.maxBlockMs;
    const turn = this.takeTurn();
    const sink = new SingleResultSink();
    try {
      const [prepared] = await this.prepare([record]);
      if (prepared === undefined) throw new BrookError('INVALID_REQUEST', 'no record to send');
      await turn.ready;
      await this.enqueue([prepared], sink, deadlineMs);
    } finally {
      // The next call may queue as soon as this one has queued; acknowledgement comes later.
      turn.finish();
    }
    return sink.promise;
  }

  /**
   * Sends records as one call: one promise for all of them, resolving with their metadata in
   * input order once every one is acknowledged, or rejecting with the first failure (records of
   * the call sent before the failure stay written).
   */
  async sendMany(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.assertOpen();
    if (!Array.isArray(records)) {
      throw new BrookError('INVALID_REQUEST', `sendMany takes an array, got ${describe(records)}`);
    }
    if (records.length === 0) return [];
    const deadlineMs = Date.now() + this.options.maxBlockMs;
    const turn = this.takeTurn();
    const sink = new ManyResultSink(records.length);
    try {
      const prepared = await this.prepare(records);
      await turn.ready;
      await this.enqueue(prepared, sink, deadlineMs);
    } finally {
      turn.finish();
    }
    return sink.promise;
  }

  /**
   * Takes this call's place in line, synchronously at call time, so that calls queue their
   * records in the order they were made even when one waits longer (for metadata or buffer
   * space) than a later one: `ready` settles when every earlier call has queued its records;
   * `finish` (once this call has queued its own, or failed) lets the next one go.
   */
  private takeTurn(): { ready: Promise<void>; finish: () => void } {
    const previous = this.turnTail;
    let release!: () => void;
    this.turnTail = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Never let a later call overtake an earlier one, even when this one fails early.
    return { ready: previous, finish: () => void previous.then(release) };
  }

  /**
   * Sends the records of every call made so far without waiting for linger, and resolves when
   * they have all been acknowledged or have failed.
   */
  async flush(): Promise<void> {
    const earlierCalls = this.turnTail;
    this.flushing += 1;
    try {
      // While flushing, every batch is ready at once, so calls waiting for buffer space move on.
      this.wake();
      await earlierCalls;
      const batches = [...this.accumulator.queuedBatches(), ...this.inFlight];
      this.wake();
      await Promise.all(batches.map((batch) => batch.whenSettled()));
    } finally {
      this.flushing -= 1;
    }
  }

  /** Refuses new sends, then waits until everything already accepted has settled. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await this.turnTail;
      await this.flush();
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw new BrookError('INVALID_REQUEST', 'the producer is closed');
  }

  /** Validates and converts every record, resolving topics first (once per topic). */
  private async prepare(records: readonly ProducerRecord[]): Promise<PreparedRecord[]> {
    const topics = new Map<string, TopicLimits>();
    for (const record of records) {
      const topic = checkTopic(record);
      if (!topics.has(topic)) topics.set(topic, await this.topicLimits(topic));
    }
    const nowMs = Date.now();
    return records.map((record) => {
      const limits = topics.get(record.topic);
      if (limits === undefined) throw unknownTopic(record.topic);
      return this.prepareOne(record, limits, nowMs);
    });
  }

  private async topicLimits(topic: string): Promise<TopicLimits> {
    const [info, maxMessageBytes] = await Promise.all([
      this.context.metadata.topic(topic),
      this.context.metadata.maxMessageBytes(topic),
    ]);
    this.accumulator.limitTopic(topic, maxMessageBytes);
    return { info, maxBatchBytes: maxMessageBytes };
  }

  private prepareOne(record: ProducerRecord, limits: TopicLimits, nowMs: number): PreparedRecord {
    const input: RecordInput = {
      key: toBytes(record.key, 'key'),
      value: toBytes(record.value, 'value'),
      headers: toHeaders(record.headers),
      timestamp: timestampOf(record, nowMs),
    };
    const sizeBytes = recordSizeEstimate(input);
    if (BATCH_HEADER_BYTES + sizeBytes > limits.maxBatchBytes) {
      throw new BrookError(
        'RECORD_TOO_LARGE',
        `record too large: about ${BATCH_HEADER_BYTES + sizeBytes} bytes as a batch, but topic ` +
          `"${record.topic}" accepts batches of at most ${limits.maxBatchBytes} bytes (max.message.bytes)`,
        {
          details: {
            topic: record.topic,
            size: String(BATCH_HEADER_BYTES + sizeBytes),
            max: String(limits.maxBatchBytes),
          },
        },
      );
    }
    const partitionCount = limits.info.partitions.length;
    const partition = this.choosePartition(record, input, partitionCount);
    return { topic: record.topic, partition, partitionCount, input, sizeBytes };
  }

  /** The record's partition, or -1 for "the topic's sticky partition at append time". */
  private choosePartition(
    record: ProducerRecord,
    input: RecordInput,
    partitionCount: number,
  ): number {
    if (record.partition !== undefined)
      return checkPartition(record.topic, record.partition, partitionCount);
    const custom = this.options.partitioner;
    if (custom !== undefined) {
      const key = input.key === undefined || input.key === null ? null : (input.key as Buffer);
      const value = input.value === null ? null : (input.value as Buffer);
      return checkPartition(
        record.topic,
        custom({ topic: record.topic, key, value, partitionCount }),
        partitionCount,
      );
    }
    if (input.key === null || input.key === undefined) return -1;
    return partitionForKey(input.key, partitionCount);
  }

  /**
   * Queues prepared records in order, waiting for buffer space as needed, but not past
   * `deadlineMs` (the call's start plus maxBlockMs, so time spent waiting for earlier calls
   * counts too).
   */
  private async enqueue(
    prepared: readonly PreparedRecord[],
    sink: ResultSink,
    deadlineMs: number,
  ): Promise<void> {
    try {
      for (let index = 0; index < prepared.length; index++) {
        const record = prepared[index];
        if (record === undefined) continue;
        if (!this.budget.tryTake(record.sizeBytes)) {
          // Make room: full and lingered batches must go out while this call waits.
          this.wake();
          await this.budget.take(record.sizeBytes, Math.max(0, deadlineMs - Date.now()));
        }
        this.append(record, sink, index);
      }
    } catch (error) {
      sink.fail(
        isBrookError(error) ? error : new BrookError('UNKNOWN', String(error), { cause: error }),
      );
    } finally {
      this.wake();
    }
  }

  private append(record: PreparedRecord, sink: ResultSink, index: number): void {
    let partition = record.partition;
    if (partition < 0) {
      // KIP-480: stay on the sticky partition until it would need a new batch, then move on.
      partition = this.sticky.current(record.topic, record.partitionCount);
      if (this.accumulator.opensNewBatch(record.topic, partition, record.sizeBytes)) {
        partition = this.sticky.next(record.topic, record.partitionCount, partition);
      }
    }
    this.accumulator.append(
      record.topic,
      partition,
      record.input,
      record.sizeBytes,
      sink,
      index,
      Date.now(),
    );
  }

  /** Starts a request for every ready partition, then re-arms the linger timer. */
  private wake(): void {
    const nowMs = Date.now();
    const flushing = this.flushing > 0 || this.closed;
    for (const queue of this.accumulator.ready(nowMs, flushing)) {
      const batches = this.accumulator.drain(queue, this.options.requestBytes, nowMs, flushing);
      if (batches.length > 0) this.startRequest(queue, batches);
    }
    this.armLingerTimer(nowMs);
  }

  private startRequest(queue: PartitionQueue, batches: ProducerBatch[]): void {
    queue.inFlight += 1;
    for (const batch of batches) this.inFlight.add(batch);
    void sendProduceRequest(this.context, this.options, queue, batches).finally(() => {
      queue.inFlight -= 1;
      let bytes = 0;
      for (const batch of batches) {
        bytes += batch.sizeBytes - BATCH_HEADER_BYTES;
        this.inFlight.delete(batch);
        batch.markSettled();
      }
      this.budget.release(bytes);
      this.wake();
    });
  }

  private armLingerTimer(nowMs: number): void {
    const deadlineMs = this.accumulator.nextLingerDeadlineMs();
    if (deadlineMs === undefined) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
      this.lingerDeadlineMs = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.lingerTimer !== undefined && this.lingerDeadlineMs <= deadlineMs) return;
    clearTimeout(this.lingerTimer);
    this.lingerDeadlineMs = deadlineMs;
    this.lingerTimer = setTimeout(
      () => {
        this.lingerTimer = undefined;
        this.lingerDeadlineMs = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, deadlineMs - nowMs),
    );
  }
}

function checkTopic(record: ProducerRecord): string {
  if (typeof record !== 'object' || (record as unknown) === null) {
    throw new BrookError('INVALID_RECORD', `a record must be an object, got ${describe(record)}`);
  }
  if (typeof record.topic !== 'string' || record.topic === '') {
    throw new BrookError(
      'INVALID_RECORD',
      `record topic must be a non-empty string, got ${describe(record.topic)}`,
    );
  }
  return record.topic;
}

function checkPartition(topic: string, partition: unknown, partitionCount: number): number {
  if (
    typeof partition !== 'number' ||
    !Number.isInteger(partition) ||
    partition < 0 ||
    partition >= partitionCount
  ) {
    throw new BrookError(
      'INVALID_PARTITION',
      `topic "${topic}" has no partition ${describe(partition)} (it has ${partitionCount})`,
      { details: { topic, partition: String(partition) } },
    );
  }
  return partition;
}

function timestampOf(record: ProducerRecord, nowMs: number): number {
  const { timestamp } = record;
  if (timestamp === undefined) return nowMs;
  const value = timestamp instanceof Date ? timestamp.getTime() : timestamp;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BrookError(
      'INVALID_RECORD',
      `record timestamp must be a non-negative integer of milliseconds, got ${describe(value)}`,
    );
  }
  return value;
}
