/**
 * Walking the batches of a `.log` file: the one loop behind recovery, index rebuilds,
 * truncation and timestamp lookups. It reads the file in large chunks (one read serves many
 * small batches) and hands each batch to a synchronous visitor.
 *
 * Two modes:
 * - 'headers' trusts the content and checks only what keeps the walk safe (the length field
 *   and the header's sanity), reading just the headers of batches larger than a chunk;
 * - 'verify' reads every batch whole and checks it with `checkBatch` (CRC-32C included): the
 *   mode for data that may be torn, such as the newest segment after a crash.
 *
 * The walk stops at the end, where the visitor asks, or at the first batch that is cut short
 * ('torn') or malformed ('corrupt'), and reports the position where it stopped: everything
 * before that position was visited and is whole batches.
 *
 * Must not: interpret offsets or terms (the visitor does), or write.
 */
import {
  BATCH_HEADER_BYTES,
  MAGIC_V2,
  batchSizeAt,
  checkBatch,
  readBatchHeader,
} from '../protocol/record-batch.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import type { FileHandle } from '../util/ports.js';

export type ScanMode = 'headers' | 'verify';

export interface ScannedBatch {
  readonly position: number;
  readonly size: number;
  readonly header: BatchHeader;
}

/** What the visitor says: go on, stop here (the walk ends before this batch), or stop after. */
export type VisitResult = 'continue' | 'stopBefore' | 'stopAfter';

export interface ScanStop {
  /** Where the walk ended: the start of the first batch not accepted (or the end). */
  readonly position: number;
  readonly reason: 'end' | 'stopped' | 'torn' | 'corrupt';
  readonly detail?: string;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Reads up to `length` bytes at `position` into a new buffer; shorter only at end of file. */
export async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** A window of file bytes: [start, start + bytes.length). */
class Window {
  bytes: Buffer = Buffer.alloc(0);
  start = 0;

  contains(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.bytes.length;
  }
}

/**
 * Visits the batches in [from, end) in order. Example: a file holding batches at 0 (100 bytes)
 * and 100 (80 bytes) then 30 bytes of garbage: scanning [0, 210) visits both and stops with
 * { position: 180, reason: 'torn' or 'corrupt' }.
 */
export async function scanBatches(
  handle: FileHandle,
  from: number,
  end: number,
  mode: ScanMode,
  visit: (batch: ScannedBatch) => VisitResult,
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Promise<ScanStop> {
  const window = new Window();
  let position = from;
  let previousSize = 0;
  while (position < end) {
    const available = end - position;
    if (available < BATCH_HEADER_BYTES) return torn(position, `${available} bytes left`);
    // After a large batch, read just the next header: a chunk would mostly hold skipped data.
    const headerChunk =
      mode === 'headers' && previousSize > chunkBytes / 8 ? BATCH_HEADER_BYTES : chunkBytes;
    if (!(await fill(handle, window, position, BATCH_HEADER_BYTES, end, headerChunk))) {
      return torn(position, 'file shorter than expected');
    }
    const size = batchSizeAt(window.bytes, position - window.start) ?? 0;
    if (size < BATCH_HEADER_BYTES) return corrupt(position, `batch length ${size}`);
    if (size > available) return torn(position, `batch of ${size} bytes, ${available} left`);
    const needed = mode === 'verify' ? size : BATCH_HEADER_BYTES;
    if (!(await fill(handle, window, position, needed, end, chunkBytes))) {
      return torn(position, 'file shorter than expected');
    }
    const header = headerOf(window, position, size, mode);
    if (typeof header === 'string') return corrupt(position, header);
    const result = visit({ position, size, header });
    if (result === 'stopBefore') return { position, reason: 'stopped' };
    position += size;
    previousSize = size;
    if (result === 'stopAfter') return { position, reason: 'stopped' };
  }
  return { position, reason: 'end' };
}

/** The checked header, or why the batch is not acceptable. */
function headerOf(
  window: Window,
  position: number,
  size: number,
  mode: ScanMode,
): BatchHeader | string {
  const at = position - window.start;
  try {
    if (mode === 'verify') return checkBatch(window.bytes, at, at + size);
    const header = readBatchHeader(window.bytes, at);
    if (header.magic !== MAGIC_V2) return `magic ${header.magic}`;
    if (header.lastOffsetDelta < 0 || header.baseOffset < 0) return 'negative offset';
    return header;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Makes [position, position + length) present in the window, reading a chunk if needed. */
async function fill(
  handle: FileHandle,
  window: Window,
  position: number,
  length: number,
  end: number,
  chunkBytes: number,
): Promise<boolean> {
  if (window.contains(position, length)) return true;
  const want = Math.min(Math.max(length, chunkBytes), end - position);
  window.bytes = await readAt(handle, position, want);
  window.start = position;
  return window.contains(position, length);
}

function torn(position: number, detail: string): ScanStop {
  return { position, reason: 'torn', detail };
}

function corrupt(position: number, detail: string): ScanStop {
  return { position, reason: 'corrupt', detail };
}
