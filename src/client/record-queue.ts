/**
 * The consumer's prefetch buffer: chunks of fetched records from every assigned partition, in
 * arrival order, waiting for the iterator.
 *
 * Invariants:
 * - fetchers only fetch while fewer than `capacityBytes` (fetched batch bytes) are buffered, so
 *   the buffer stays below capacity plus one fetch per partition: a consumer that stops pulling
 *   stops fetching;
 * - a chunk carries the partition epoch it was fetched under; after a seek (epoch bump) older
 *   chunks are dropped, never yielded;
 * - a record below its partition's position is skipped, and yielding a record moves the
 *   partition's position past it.
 *
 * No I/O; wakes waiters only.
 */
import type { ConsumerRecord } from './types.js';

/** The per-partition state the queue needs to see (owned by the consumer). */
export interface PartitionCursor {
  /** Next offset the iterator will yield. */
  position: number;
  /** Bumped on every seek; data fetched under an older epoch is stale. */
  epoch: number;
}

interface Chunk {
  readonly cursor: PartitionCursor;
  readonly epoch: number;
  readonly records: readonly ConsumerRecord[];
  readonly bytes: number;
  next: number;
}

export class RecordQueue {
  private chunks: Chunk[] = [];
  private head = 0;
  private buffered = 0;
  private readers: (() => void)[] = [];
  private writers: (() => void)[] = [];
  private closed = false;

  constructor(readonly capacityBytes: number) {}

  get bufferedBytes(): number {
    return this.buffered;
  }

  push(
    cursor: PartitionCursor,
    epoch: number,
    records: readonly ConsumerRecord[],
    bytes: number,
  ): void {
    if (this.closed || records.length === 0) return;
    this.chunks.push({ cursor, epoch, records, bytes, next: 0 });
    this.buffered += bytes;
    this.wakeReaders();
  }

  /** The next record to yield, or undefined when none is buffered. */
  shift(): ConsumerRecord | undefined {
    while (this.head < this.chunks.length) {
      const chunk = this.chunks[this.head];
      if (chunk === undefined) break;
      if (chunk.epoch !== chunk.cursor.epoch) {
        this.removeHead();
        continue;
      }
      const record = chunk.records[chunk.next];
      chunk.next += 1;
      if (chunk.next >= chunk.records.length) this.removeHead();
      if (record === undefined || record.offset < chunk.cursor.position) continue;
      chunk.cursor.position = record.offset + 1;
      return record;
    }
    return undefined;
  }

  private removeHead(): void {
    const chunk = this.chunks[this.head];
    this.head += 1;
    if (chunk !== undefined) this.buffered -= chunk.bytes;
    // Compact now and then so the array does not grow with every chunk ever seen.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    this.wakeWritersIfRoom();
  }

  /** Drops every buffered chunk of one partition (after a seek or unassignment). */
  drop(cursor: PartitionCursor): void {
    const kept: Chunk[] = [];
    for (let index = this.head; index < this.chunks.length; index++) {
      const chunk = this.chunks[index];
      if (chunk === undefined) continue;
      if (chunk.cursor === cursor) this.buffered -= chunk.bytes;
      else kept.push(chunk);
    }
    this.chunks = kept;
    this.head = 0;
    this.wakeWritersIfRoom();
  }

  /** Resolves when a record may be available (or the queue was closed or poked). */
  waitForRecords(): Promise<void> {
    if (this.closed || this.head < this.chunks.length) return Promise.resolve();
    return new Promise((resolve) => this.readers.push(resolve));
  }

  /** Resolves when the buffer is below capacity (or the queue was closed). */
  waitForRoom(): Promise<void> {
    if (this.closed || this.buffered < this.capacityBytes) return Promise.resolve();
    return new Promise((resolve) => this.writers.push(resolve));
  }

  /** Wakes a waiting reader without data, e.g. to deliver an error. */
  wakeReaders(): void {
    for (const resolve of this.readers.splice(0)) resolve();
  }

  private wakeWritersIfRoom(): void {
    if (this.buffered < this.capacityBytes) for (const resolve of this.writers.splice(0)) resolve();
  }

  close(): void {
    this.closed = true;
    this.chunks = [];
    this.head = 0;
    this.buffered = 0;
    this.wakeReaders();
    for (const resolve of this.writers.splice(0)) resolve();
  }
}
