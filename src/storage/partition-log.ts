/**
 * The log of one partition: an ordered list of segments, appended at the end, read by offset,
 * cut at either end. It is also the partition's Raft log (ARCHITECTURE.md, decision 2): a
 * Raft entry is one batch, its index range the batch's offsets, its term the batch's partition
 * leader epoch, and `termAt` answers log-matching questions from memory.
 *
 * Offsets: [logStartOffset, logEndOffset) are in the log; `durableEndOffset` <= end is fsynced;
 * reads see only what is written (the write of an append completed), at most up to the
 * caller's bound (the high watermark).
 *
 * Concurrency (TigerBeetle's rule: no await between reading and writing state): `append`
 * assigns offsets and updates every in-memory structure synchronously, then queues the file
 * write on the LogWriter, which runs all file mutations one at a time in call order and groups
 * fsyncs. So concurrent appends get offsets in call order and their bytes land in that order.
 * `truncateSuffix` is the exception that must read the log before it can change it: no append
 * may be issued while it runs (asserted); the Raft replica loop never does.
 *
 * Failure: after any failed file operation the log is failed for good (STORAGE_ERROR on every
 * call); the broker takes the partition offline and a restart recovers it from disk.
 *
 * Must not: know topics, RPCs or replication; trust the bytes it is given beyond their header
 * (callers run `checkBatch` first); keep per-record state.
 */
import { posix } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  batchSizeOf,
  decodeBatch,
  lastOffsetOf,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../protocol/record-batch.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import { assert } from '../util/assert.js';
import type { Clock, FileSystem, Logger } from '../util/ports.js';
import { resolveLogConfig } from './log-config.js';
import type { LogConfig } from './log-config.js';
import { writeLogStartCheckpoint } from './log-start-checkpoint.js';
import { LogWriter } from './log-writer.js';
import { RELATIVE_OFFSET_MAX } from './offset-index.js';
import { mergeDamage, removeDamageMarker, writeDamageMarker } from './damage-marker.js';
import type { DamageRecord } from './damage-marker.js';
import { recoverLog } from './recovery.js';
import { segmentsToDelete } from './retention.js';
import { Segment } from './segment.js';

export interface PartitionLogOptions {
  readonly fs: FileSystem;
  /** The partition's directory; created if missing. */
  readonly directory: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config?: Partial<LogConfig>;
  /**
   * Names of files that other components keep in the same directory (the Raft replica's
   * `raft-state`, `raft-snapshot`): recovery leaves them alone without a warning.
   */
  readonly companionFiles?: readonly string[];
}

export interface AppendOptions {
  /** Written into the batch as its partition leader epoch when offsets are assigned. */
  readonly term?: number;
  /**
   * True (default, a leader): the log rewrites the batch's base offset to logEndOffset.
   * False (a follower): the batch carries leader-assigned offsets starting at logEndOffset.
   */
  readonly assignOffsets?: boolean;
}

export interface AppendResult {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  /** Byte position of the batch in its segment file. */
  readonly positionBytes: number;
}

export interface ReadResult {
  /** Whole batches back to back; empty when there is nothing to return. */
  readonly data: Buffer;
  /** Base offset of the first batch (it may lie before the offset asked for). */
  readonly firstOffset: number;
  /** One past the last returned record; the offset asked for when data is empty. */
  readonly nextOffset: number;
}

export interface TimestampLookup {
  readonly offset: number;
  readonly timestamp: number;
}

const EMPTY = Buffer.alloc(0);

export class PartitionLog {
  private config: LogConfig;
  private segments: Segment[];
  private startOffset: number;
  private endOffset: number;
  private writtenEnd: number;
  private durableEnd: number;
  private readonly writer: LogWriter;
  private readonly durableListeners = new Set<(durableEndOffset: number) => void>();
  private truncating = false;
  private closed = false;
  private damageRecord: DamageRecord | undefined;

  private constructor(
    private readonly options: PartitionLogOptions,
    config: LogConfig,
    segments: Segment[],
    logStartOffset: number,
  ) {
    this.config = config;
    this.segments = segments;
    this.startOffset = logStartOffset;
    this.endOffset = this.active.nextOffset;
    this.writtenEnd = this.endOffset;
    this.durableEnd = this.endOffset;
    this.writer = new LogWriter({
      description: `partition log ${options.directory}`,
      onWritten: (nextOffset) => {
        this.writtenEnd = Math.max(this.writtenEnd, nextOffset);
      },
      writtenEndOffset: () => this.writtenEnd,
      syncWritten: () => this.syncWritten(),
      onFailure: (error) => options.logger.error({ err: error }, 'partition log failed'),
    });
  }

  /**
   * Opens (or creates) the log in `options.directory` and recovers it: a torn tail left by a
   * crash is cut, damaged indexes are rebuilt (see recovery.ts). After open everything in the
   * log is durable: durableEndOffset === logEndOffset.
   */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const config = resolveLogConfig(options.config);
    const recovered = await recoverLog({
      ...options,
      indexIntervalBytes: config.indexIntervalBytes,
    });
    const log = new PartitionLog(options, config, recovered.segments, recovered.logStartOffset);
    log.damageRecord = recovered.damage;
    options.logger.debug(
      { logStartOffset: log.startOffset, logEndOffset: log.endOffset, segments: log.segmentCount },
      'partition log opened',
    );
    return log;
  }

  // ---- state (synchronous) ----

  /**
   * What this directory is known to have lost (damage-marker.ts): found by recovery at this
   * open or at an earlier one, or recorded by the owner (`recordDamage`); undefined: nothing.
   */
  get damage(): DamageRecord | undefined {
    return this.damageRecord;
  }

  /** Adds `record` to the damage marker, durably (before the caller acts on the loss). */
  async recordDamage(record: DamageRecord): Promise<void> {
    const merged = mergeDamage(this.damageRecord, record);
    await writeDamageMarker(this.options.fs, this.options.directory, merged);
    this.damageRecord = merged;
  }

  /** Forgets the damage (the owner has repaired it), durably. */
  async clearDamage(): Promise<void> {
    if (this.damageRecord === undefined) return;
    await removeDamageMarker(this.options.fs, this.options.directory);
    this.damageRecord = undefined;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** The offset the next appended record gets. */
  get logEndOffset(): number {
    return this.endOffset;
  }

  /** Everything below this offset has been fsynced. */
  get durableEndOffset(): number {
    return this.durableEnd;
  }

  /** Everything below this offset has been written (reads see it; it may not be durable). */
  get writtenEndOffset(): number {
    return this.writtenEnd;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Base offsets of the segments, oldest first (for tests and diagnostics). */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((segment) => segment.baseOffset);
  }

  get currentConfig(): LogConfig {
    return this.config;
  }

  /** Applies config changes from now on (the next roll, retention run, index entry). */
  updateConfig(overrides: Partial<LogConfig>): void {
    this.config = resolveLogConfig(overrides, this.config);
  }

  /**
   * Calls `listener` whenever durableEndOffset changes: it grows after fsyncs, and drops only
   * when truncateSuffix cuts below it. Returns the function that unsubscribes.
   */
  onDurable(listener: (durableEndOffset: number) => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /**
   * The term (partition leader epoch) of the batch holding `offset`, from memory; undefined
   * outside [logStartOffset, logEndOffset). Example: segments [0..9] term 1, [10..30] term 3:
   * termAt(10) is 3, termAt(31) is undefined.
   */
  termAt(offset: number): number | undefined {
    if (offset < this.startOffset || offset >= this.endOffset) return undefined;
    return this.segmentFor(offset)?.term;
  }

  /**
   * The term of the last batch, undefined while the log is empty (logStartOffset ===
   * logEndOffset, even if a segment still holds batches below the log start).
   */
  lastTerm(): number | undefined {
    return this.termAt(this.endOffset - 1);
  }

  // ---- appending ----

  /**
   * Appends ONE whole batch that passed `checkBatch`. The log takes the buffer (it rewrites the
   * base offset and epoch in place when assigning offsets) until the promise settles.
   * Offsets are assigned before this returns, so `append(a); append(b)` puts a before b.
   * Resolves once the bytes are written (not yet durable: see `flush`). Example: on an empty
   * log, appending a 3-record batch then a 2-record batch gives [0..2] then [3..4].
   */
  append(batch: Uint8Array, options: AppendOptions = {}): Promise<AppendResult> {
    const failure = this.checkWritable();
    if (failure !== undefined) return Promise.reject(failure);
    const header = this.prepareBatch(batch, options);
    let segment = this.active;
    if (this.shouldRoll(segment, header, batch.length)) segment = this.roll(header.baseOffset);
    const reservation = segment.reserve(header, batch.length, this.config.indexIntervalBytes);
    this.endOffset = lastOffsetOf(header) + 1;
    const result: AppendResult = {
      baseOffset: header.baseOffset,
      lastOffset: lastOffsetOf(header),
      maxTimestamp: header.maxTimestamp,
      positionBytes: reservation.position,
    };
    return this.writer.write(segment, batch, reservation, this.endOffset).then(() => result);
  }

  /** Assigns offsets (or checks the follower's), returning the header as it will be stored. */
  private prepareBatch(batch: Uint8Array, options: AppendOptions): BatchHeader {
    const header = readBatchHeader(batch, 0);
    assert(batchSizeOf(header) === batch.length, 'append takes exactly one whole batch');
    if (options.assignOffsets === false) {
      assert(
        header.baseOffset === this.endOffset,
        `follower batch at ${header.baseOffset}, log end is ${this.endOffset}`,
      );
      return header;
    }
    setBaseOffset(batch, 0, this.endOffset);
    if (options.term !== undefined) setPartitionLeaderEpoch(batch, 0, options.term);
    return {
      ...header,
      baseOffset: this.endOffset,
      partitionLeaderEpoch: options.term ?? header.partitionLeaderEpoch,
    };
  }

  private shouldRoll(active: Segment, header: BatchHeader, sizeBytes: number): boolean {
    if (active.isEmpty) return false;
    return (
      active.sizeBytes + sizeBytes > this.config.segmentBytes ||
      this.options.clock.monotonicMs() - active.createdAtMs >= this.config.segmentMs ||
      header.partitionLeaderEpoch !== active.term ||
      lastOffsetOf(header) - active.baseOffset > RELATIVE_OFFSET_MAX
    );
  }

  /**
   * Starts a new active segment at `baseOffset`, synchronously in memory; the queued task
   * seals (fsyncs) the previous one before creating the new files, so a segment that is not
   * the last on disk is always complete and durable (recovery relies on it).
   */
  private roll(baseOffset: number): Segment {
    const previous = this.active;
    const segment = new Segment(
      this.options.directory,
      baseOffset,
      this.options.clock.monotonicMs(),
    );
    this.segments.push(segment);
    this.options.logger.debug({ baseOffset, previousBytes: previous.sizeBytes }, 'rolling segment');
    this.writer
      .run(async () => {
        await previous.seal();
        this.advanceDurable(previous.nextOffset);
        await segment.createFiles(this.options.fs);
        await this.options.fs.syncDirectory(this.options.directory);
      })
      .catch(() => undefined); // The writer records the failure; the next write reports it.
    return segment;
  }

  /**
   * GROUP COMMIT: resolves with durableEndOffset once everything appended before the call is
   * fsynced. All callers waiting when an fsync starts share it; callers arriving during an
   * fsync share the next one. Example: 100 appends each followed by flush(), issued together,
   * cost one or two fsyncs, not 100.
   */
  flush(): Promise<number> {
    const failure = this.writer.failure;
    if (failure !== undefined) return Promise.reject(failure);
    if (this.durableEnd >= this.endOffset) return Promise.resolve(this.durableEnd);
    return this.writer.flush(this.endOffset);
  }

  /** Runs inside the writer: fsyncs the segments with unsynced bytes. */
  private async syncWritten(): Promise<number> {
    const target = this.writtenEnd;
    for (const segment of this.segments) {
      if (segment.hasUnsyncedBytes) await segment.sync();
    }
    this.advanceDurable(target);
    return this.durableEnd;
  }

  private advanceDurable(offset: number): void {
    const next = Math.min(Math.max(this.durableEnd, offset), this.writtenEnd);
    this.setDurable(next);
  }

  private setDurable(offset: number): void {
    if (offset === this.durableEnd) return;
    this.durableEnd = offset;
    for (const listener of this.durableListeners) {
      try {
        listener(offset);
      } catch (error) {
        this.options.logger.error({ err: error }, 'durable-offset listener threw');
      }
    }
  }

  // ---- reading ----

  /**
   * Whole batches starting with the one that holds `fromOffset`, at most `maxBytes` except that
   * the first batch is always returned whole, and only batches that end below `upToOffset`
   * (exclusive; default: the written end). Example: batches [0..4][5..9][10..14] of 100 bytes
   * each; read(7, 150) returns [5..9] (firstOffset 5, nextOffset 10); read(7, 250) returns
   * [5..9][10..14]; read(7, 250, 10) returns [5..9]; read(15, 100) returns no data.
   * Throws OFFSET_OUT_OF_RANGE when fromOffset < logStartOffset or > logEndOffset.
   */
  async read(fromOffset: number, maxBytes: number, upToOffset?: number): Promise<ReadResult> {
    this.checkReadable(fromOffset);
    const limit = Math.min(upToOffset ?? Number.POSITIVE_INFINITY, this.writtenEnd);
    const empty = { data: EMPTY, firstOffset: fromOffset, nextOffset: fromOffset };
    if (fromOffset >= limit) return empty;
    const pieces: Buffer[] = [];
    let firstOffset: number | undefined;
    let offset = fromOffset;
    let remaining = maxBytes;
    for (;;) {
      const segment = this.segmentFor(offset);
      if (segment === undefined) break;
      const range = await segment.read({
        fromOffset: offset,
        maxBytes: remaining,
        upToOffset: limit,
        mustReturnOne: pieces.length === 0,
        slackBytes: this.config.indexIntervalBytes + BATCH_HEADER_BYTES,
      });
      if (range === undefined) break;
      pieces.push(range.data);
      firstOffset ??= range.firstOffset;
      offset = range.nextOffset;
      remaining -= range.data.length;
      // Go on into the next segment only when this one was read to its end.
      if (remaining <= 0 || offset >= limit || offset < segment.nextOffset) break;
    }
    if (firstOffset === undefined) return empty;
    const data = pieces.length === 1 ? (pieces[0] ?? EMPTY) : Buffer.concat(pieces);
    return { data, firstOffset, nextOffset: offset };
  }

  /**
   * Kafka's ListOffsets by timestamp: the first offset (>= logStartOffset) whose record
   * timestamp is >= `timestampMs`, with that record's timestamp; undefined when no written
   * record is that recent. Segments and batches are skipped by their max timestamps; the one
   * batch found is decoded to pick the exact record. Example: records 0..9 at times 100..109
   * in two batches [0..4][5..9]: offsetForTimestamp(103) is { offset: 3, timestamp: 103 }
   * (found inside the first batch); offsetForTimestamp(110) is undefined.
   */
  async offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | undefined> {
    this.checkReadable(this.startOffset);
    let offset = this.startOffset;
    while (offset < this.writtenEnd) {
      const segment = this.segmentFor(offset);
      if (segment === undefined) return undefined;
      const found = await segment.readBatchByTimestamp(timestampMs, offset);
      if (found === undefined) {
        offset = segment.nextOffset;
        continue;
      }
      const { records } = await decodeBatch(found.bytes);
      const record = records.find((r) => r.offset >= offset && r.timestamp >= timestampMs);
      if (record !== undefined) return { offset: record.offset, timestamp: record.timestamp };
      offset = lastOffsetOf(found.header) + 1;
    }
    return undefined;
  }

  // ---- truncation and retention ----

  /**
   * Removes every batch at or after `offset` (Raft: a follower's conflicting suffix) and makes
   * the cut durable before resolving. `offset` must be a batch boundary (or logEndOffset) at or
   * after logStartOffset. Example: on [10..10][11..30][31..40], truncateSuffix(31) leaves
   * [10..10][11..30]; truncateSuffix(20) is forbidden (mid-batch). Waits for writes in flight;
   * no append may be issued until it resolves.
   */
  async truncateSuffix(offset: number): Promise<void> {
    const failure = this.checkWritable();
    if (failure !== undefined) throw failure;
    assert(offset >= this.startOffset, `truncateSuffix(${offset}) below the log start`);
    assert(offset <= this.endOffset, `truncateSuffix(${offset}) beyond the log end`);
    if (offset === this.endOffset) return;
    this.truncating = true;
    try {
      await this.writer.run(() => this.truncateSuffixNow(offset));
    } finally {
      this.truncating = false;
    }
  }

  /** Runs inside the writer, so every earlier write has landed. */
  private async truncateSuffixNow(offset: number): Promise<void> {
    let keep = 0;
    while ((this.segments[keep + 1]?.baseOffset ?? Number.POSITIVE_INFINITY) < offset) keep += 1;
    const removed = this.segments.splice(keep + 1);
    const kept = this.active;
    this.endOffset = offset;
    this.writtenEnd = offset;
    if (this.durableEnd > offset) this.setDurable(offset);
    // Newest first, so that a crash in the middle leaves a contiguous log.
    for (const segment of removed.reverse()) await segment.removeFiles(this.options.fs);
    if (removed.length > 0) await this.options.fs.syncDirectory(this.options.directory);
    await kept.truncateTo(offset, this.config.indexIntervalBytes);
    // The kept segment was fsynced after the cut and the ones before it are sealed.
    this.setDurable(offset);
    this.options.logger.info({ offset, removedSegments: removed.length }, 'log suffix truncated');
  }

  /**
   * Raises logStartOffset to `offset` (Kafka DeleteRecords, a Raft snapshot) and deletes the
   * segments entirely below it. A start inside a segment is checkpointed to survive restarts.
   * When `offset` is at or past logEndOffset the log restarts empty at `offset`. Examples: on
   * [0..9][10..19][20..29], truncatePrefix(15) deletes [0..9], logStartOffset 15;
   * truncatePrefix(50) leaves an empty log with logStartOffset = logEndOffset = 50.
   */
  async truncatePrefix(offset: number): Promise<void> {
    const failure = this.checkWritable();
    if (failure !== undefined) throw failure;
    if (offset <= this.startOffset) return;
    if (offset > this.endOffset || (offset === this.endOffset && !this.active.isEmpty)) {
      await this.restartAt(offset);
      return;
    }
    this.startOffset = offset;
    let count = 0;
    while (count < this.segments.length - 1 && (this.segments[count]?.nextOffset ?? 0) <= offset) {
      count += 1;
    }
    const removed = this.segments.splice(0, count);
    const first = this.segments[0];
    await this.writer.run(async () => {
      // The checkpoint goes first: then a crash cannot bring the deleted records back.
      if (first === undefined || first.baseOffset !== offset) {
        await writeLogStartCheckpoint(this.options.fs, this.options.directory, offset);
      }
      await this.removeSegments(removed);
    });
  }

  /**
   * Discards the whole log and restarts it empty at `offset`, which may lie below the current
   * start (a replica whose snapshot was damaged starts over from nothing). Example: on
   * [10..19][20..29], restartEmpty(0) leaves an empty log with logStartOffset = logEndOffset = 0.
   */
  async restartEmpty(offset: number): Promise<void> {
    const failure = this.checkWritable();
    if (failure !== undefined) throw failure;
    assert(Number.isSafeInteger(offset) && offset >= 0, `restart at ${offset}`);
    const removed = this.segments;
    const fresh = new Segment(this.options.directory, offset, this.options.clock.monotonicMs());
    this.segments = [fresh];
    this.startOffset = offset;
    this.endOffset = offset;
    this.writtenEnd = offset;
    this.durableEnd = offset;
    await this.writer.run(async () => {
      // Old segments go before the fresh one is created: one of them may bear its name. A crash
      // in between leaves no segment, or some of the old ones (newest removed first).
      await writeLogStartCheckpoint(this.options.fs, this.options.directory, offset);
      for (const segment of [...removed].reverse()) await segment.removeFiles(this.options.fs);
      await this.options.fs.syncDirectory(this.options.directory);
      await fresh.createFiles(this.options.fs);
      await this.options.fs.syncDirectory(this.options.directory);
    });
    this.options.logger.warn({ offset }, 'log discarded and restarted empty');
  }

  /** Replaces every segment with one empty segment at `offset` (checkpoint first). */
  private async restartAt(offset: number): Promise<void> {
    const removed = this.segments;
    const fresh = new Segment(this.options.directory, offset, this.options.clock.monotonicMs());
    this.segments = [fresh];
    this.startOffset = offset;
    this.endOffset = offset;
    this.writtenEnd = offset;
    await this.writer.run(async () => {
      await writeLogStartCheckpoint(this.options.fs, this.options.directory, offset);
      await fresh.createFiles(this.options.fs);
      await this.options.fs.syncDirectory(this.options.directory);
      await this.removeSegments(removed);
      this.setDurable(Math.max(this.durableEnd, offset));
    });
    this.options.logger.info({ offset }, 'log restarted empty at a new start offset');
  }

  /**
   * Deletes whole segments, oldest first, never the active one (as Kafka): those whose max
   * timestamp is older than now - retentionMs, then while the log minus the oldest segment is
   * still at least retentionBytes. Only segments that end at or below `upToOffset` (default:
   * no bound) go, so a caller can protect data not yet committed or snapshotted.
   */
  async applyRetention(
    options: { upToOffset?: number } = {},
  ): Promise<{ deletedSegments: number }> {
    const failure = this.checkWritable();
    if (failure !== undefined) throw failure;
    const count = segmentsToDelete(this.segments, {
      retentionMs: this.config.retentionMs,
      retentionBytes: this.config.retentionBytes,
      nowMs: this.options.clock.nowMs(),
      upToOffset: options.upToOffset ?? Number.POSITIVE_INFINITY,
    });
    if (count === 0) return { deletedSegments: 0 };
    const removed = this.segments.splice(0, count);
    this.startOffset = Math.max(this.startOffset, this.segments[0]?.baseOffset ?? 0);
    await this.writer.run(() => this.removeSegments(removed));
    this.options.logger.info(
      { deletedSegments: count, logStartOffset: this.startOffset },
      'retention deleted segments',
    );
    return { deletedSegments: count };
  }

  /**
   * Where retention would start the log now, without deleting anything: the base offset of the
   * first segment `applyRetention({ upToOffset })` would keep, or null when it would delete
   * none. A Raft replica compacts up to it instead (its followers then learn the new start).
   * Example: segments [0..9][10..19][20..29] all expired, upToOffset 20: 20.
   */
  retentionPoint(options: { upToOffset?: number } = {}): number | null {
    const count = segmentsToDelete(this.segments, {
      retentionMs: this.config.retentionMs,
      retentionBytes: this.config.retentionBytes,
      nowMs: this.options.clock.nowMs(),
      upToOffset: options.upToOffset ?? Number.POSITIVE_INFINITY,
    });
    if (count === 0) return null;
    const first = this.segments[count];
    return first === undefined ? null : Math.max(first.baseOffset, this.startOffset);
  }

  private async removeSegments(segments: readonly Segment[]): Promise<void> {
    if (segments.length === 0) return;
    for (const segment of segments) await segment.removeFiles(this.options.fs);
    await this.options.fs.syncDirectory(this.options.directory);
  }

  // ---- closing ----

  /** Waits for writes, flushes, closes every file. The log cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.writer.failure === undefined) {
        await this.writer.idle();
        if (this.durableEnd < this.endOffset) await this.writer.flush(this.endOffset);
      }
    } finally {
      for (const segment of this.segments) await segment.close().catch(() => undefined);
    }
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    await this.close().catch(() => undefined);
    await this.options.fs.removeTree(this.options.directory);
    await this.options.fs.syncDirectory(posix.dirname(this.options.directory));
  }

  // ---- helpers ----

  private get active(): Segment {
    const segment = this.segments[this.segments.length - 1];
    assert(segment !== undefined, 'a partition log always has a segment');
    return segment;
  }

  /** The segment whose base is the largest at or below `offset`. */
  private segmentFor(offset: number): Segment | undefined {
    let low = 0;
    let high = this.segments.length - 1;
    let found: Segment | undefined;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const segment = this.segments[middle];
      if (segment === undefined) break;
      if (segment.baseOffset <= offset) {
        found = segment;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  private checkWritable(): BrookError | undefined {
    assert(!this.closed, 'the partition log is closed');
    assert(!this.truncating, 'no appends or cuts while truncateSuffix runs');
    return this.writer.failure;
  }

  private checkReadable(fromOffset: number): void {
    assert(!this.closed, 'the partition log is closed');
    const failure = this.writer.failure;
    if (failure !== undefined) throw failure;
    if (fromOffset < this.startOffset || fromOffset > this.endOffset) {
      throw new BrookError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${fromOffset} is outside the log [${this.startOffset}, ${this.endOffset})`,
        {
          details: {
            'log-start-offset': String(this.startOffset),
            'log-end-offset': String(this.endOffset),
          },
        },
      );
    }
  }
}
