/**
 * The full check of one `.log` file at open: every batch from the start, CRC-32C included,
 * offsets contiguous from the segment's base, one partition leader epoch for the whole
 * segment. Recovery runs it on every segment (recovery.ts), so damage to data that was fsynced
 * long ago is found before the replica votes, leads or serves from it.
 *
 * When the walk stops early it also looks past the bad batch, to report the highest offset a
 * whole, CRC-valid batch still names further on: how far the log reached before the damage
 * (what this replica may have acknowledged), which bounds how long it must abstain from
 * elections (raft/core.ts, RaftConfig.abstain).
 *
 * Must not: change the file or the segment's state (recovery cuts afterwards).
 */
import { BATCH_HEADER_BYTES, batchSizeAt, lastOffsetOf } from '../protocol/record-batch.js';
import type { FileHandle } from '../util/ports.js';
import { readAt, scanBatches } from './batch-scan.js';
import type { ScanStop } from './batch-scan.js';

export interface VerifyResult {
  /** End of the valid prefix (file position). */
  readonly position: number;
  /** The first offset not in the valid prefix: where the log is cut. */
  readonly nextOffset: number;
  readonly reason: ScanStop['reason'] | 'outOfSequence';
  readonly detail?: string;
  /**
   * The highest last offset of a whole, CRC-valid batch found after the stop, or undefined
   * when none was found (always undefined when the walk reached the end).
   */
  readonly highestOffsetAfter?: number;
}

/** One verified batch, as index entries name it: where it starts and the max timestamp so far. */
export interface VerifiedBatch {
  readonly position: number;
  readonly maxTimestampSoFar: number;
}

/**
 * Walks [0, endPosition) of a segment log whose first batch has base offset `baseOffset`.
 * `batches`, when given, receives every batch of the valid prefix by base offset.
 */
export async function verifySegmentLog(
  handle: FileHandle,
  baseOffset: number,
  endPosition: number,
  batches?: Map<number, VerifiedBatch>,
): Promise<VerifyResult> {
  let maxTimestampSoFar = Number.NEGATIVE_INFINITY;
  let expected = baseOffset;
  let term: number | undefined;
  let sequenceProblem: string | undefined;
  const stop = await scanBatches(handle, 0, endPosition, 'verify', ({ header, position }) => {
    if (header.baseOffset !== expected) {
      sequenceProblem = `base offset ${header.baseOffset}, expected ${expected}`;
      return 'stopBefore';
    }
    if (term !== undefined && header.partitionLeaderEpoch !== term) {
      sequenceProblem = `leader epoch ${header.partitionLeaderEpoch} inside a term-${term} segment`;
      return 'stopBefore';
    }
    term = header.partitionLeaderEpoch;
    expected = lastOffsetOf(header) + 1;
    maxTimestampSoFar = Math.max(maxTimestampSoFar, header.maxTimestamp);
    batches?.set(header.baseOffset, { position, maxTimestampSoFar });
    return 'continue';
  });
  if (stop.reason === 'end')
    return { position: stop.position, nextOffset: expected, reason: 'end' };
  const reason = sequenceProblem === undefined ? stop.reason : 'outOfSequence';
  const detail = sequenceProblem ?? stop.detail;
  const highestOffsetAfter = await highestValidOffsetAfter(handle, stop.position, endPosition);
  return {
    position: stop.position,
    nextOffset: expected,
    reason,
    ...(detail === undefined ? {} : { detail }),
    ...(highestOffsetAfter === undefined ? {} : { highestOffsetAfter }),
  };
}

/**
 * The highest last offset among the whole, CRC-valid batches in [from, end), skipping a bad
 * batch whenever its length field still fits in the file (a flipped bit in a record leaves
 * the framing intact); gives up at the first length that does not. Each step consumes at least
 * a header, so the walk is bounded by the file.
 */
export async function highestValidOffsetAfter(
  handle: FileHandle,
  from: number,
  end: number,
): Promise<number | undefined> {
  let highest: number | undefined;
  let position = from;
  while (position + BATCH_HEADER_BYTES <= end) {
    const stop = await scanBatches(handle, position, end, 'verify', ({ header }) => {
      highest = Math.max(highest ?? -1, lastOffsetOf(header));
      return 'continue';
    });
    if (stop.reason === 'end') break;
    const head = await readAt(handle, stop.position, BATCH_HEADER_BYTES);
    const size = batchSizeAt(head, 0);
    if (size === undefined || size < BATCH_HEADER_BYTES || stop.position + size > end) break;
    position = stop.position + size;
  }
  return highest;
}
