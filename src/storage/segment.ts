/**
 * One segment of a partition log: `<base>.log` (batches back to back) with its sparse
 * `<base>.index` (offset → position) and `<base>.timeindex` (max timestamp → offset), named
 * by the 20-digit zero-padded base offset as in Kafka (`00000000000000000000.log`).
 *
 * Invariants:
 * - batches are contiguous: each one's base offset is the previous one's last offset + 1, the
 *   first one's is `baseOffset`; all carry the same partition leader epoch (`term`), since a
 *   segment never spans two terms (ARCHITECTURE.md, decision 2);
 * - `writtenBytes <= sizeBytes`: `reserve` accounts for a batch at once (offsets, indexes,
 *   size), the bytes land later through `writeLog`; readers see only `writtenBytes`;
 * - indexes are derived: `rescan` rebuilds whatever it cannot confirm against the log.
 *
 * Must not: decide when to roll, sync or delete (PartitionLog does), or issue overlapping
 * writes (the log's write queue serializes them).
 */
import { posix } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { lastOffsetOf } from '../protocol/record-batch.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import { assert } from '../util/assert.js';
import { isNotFound } from '../util/ports.js';
import type { FileHandle, FileSystem } from '../util/ports.js';
import { readAt, scanBatches } from './batch-scan.js';
import type { ScanMode, ScanStop, ScannedBatch, VisitResult } from './batch-scan.js';
import { OffsetIndex, RELATIVE_OFFSET_MAX } from './offset-index.js';
import { readBatchRange } from './segment-read.js';
import { verifySegmentLog } from './segment-verify.js';
import type { VerifiedBatch, VerifyResult } from './segment-verify.js';
import type { BatchRange } from './segment-read.js';
import { TimeIndex } from './time-index.js';
import type { TimeIndexEntry } from './time-index.js';

export const LOG_SUFFIX = '.log';
export const OFFSET_INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
const SEGMENT_NAME = /^(\d{20})\.(log|index|timeindex)$/;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix;
}

/** `{ baseOffset, suffix }` for a segment file name, undefined for any other name. */
export function parseSegmentFileName(
  name: string,
): { baseOffset: number; suffix: string } | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  const baseOffset = Number(match[1]);
  return Number.isSafeInteger(baseOffset) ? { baseOffset, suffix: `.${match[2]}` } : undefined;
}

interface SegmentFiles {
  readonly log: FileHandle;
  readonly offsetIndex: FileHandle;
  readonly timeIndex: FileHandle;
}

/** Where `reserve` put a batch, and the index entries to persist once it is written. */
export interface Reservation {
  readonly position: number;
  readonly offsetEntries: number;
  readonly timeEntries: number;
}

export interface RescanOptions {
  readonly mode: ScanMode;
  /** Scan up to here (the file size in recovery). */
  readonly endPosition: number;
  /** Stop before the batch with this base offset (truncation). */
  readonly stopAtOffset?: number;
}

export interface RescanResult {
  /** End of the valid batches: the segment's new size. */
  readonly position: number;
  readonly reason: ScanStop['reason'] | 'outOfSequence' | 'midBatch';
  readonly detail?: string;
}

interface RescanState {
  readonly options: RescanOptions;
  readonly indexIntervalBytes: number;
  expected: number;
  /** The last time index entry, until the walk reaches its batch. */
  seeking: TimeIndexEntry | undefined;
  stop: RescanResult['reason'] | undefined;
}

export interface FoundBatch extends ScannedBatch {
  readonly bytes: Buffer;
}

export interface SegmentReadRequest {
  readonly fromOffset: number;
  readonly maxBytes: number;
  readonly upToOffset: number;
  readonly mustReturnOne: boolean;
  readonly slackBytes: number;
}

export class Segment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  readonly logPath: string;
  private files: SegmentFiles | undefined;
  private next: number;
  private size = 0;
  private written = 0;
  private synced = 0;
  private maxTimestampSoFar = Number.NEGATIVE_INFINITY;
  private lastBatchBase: number | undefined;
  private termOfBatches: number | undefined;
  private bytesSinceOffsetEntry = 0;
  private bytesSinceTimeEntry = 0;
  private readonly reads = new Set<Promise<unknown>>();

  constructor(
    readonly directory: string,
    readonly baseOffset: number,
    /** Monotonic clock time of creation (or of loading), for roll by age. */
    readonly createdAtMs: number,
  ) {
    this.offsetIndex = new OffsetIndex(baseOffset);
    this.timeIndex = new TimeIndex(baseOffset);
    this.logPath = this.pathOf(LOG_SUFFIX);
    this.next = baseOffset;
  }

  pathOf(suffix: string): string {
    return posix.join(this.directory, segmentFileName(this.baseOffset, suffix));
  }

  /** One past the last reserved record. */
  get nextOffset(): number {
    return this.next;
  }

  get sizeBytes(): number {
    return this.size;
  }

  get writtenBytes(): number {
    return this.written;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** The partition leader epoch of the batches; undefined while empty. */
  get term(): number | undefined {
    return this.termOfBatches;
  }

  /** Largest batch max timestamp, -1 while empty (Kafka's "no timestamp"). */
  get maxTimestamp(): number {
    return this.isEmpty ? -1 : this.maxTimestampSoFar;
  }

  get hasUnsyncedBytes(): boolean {
    return this.synced < this.written;
  }

  // ---- files ----

  /** Creates empty files for a new segment (emptying leftovers of the same name). */
  async createFiles(fs: FileSystem): Promise<void> {
    // Appends may already have reserved space in it (the roll is queued); none has written.
    assert(this.files === undefined && this.written === 0, 'createFiles on a used segment');
    this.files = await this.openAll(fs, 'create');
    await this.files.log.truncate(0);
    await this.files.offsetIndex.truncate(0);
    await this.files.timeIndex.truncate(0);
  }

  /** Opens the files of an existing segment; returns the log and index file images' sizes. */
  async openFiles(fs: FileSystem): Promise<{ logBytes: number }> {
    assert(this.files === undefined, 'openFiles twice');
    this.files = await this.openAll(fs, 'readWrite');
    return { logBytes: await this.files.log.size() };
  }

  private async openAll(fs: FileSystem, logMode: 'create' | 'readWrite'): Promise<SegmentFiles> {
    const log = await fs.open(this.logPath, logMode);
    const offsetIndex = await fs.open(this.pathOf(OFFSET_INDEX_SUFFIX), 'create');
    const timeIndex = await fs.open(this.pathOf(TIME_INDEX_SUFFIX), 'create');
    return { log, offsetIndex, timeIndex };
  }

  private requireFiles(): SegmentFiles {
    assert(this.files !== undefined, `segment ${this.logPath} has no open files`);
    return this.files;
  }

  /**
   * The full check of the log file's first `endPosition` bytes (segment-verify.ts); `batches`
   * receives the valid batches by base offset.
   */
  verify(endPosition: number, batches?: Map<number, VerifiedBatch>): Promise<VerifyResult> {
    return verifySegmentLog(this.requireFiles().log, this.baseOffset, endPosition, batches);
  }

  /** The current index file images (for loading at recovery). */
  async readIndexImages(): Promise<{ offsetIndex: Uint8Array; timeIndex: Uint8Array }> {
    const files = this.requireFiles();
    const read = async (handle: FileHandle): Promise<Uint8Array> =>
      readAt(handle, 0, await handle.size());
    return { offsetIndex: await read(files.offsetIndex), timeIndex: await read(files.timeIndex) };
  }

  // ---- appending ----

  /**
   * Accounts for one batch at the end, synchronously: offsets, size, timestamps, index
   * entries. The caller then writes the bytes at the returned position through `writeLog`.
   */
  reserve(header: BatchHeader, sizeBytes: number, indexIntervalBytes: number): Reservation {
    assert(header.baseOffset === this.next, `batch ${header.baseOffset} at ${this.next}`);
    assert(
      this.termOfBatches === undefined || header.partitionLeaderEpoch === this.termOfBatches,
      `term ${header.partitionLeaderEpoch} in a segment of term ${this.termOfBatches}`,
    );
    assert(lastOffsetOf(header) - this.baseOffset <= RELATIVE_OFFSET_MAX, 'segment offset span');
    const position = this.size;
    this.account(header, position, sizeBytes, indexIntervalBytes);
    return { position, offsetEntries: this.offsetIndex.count, timeEntries: this.timeIndex.count };
  }

  /** Applies one batch to the in-memory state (shared by reserve and rescan). */
  private account(header: BatchHeader, position: number, size: number, interval: number): void {
    if (this.bytesSinceOffsetEntry >= interval && position > 0) {
      this.offsetIndex.append(header.baseOffset, position);
      this.bytesSinceOffsetEntry = 0;
    }
    if (header.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = header.maxTimestamp;
      if (this.timeIndex.count === 0 || this.bytesSinceTimeEntry >= interval) {
        this.timeIndex.append(header.maxTimestamp, header.baseOffset);
        this.bytesSinceTimeEntry = 0;
      }
    }
    this.bytesSinceOffsetEntry += size;
    this.bytesSinceTimeEntry += size;
    this.termOfBatches = header.partitionLeaderEpoch;
    this.lastBatchBase = header.baseOffset;
    this.next = lastOffsetOf(header) + 1;
    this.size = position + size;
  }

  /** Writes reserved bytes, then the index entries reserved with them. */
  async writeLog(bytes: Uint8Array, position: number, reservation: Reservation): Promise<void> {
    const files = this.requireFiles();
    assert(position === this.written, `write at ${position}, written up to ${this.written}`);
    await files.log.write(bytes, position);
    this.written = position + bytes.length;
    await this.persistIndexes(reservation.offsetEntries, reservation.timeEntries);
  }

  /**
   * Writes index entries up to the given counts; an index file that had to be cut is fsynced
   * (see IndexEntries.persistTo: otherwise stale entries could come back after a crash).
   */
  private async persistIndexes(offsetEntries?: number, timeEntries?: number): Promise<void> {
    const files = this.requireFiles();
    if (await this.offsetIndex.entries.persistTo(files.offsetIndex, offsetEntries)) {
      await files.offsetIndex.sync();
    }
    if (await this.timeIndex.entries.persistTo(files.timeIndex, timeEntries)) {
      await files.timeIndex.sync();
    }
  }

  /** fdatasync of the log file (index files are derived and not synced here). */
  async sync(): Promise<void> {
    const target = this.written;
    await this.requireFiles().log.sync();
    this.synced = Math.max(this.synced, target);
  }

  /**
   * Called when the segment stops being the active one: adds the closing time index entry
   * (max timestamp → last batch, so loading it later needs no scan), persists and syncs all
   * three files. After this the segment is immutable and fully durable.
   */
  async seal(): Promise<void> {
    const files = this.requireFiles();
    assert(this.written === this.size, 'seal with writes in flight');
    const lastEntry = this.timeIndex.last();
    if (this.lastBatchBase !== undefined && (lastEntry?.offset ?? -1) < this.lastBatchBase) {
      this.timeIndex.append(this.maxTimestampSoFar, this.lastBatchBase);
    }
    await this.persistIndexes();
    await files.log.sync();
    this.synced = this.written;
    await files.offsetIndex.sync();
    await files.timeIndex.sync();
  }

  // ---- recovery and truncation ----

  /**
   * Rebuilds the in-memory state from the log, trusting the indexes only as far as the log
   * confirms them: it resumes at the batch of the last time index entry (whose state is known
   * exactly, see time-index.ts), dropping index entries that do not match the log, and walks
   * to `endPosition` in `mode`, re-deriving index entries as `reserve` would. It stops at the
   * first batch that is torn, corrupt or out of sequence (wrong base offset or term).
   */
  async rescan(options: RescanOptions, indexIntervalBytes: number): Promise<RescanResult> {
    for (;;) {
      const result = await this.rescanOnce(options, indexIntervalBytes);
      if (result !== 'retry') return result;
    }
  }

  private async rescanOnce(
    options: RescanOptions,
    indexIntervalBytes: number,
  ): Promise<RescanResult | 'retry'> {
    const files = this.requireFiles();
    const resume = this.timeIndex.last();
    const floor = resume === undefined ? undefined : this.offsetIndex.floor(resume.offset);
    if (resume === undefined) this.offsetIndex.entries.truncate(0);
    this.resetState();
    const state: RescanState = {
      options,
      indexIntervalBytes,
      expected: floor?.offset ?? this.baseOffset,
      seeking: resume,
      stop: undefined,
    };
    const start = floor?.position ?? 0;
    const scan = await scanBatches(files.log, start, options.endPosition, options.mode, (batch) =>
      this.visitRescan(state, batch),
    );
    if (resume !== undefined && state.seeking !== undefined) {
      // The walk never reached the batch of the last time entry: one of the two index entries
      // it relied on is wrong (or points past a torn tail). Drop it and try again.
      if (floor !== undefined && scan.position === floor.position) {
        this.offsetIndex.truncateToOffset(floor.offset);
      } else {
        this.timeIndex.truncateToOffset(resume.offset);
      }
      return 'retry';
    }
    this.written = this.size;
    this.synced = Math.min(this.synced, this.size);
    const reason = state.stop ?? scan.reason;
    return scan.detail === undefined
      ? { position: this.size, reason }
      : { position: this.size, reason, detail: scan.detail };
  }

  private visitRescan(state: RescanState, batch: ScannedBatch): VisitResult {
    const { header } = batch;
    const term = this.termOfBatches;
    if (
      header.baseOffset !== state.expected ||
      (term !== undefined && header.partitionLeaderEpoch !== term)
    ) {
      state.stop = 'outOfSequence';
      return 'stopBefore';
    }
    const stopAt = state.options.stopAtOffset;
    if (stopAt !== undefined && lastOffsetOf(header) >= stopAt) {
      state.stop = header.baseOffset === stopAt ? 'stopped' : 'midBatch';
      return 'stopBefore';
    }
    state.expected = lastOffsetOf(header) + 1;
    this.termOfBatches = header.partitionLeaderEpoch;
    const seeking = state.seeking;
    if (seeking !== undefined) {
      if (lastOffsetOf(header) < seeking.offset) return 'continue';
      if (header.baseOffset !== seeking.offset || !timestampFits(header, seeking, state)) {
        return 'stopBefore';
      }
      this.resumeAt(batch, seeking);
      state.seeking = undefined;
      return 'continue';
    }
    this.account(header, batch.position, batch.size, state.indexIntervalBytes);
    return 'continue';
  }

  /** State right after the batch of time entry (T, O): by invariant I the max so far is T. */
  private resumeAt(batch: ScannedBatch, entry: TimeIndexEntry): void {
    // Keep only entries up to this batch, by offset and by position: whatever lies beyond was
    // not confirmed by the walk (it may be a torn tail) and is re-derived from here on.
    this.offsetIndex.truncateToPosition(batch.position + 1);
    this.offsetIndex.truncateToOffset(entry.offset + 1);
    this.timeIndex.truncateToOffset(entry.offset + 1);
    this.maxTimestampSoFar = entry.timestamp;
    this.lastBatchBase = batch.header.baseOffset;
    this.next = lastOffsetOf(batch.header) + 1;
    this.size = batch.position + batch.size;
    this.bytesSinceOffsetEntry = this.size - (this.offsetIndex.last()?.position ?? 0);
    this.bytesSinceTimeEntry = batch.size;
  }

  private resetState(): void {
    this.next = this.baseOffset;
    this.size = 0;
    this.maxTimestampSoFar = Number.NEGATIVE_INFINITY;
    this.lastBatchBase = undefined;
    this.termOfBatches = undefined;
    this.bytesSinceOffsetEntry = 0;
    this.bytesSinceTimeEntry = 0;
  }

  /**
   * Cuts the log file at the rescanned size (when the file, of `fileBytes`, is longer) and
   * brings the index files in line with the in-memory indexes.
   */
  async cutToSize(fileBytes?: number): Promise<void> {
    const files = this.requireFiles();
    if (fileBytes === undefined || this.size < fileBytes) await files.log.truncate(this.size);
    await this.persistIndexes();
  }

  /** Records that every written byte is durable (a sealed segment found at recovery). */
  markDurable(): void {
    this.synced = this.written;
  }

  /**
   * Removes the batches at and after `offset`, which must be a batch boundary in this
   * segment, and makes the cut durable. Example: batches [10..19][20..29][30..39];
   * truncateTo(20) leaves [10..19]; truncateTo(25) is a programmer error.
   */
  async truncateTo(offset: number, indexIntervalBytes: number): Promise<void> {
    assert(this.written === this.size, 'truncate with writes in flight');
    assert(offset >= this.baseOffset, `truncate ${this.logPath} below its base to ${offset}`);
    if (offset >= this.next) return;
    this.offsetIndex.truncateToOffset(offset);
    this.timeIndex.truncateToOffset(offset);
    const endPosition = this.written;
    const result = await this.rescan(
      { mode: 'headers', endPosition, stopAtOffset: offset },
      indexIntervalBytes,
    );
    assert(result.reason !== 'midBatch', `truncate at ${offset}: not a batch boundary`);
    if (result.reason !== 'stopped') {
      throw new BrookError(
        'STORAGE_ERROR',
        `segment ${this.logPath} is damaged at position ${result.position}: ${result.reason}`,
      );
    }
    // Readers that started before the cut may still be reading the bytes being removed.
    await this.whenNoReaders();
    await this.cutToSize();
    await this.requireFiles().log.sync();
    this.synced = this.size;
  }

  // ---- reading ----

  /** Whole batches from the one holding `fromOffset`; see segment-read.ts. */
  read(request: SegmentReadRequest): Promise<BatchRange | undefined> {
    // Everything up to the registration runs synchronously, so a caller that picked this
    // segment from the log's list in the same tick is registered before any removal.
    const handle = this.requireFiles().log;
    const startPosition = this.offsetIndex.floor(request.fromOffset)?.position ?? 0;
    const limitPosition = this.written;
    return this.track(() =>
      readBatchRange({ ...request, handle, startPosition, limitPosition, path: this.logPath }),
    );
  }

  /**
   * The first written batch with maxTimestamp >= target and lastOffset >= minOffset, with its
   * bytes, found from the time index without scanning what precedes it. Example: batches
   * [0..9] max 1000, [10..19] max 3000, [20..29] max 2000; target 2500 gives [10..19].
   */
  readBatchByTimestamp(target: number, minOffset: number): Promise<FoundBatch | undefined> {
    if (this.maxTimestamp < target || this.isEmpty) return Promise.resolve(undefined);
    const handle = this.requireFiles().log;
    const before = this.timeIndex.lastBelow(target);
    const fromTime =
      before === undefined ? 0 : (this.offsetIndex.floor(before.offset)?.position ?? 0);
    const fromOffset = this.offsetIndex.floor(minOffset)?.position ?? 0;
    const limit = this.written;
    return this.track(async () => {
      let found: ScannedBatch | undefined;
      const start = Math.max(fromTime, fromOffset);
      await scanBatches(handle, start, limit, 'headers', (batch) => {
        if (lastOffsetOf(batch.header) < minOffset || batch.header.maxTimestamp < target) {
          return 'continue';
        }
        found = batch;
        return 'stopBefore';
      });
      if (found === undefined) return undefined;
      return { ...found, bytes: await readAt(handle, found.position, found.size) };
    });
  }

  /** Runs a read, registered so that closing or cutting the file can wait for it. */
  private track<T>(read: () => Promise<T>): Promise<T> {
    const promise = read();
    this.reads.add(promise);
    const forget = (): void => {
      this.reads.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Resolves once the reads in progress now have finished (later reads see the segment's
   * current size, so they never need the bytes a truncation removes).
   */
  async whenNoReaders(): Promise<void> {
    if (this.reads.size > 0) await Promise.allSettled([...this.reads]);
  }

  // ---- closing ----

  async close(): Promise<void> {
    await this.whenNoReaders();
    const files = this.files;
    if (files === undefined) return;
    this.files = undefined;
    await files.log.close();
    await files.offsetIndex.close();
    await files.timeIndex.close();
  }

  /** Closes and unlinks the three files (the caller syncs the directory). */
  async removeFiles(fs: FileSystem): Promise<void> {
    await this.close();
    for (const suffix of [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      try {
        await fs.removeFile(this.pathOf(suffix));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }
}

/**
 * Whether time entry (T, O) agrees with the batch at O. An entry made on append has T equal to
 * the batch's max timestamp; the closing entry of a sealed segment may have a larger T. Sealed
 * segments were fsynced with their indexes, so 'headers' mode accepts both; in 'verify' mode
 * (an active segment whose index may hold garbage) only the exact form is trusted, and a
 * closing entry is simply re-derived from an earlier one.
 */
function timestampFits(header: BatchHeader, entry: TimeIndexEntry, state: RescanState): boolean {
  return state.options.mode === 'verify'
    ? header.maxTimestamp === entry.timestamp
    : header.maxTimestamp <= entry.timestamp;
}
