/**
 * The fetch path inside one segment: from a start position given by the offset index, skip
 * the batches that end before the wanted offset, then return whole batches up to a byte
 * budget. One read usually serves both the skip and the data (the read covers the budget plus
 * the expected skip distance), and the result is a view of that read, not a copy.
 *
 * Semantics (Kafka's): batches are never split; the first batch is returned whole even when it
 * is larger than the budget (when `mustReturnOne`), so a consumer never gets stuck behind a
 * batch bigger than its fetch size; batches whose last offset is at or beyond `upToOffset`
 * (the high watermark, or the written end) are never returned.
 *
 * Must not: read beyond `limitPosition` (bytes whose write has not completed) or trust a length
 * field that points outside it.
 */
import { BrookError } from '../protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  LOG_OVERHEAD_BYTES,
  lastOffsetOf,
  readBatchHeader,
} from '../protocol/record-batch.js';
import type { FileHandle } from '../util/ports.js';
import { readAt } from './batch-scan.js';

export interface BatchRangeRequest {
  readonly handle: FileHandle;
  /** A batch start at or before the batch holding `fromOffset` (from the offset index). */
  readonly startPosition: number;
  /** Bytes of the file whose writes have completed. */
  readonly limitPosition: number;
  readonly fromOffset: number;
  readonly maxBytes: number;
  /** Exclusive: a batch with lastOffset >= upToOffset is not returned. */
  readonly upToOffset: number;
  /** Return the first qualifying batch whole even if it exceeds maxBytes. */
  readonly mustReturnOne: boolean;
  /** Expected bytes to skip before the wanted batch (about one index interval). */
  readonly slackBytes: number;
  /** For error messages. */
  readonly path: string;
}

export interface BatchRange {
  /** Whole batches back to back; empty when none qualifies. */
  readonly data: Buffer;
  /** Base offset of the first returned batch. */
  readonly firstOffset: number;
  /** One past the last returned record. */
  readonly nextOffset: number;
  /** Where the next batch of the file starts, for a continued read. */
  readonly endPosition: number;
}

/** Contiguous file bytes gathered so far, possibly across several reads. */
class Gathered {
  private readonly pieces: Buffer[] = [];
  bytes = 0;

  add(buffer: Buffer, from: number, to: number): void {
    const previous = this.pieces[this.pieces.length - 1];
    const piece = buffer.subarray(from, to);
    // Extend the previous view instead of copying when the bytes sit right after it.
    if (
      previous !== undefined &&
      previous.buffer === piece.buffer &&
      previous.byteOffset + previous.length === piece.byteOffset
    ) {
      this.pieces[this.pieces.length - 1] = Buffer.from(
        previous.buffer,
        previous.byteOffset,
        previous.length + piece.length,
      );
    } else {
      this.pieces.push(piece);
    }
    this.bytes += piece.length;
  }

  result(): Buffer {
    if (this.pieces.length === 1 && this.pieces[0] !== undefined) return this.pieces[0];
    return Buffer.concat(this.pieces, this.bytes);
  }
}

/**
 * Example: batches [10..19] at 0 (500 bytes), [20..29] at 500 (500 bytes), [30..39] at 1000;
 * fromOffset 25, maxBytes 800, start 0 returns [20..29] and stops, since [30..39] would exceed
 * the budget: { firstOffset: 20, nextOffset: 30, endPosition: 1000 }.
 */
export async function readBatchRange(request: BatchRangeRequest): Promise<BatchRange | undefined> {
  const { handle, limitPosition, fromOffset, upToOffset } = request;
  const gathered = new Gathered();
  let window: Buffer = Buffer.alloc(0);
  let windowStart = request.startPosition;
  let position = request.startPosition;
  let firstOffset: number | undefined;
  let nextOffset = fromOffset;
  const ensure = async (length: number): Promise<void> => {
    if (position >= windowStart && position + length <= windowStart + window.length) return;
    const budgetLeft = Math.max(0, request.maxBytes - gathered.bytes);
    const want = Math.min(
      limitPosition - position,
      Math.max(length, budgetLeft + (firstOffset === undefined ? request.slackBytes : 0)),
    );
    window = await readAt(handle, position, want);
    windowStart = position;
    if (window.length < length) throw damaged(request, position, 'file shorter than written');
  };
  while (position + BATCH_HEADER_BYTES <= limitPosition) {
    await ensure(BATCH_HEADER_BYTES);
    const header = readBatchHeader(window, position - windowStart);
    const size = LOG_OVERHEAD_BYTES + header.batchLength;
    if (size < BATCH_HEADER_BYTES || position + size > limitPosition) {
      throw damaged(request, position, `batch length ${header.batchLength}`);
    }
    const lastOffset = lastOffsetOf(header);
    if (lastOffset < fromOffset) {
      position += size;
      continue;
    }
    if (lastOffset >= upToOffset) break;
    const mayExceed = gathered.bytes === 0 && request.mustReturnOne;
    if (gathered.bytes + size > request.maxBytes && !mayExceed) break;
    await ensure(size);
    gathered.add(window, position - windowStart, position - windowStart + size);
    firstOffset ??= header.baseOffset;
    nextOffset = lastOffset + 1;
    position += size;
    if (gathered.bytes >= request.maxBytes) break;
  }
  if (firstOffset === undefined) return undefined;
  return { data: gathered.result(), firstOffset, nextOffset, endPosition: position };
}

function damaged(request: BatchRangeRequest, position: number, reason: string): BrookError {
  return new BrookError(
    'STORAGE_ERROR',
    `segment ${request.path} is damaged at position ${position}: ${reason}`,
    { details: { path: request.path, position: String(position) } },
  );
}
