/**
 * The producer's record accumulator: records wait here, grouped per partition into batches of
 * up to `batchBytes` (estimated encoded size), until a batch is full, has lingered `lingerMs`, or
 * a flush asks for everything. The sender then drains ready batches partition by partition.
 *
 * Invariants:
 * - within a partition, batches leave in the order they were opened, and records keep their
 *   order inside a batch: the order of `append` calls is the order on the broker;
 * - only the last batch of a partition is open for appends; every earlier one is closed;
 * - a partition with `maxInFlightPerPartition` requests outstanding is neither ready nor counted
 *   for linger deadlines (it is woken when a request completes);
 * - a record larger than `batchBytes` gets a batch of its own rather than being refused: the
 *   hard limit (the topic's max.message.bytes) is checked before records get here, and a
 *   topic whose limit is below `batchBytes` gets batches no larger than its limit.
 *
 * Pure bookkeeping: times are passed in, nothing here encodes, sends or sets timers.
 */
import { BATCH_HEADER_BYTES, type RecordInput } from '../protocol/record-batch.js';
import type { BrookError } from '../protocol/errors.js';

/** Receives the outcome of records appended on its behalf (one send or sendMany call). */
export interface ResultSink {
  succeed(index: number, topic: string, partition: number, offset: number, timestamp: number): void;
  fail(error: BrookError): void;
}

export class ProducerBatch {
  readonly records: RecordInput[] = [];
  readonly sinks: ResultSink[] = [];
  /** The index of each record inside its sink's call. */
  readonly indexes: number[] = [];
  /** Estimated encoded size, header included. */
  sizeBytes = BATCH_HEADER_BYTES;
  /** Closed to appends because the next record did not fit or the batch reached its size. */
  full = false;
  private settledCallbacks: (() => void)[] | undefined;
  private isSettled = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAtMs: number,
  ) {}

  /** Resolves once the batch was acknowledged or failed (what flush waits for). */
  whenSettled(): Promise<void> {
    if (this.isSettled) return Promise.resolve();
    return new Promise((resolve) => (this.settledCallbacks ??= []).push(resolve));
  }

  markSettled(): void {
    this.isSettled = true;
    for (const callback of this.settledCallbacks?.splice(0) ?? []) callback();
  }
}

export class PartitionQueue {
  readonly batches: ProducerBatch[] = [];
  /** Produce requests of this partition not yet answered. */
  inFlight = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}
}

export interface AccumulatorLimits {
  readonly batchBytes: number;
  readonly lingerMs: number;
  readonly maxInFlightPerPartition: number;
}

export class RecordAccumulator {
  private readonly queues = new Map<string, Map<number, PartitionQueue>>();
  /** Queues holding at least one batch: the only ones `ready` needs to look at. */
  private readonly nonEmpty = new Set<PartitionQueue>();
  /** Topics that accept smaller batches than `batchBytes` (their max.message.bytes). */
  private readonly topicBatchBytesMax = new Map<string, number>();

  constructor(private readonly limits: AccumulatorLimits) {}

  get isEmpty(): boolean {
    return this.nonEmpty.size === 0;
  }

  queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.queues.set(topic, byPartition);
    }
    let queue = byPartition.get(partition);
    if (queue === undefined) {
      queue = new PartitionQueue(topic, partition);
      byPartition.set(partition, queue);
    }
    return queue;
  }

  /** Whether appending `sizeBytes` to the partition would open a new batch. */
  opensNewBatch(topic: string, partition: number, sizeBytes: number): boolean {
    const last = this.queues.get(topic)?.get(partition)?.batches.at(-1);
    return last === undefined || !this.fitsIn(last, sizeBytes);
  }

  /** Caps the batches of `topic` at `bytes` (the topic's max.message.bytes) when smaller. */
  limitTopic(topic: string, bytes: number): void {
    if (bytes < this.limits.batchBytes) this.topicBatchBytesMax.set(topic, bytes);
    else this.topicBatchBytesMax.delete(topic);
  }

  private batchBytesOf(topic: string): number {
    return this.topicBatchBytesMax.get(topic) ?? this.limits.batchBytes;
  }

  private fitsIn(batch: ProducerBatch, sizeBytes: number): boolean {
    return !batch.full && batch.sizeBytes + sizeBytes <= this.batchBytesOf(batch.topic);
  }

  /** Appends a record to the partition's open batch, opening one when needed. */
  append(
    topic: string,
    partition: number,
    record: RecordInput,
    sizeBytes: number,
    sink: ResultSink,
    index: number,
    nowMs: number,
  ): ProducerBatch {
    const queue = this.queue(topic, partition);
    let batch = queue.batches.at(-1);
    if (batch === undefined || !this.fitsIn(batch, sizeBytes)) {
      if (batch !== undefined) batch.full = true;
      batch = new ProducerBatch(topic, partition, nowMs);
      queue.batches.push(batch);
      this.nonEmpty.add(queue);
    }
    batch.records.push(record);
    batch.sinks.push(sink);
    batch.indexes.push(index);
    batch.sizeBytes += sizeBytes;
    if (batch.sizeBytes >= this.batchBytesOf(topic)) batch.full = true;
    return batch;
  }

  private sendable(
    batch: ProducerBatch,
    isLast: boolean,
    nowMs: number,
    flushing: boolean,
  ): boolean {
    return !isLast || batch.full || flushing || nowMs - batch.createdAtMs >= this.limits.lingerMs;
  }

  /** Partitions whose first batch may be sent now and that have room for another request. */
  ready(nowMs: number, flushing: boolean): PartitionQueue[] {
    const ready: PartitionQueue[] = [];
    for (const queue of this.nonEmpty) {
      if (queue.inFlight >= this.limits.maxInFlightPerPartition) continue;
      const head = queue.batches[0];
      if (head === undefined) continue;
      if (this.sendable(head, queue.batches.length === 1, nowMs, flushing)) ready.push(queue);
    }
    return ready;
  }

  /**
   * Removes and returns the partition's sendable batches from the front, as many as fit in
   * `maxBytes` (always at least one, which `ready` vouched for).
   */
  drain(
    queue: PartitionQueue,
    maxBytes: number,
    nowMs: number,
    flushing: boolean,
  ): ProducerBatch[] {
    const drained: ProducerBatch[] = [];
    let totalBytes = 0;
    while (queue.batches.length > 0) {
      const head = queue.batches[0];
      if (head === undefined) break;
      const isLast = queue.batches.length === 1;
      if (drained.length > 0 && totalBytes + head.sizeBytes > maxBytes) break;
      if (!this.sendable(head, isLast, nowMs, flushing)) break;
      queue.batches.shift();
      drained.push(head);
      totalBytes += head.sizeBytes;
    }
    if (queue.batches.length === 0) this.nonEmpty.delete(queue);
    return drained;
  }

  /** The earliest time a lingering batch becomes ready, or undefined when none lingers. */
  nextLingerDeadlineMs(): number | undefined {
    let earliest: number | undefined;
    for (const queue of this.nonEmpty) {
      if (queue.inFlight >= this.limits.maxInFlightPerPartition) continue;
      const head = queue.batches[0];
      if (head === undefined) continue;
      const deadline = head.createdAtMs + this.limits.lingerMs;
      if (earliest === undefined || deadline < earliest) earliest = deadline;
    }
    return earliest;
  }

  /** Every batch still waiting, in no particular order (for flush and close). */
  queuedBatches(): ProducerBatch[] {
    return [...this.nonEmpty].flatMap((queue) => queue.batches);
  }

  /** Removes every waiting batch (they are the caller's to fail). */
  takeAll(): ProducerBatch[] {
    const batches = this.queuedBatches();
    for (const queue of this.nonEmpty) queue.batches.length = 0;
    this.nonEmpty.clear();
    return batches;
  }
}
