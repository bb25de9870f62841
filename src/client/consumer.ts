/**
 * The consumer (no groups yet): the application assigns partitions with start positions, then
 * iterates records with `for await (const record of consumer)`. Each partition is fetched by its
 * own loop (PartitionFetcher) into one bounded prefetch queue (RecordQueue).
 *
 * Invariants:
 * - within a partition records are yielded in offset order, each once per position: a seek is
 *   the only way back;
 * - `position(tp)` is the offset of the next record the iterator will yield for that partition;
 * - a partition's error (after retries) is thrown from the iterator once the records fetched
 *   before it were yielded; other partitions keep going; `seek` restarts the failed partition;
 * - `close()` (or leaving a `for await` loop early) stops every fetch, ends the iteration and
 *   does not close the shared client connections.
 */
import { BrookError } from '../protocol/errors.js';
import type { ClientContext } from './context.js';
import { resolveConsumerOptions, type ResolvedConsumerOptions } from './consumer-options.js';
import { listOffsets } from './offsets.js';
import { describe } from './options.js';
import { PartitionFetcher } from './partition-fetcher.js';
import { RecordQueue } from './record-queue.js';
import type {
  Assignment,
  ConsumerRecord,
  OffsetQuery,
  StartFrom,
  TopicPartition,
} from './types.js';

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class Consumer implements AsyncIterable<ConsumerRecord> {
  private readonly options: ResolvedConsumerOptions;
  private readonly queue: RecordQueue;
  private fetchers = new Map<string, PartitionFetcher>();
  /** Errors of stopped partitions, each thrown once from the iterator, oldest first. */
  private readonly failures: BrookError[] = [];
  private closed = false;
  private closing: Promise<void> | undefined;

  /** Use `brook.consumer(options)`. */
  constructor(
    private readonly context: ClientContext,
    options?: unknown,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.options = resolveConsumerOptions(options, context);
    this.queue = new RecordQueue(this.options.prefetchBytes);
  }

  /**
   * Replaces the assignment: stops fetching whatever was assigned before and starts every listed
   * partition at its `from` position (default 'latest'). Throws UNKNOWN_TOPIC or
   * INVALID_PARTITION without changing anything.
   */
  async assign(assignments: readonly Assignment[]): Promise<void> {
    this.assertOpen();
    const checked = checkAssignments(assignments);
    const offsets = await this.resolveStarts(checked);
    this.assertOpen();
    await Promise.all([...this.fetchers.values()].map((fetcher) => fetcher.stop()));
    this.failures.length = 0;
    this.fetchers = new Map();
    checked.forEach((assignment, index) => {
      const fetcher = new PartitionFetcher(
        assignment.topic,
        assignment.partition,
        offsets[index] ?? 0,
        {
          context: this.context,
          options: this.options,
          queue: this.queue,
          onError: (_fetcher, error) => this.fail(error),
        },
      );
      this.fetchers.set(keyOf(assignment.topic, assignment.partition), fetcher);
      fetcher.start();
    });
  }

  /** The assigned partitions. */
  assignment(): TopicPartition[] {
    return [...this.fetchers.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Next offset the iterator yields for the partition; undefined when it is not assigned. */
  position(topicPartition: TopicPartition): number | undefined {
    return this.fetchers.get(keyOf(topicPartition.topic, topicPartition.partition))?.position;
  }

  /** Continues an assigned partition from `offset` (records buffered for it are dropped). */
  seek(target: TopicPartition & { readonly offset: number }): void {
    this.assertOpen();
    const fetcher = this.fetchers.get(keyOf(target.topic, target.partition));
    if (fetcher === undefined) {
      throw new BrookError(
        'INVALID_REQUEST',
        `cannot seek ${target.topic}/${target.partition}: it is not assigned`,
      );
    }
    if (!Number.isSafeInteger(target.offset) || target.offset < 0) {
      throw new BrookError(
        'INVALID_REQUEST',
        `seek offset must be an integer >= 0, got ${describe(target.offset)}`,
      );
    }
    fetcher.seek(target.offset);
  }

  [Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  /**
   * Like iterating records, but each step yields every record already buffered (at least one,
   * at most `maxRecords`) as one array: one promise per batch instead of one per record, for
   * consumers that process records in bulk. Ending the loop early closes the consumer.
   */
  batches(maxRecords = 10_000): AsyncIterable<ConsumerRecord[]> {
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
      throw new BrookError('INVALID_REQUEST', `maxRecords must be a positive integer`);
    }
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => this.nextBatch(maxRecords),
        return: async () => {
          await this.close();
          return { done: true, value: undefined };
        },
      }),
    };
  }

  private async nextBatch(maxRecords: number): Promise<IteratorResult<ConsumerRecord[]>> {
    const first = await this.next();
    if (first.done === true) return { done: true, value: undefined };
    const batch = [first.value];
    while (batch.length < maxRecords) {
      const record = this.closed ? undefined : this.queue.shift();
      if (record === undefined) break;
      batch.push(record);
    }
    return { done: false, value: batch };
  }

  /** Stops fetching and ends the iteration; idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      // Close the queue first: it wakes fetchers waiting for room, which could otherwise wait
      // forever for an iterator that will not pull again.
      this.queue.close();
      await Promise.all([...this.fetchers.values()].map((fetcher) => fetcher.stop()));
      this.onClose();
    })();
    return this.closing;
  }

  private async next(): Promise<IteratorResult<ConsumerRecord>> {
    for (;;) {
      const record = this.closed ? undefined : this.queue.shift();
      if (record !== undefined) return { done: false, value: record };
      const failure = this.failures.shift();
      if (failure !== undefined) throw failure;
      if (this.closed) return { done: true, value: undefined };
      await this.queue.waitForRecords();
    }
  }

  private fail(error: BrookError): void {
    this.failures.push(error);
    this.queue.wakeReaders();
  }

  private assertOpen(): void {
    if (this.closed) throw new BrookError('INVALID_REQUEST', 'the consumer is closed');
  }

  /** Start offset of each assignment, looking up all offsets of one kind per topic at once. */
  private async resolveStarts(assignments: readonly Required<Assignment>[]): Promise<number[]> {
    const offsets = new Array<number>(assignments.length).fill(0);
    const lookups = new Map<string, { topic: string; query: OffsetQuery; indexes: number[] }>();
    for (const [index, assignment] of assignments.entries()) {
      const info = await this.context.metadata.topic(assignment.topic);
      if (!info.partitions.some((candidate) => candidate.partition === assignment.partition)) {
        throw new BrookError(
          'INVALID_PARTITION',
          `topic "${assignment.topic}" has no partition ${assignment.partition} (it has ${info.partitions.length})`,
          { details: { topic: assignment.topic, partition: String(assignment.partition) } },
        );
      }
      const { from } = assignment;
      if (typeof from === 'object' && 'offset' in from) {
        offsets[index] = from.offset;
        continue;
      }
      const query: OffsetQuery = from;
      const lookupKey = `${assignment.topic}\u0000${typeof query === 'string' ? query : `t${query.timestamp}`}`;
      const lookup = lookups.get(lookupKey) ?? { topic: assignment.topic, query, indexes: [] };
      lookup.indexes.push(index);
      lookups.set(lookupKey, lookup);
    }
    await Promise.all(
      [...lookups.values()].map(async ({ topic, query, indexes }) => {
        const partitions = indexes.map((index) => assignments[index]?.partition ?? 0);
        const found = await listOffsets(this.context, topic, query, partitions);
        for (const index of indexes) {
          const partition = assignments[index]?.partition;
          const entry = found.find((candidate) => candidate.partition === partition);
          if (entry === undefined) {
            throw new BrookError(
              'UNKNOWN',
              `the broker did not answer the offset of ${topic}/${partition}`,
            );
          }
          offsets[index] = entry.offset;
        }
      }),
    );
    return offsets;
  }
}

function checkAssignments(assignments: readonly Assignment[]): Required<Assignment>[] {
  if (!Array.isArray(assignments)) {
    throw new BrookError('INVALID_REQUEST', `assign takes an array, got ${describe(assignments)}`);
  }
  const seen = new Set<string>();
  return assignments.map((assignment: Assignment) => {
    const { topic, partition } = assignment;
    if (typeof topic !== 'string' || topic === '') {
      throw new BrookError(
        'INVALID_REQUEST',
        `assignment topic must be a non-empty string, got ${describe(topic)}`,
      );
    }
    if (!Number.isSafeInteger(partition) || partition < 0) {
      throw new BrookError(
        'INVALID_REQUEST',
        `assignment partition must be an integer >= 0, got ${describe(partition)}`,
      );
    }
    const key = keyOf(topic, partition);
    if (seen.has(key))
      throw new BrookError('INVALID_REQUEST', `${topic}/${partition} is assigned twice`);
    seen.add(key);
    return { topic, partition, from: checkStart(assignment.from) };
  });
}

function checkStart(from: StartFrom | undefined): StartFrom {
  if (from === undefined) return 'latest';
  if (from === 'earliest' || from === 'latest') return from;
  if (typeof from === 'object') {
    if ('offset' in from && Number.isSafeInteger(from.offset) && from.offset >= 0)
      return { offset: from.offset };
    if ('timestamp' in from && Number.isSafeInteger(from.timestamp) && from.timestamp >= 0) {
      return { timestamp: from.timestamp };
    }
  }
  throw new BrookError(
    'INVALID_REQUEST',
    `a start position is 'earliest', 'latest', { offset } or { timestamp }, got ${describe(from)}`,
  );
}
