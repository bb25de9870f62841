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
   * When a whole, CRC-valid batch lies at or after the stop: the highest offset the log may
   * have reached (see tailExtent); undefined when none does (always when the walk reached the
   * end).
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
  const tail = await tailExtent(handle, stop.position, endPosition);
  const highestOffsetAfter = tail.validBatchFound ? expected + tail.recordsMax - 1 : undefined;
  return {
    position: stop.position,
    nextOffset: expected,
    reason,
    ...(detail === undefined ? {} : { detail }),
    ...(highestOffsetAfter === undefined ? {} : { highestOffsetAfter }),
  };
}

/** The fewest bytes a record takes in a batch (attributes, four varints, header count). */
const RECORD_BYTES_MIN = 7;

/** What lies past a bad batch, from its position to the end of the file. */
export interface TailExtent {
  /** A whole, CRC-valid batch was found (the bad one included, when only its base offset is off). */
  readonly validBatchFound: boolean;
  /**
   * At most how many records the batches there hold, counted by framing: a CRC-valid batch by
   * its own (checksummed) offset delta, a damaged one by the most records its size can hold.
   * Offsets are contiguous, so the log reached at most `first offset + recordsMax - 1`. The
   * base offset field is not covered by the CRC: trusting it, one flipped bit could claim an
   * offset millions ahead, and a replica waiting to catch up to it would abstain for ever.
   */
  readonly recordsMax: number;
}

/**
 * Walks the batches in [from, end) by their length fields (a flipped bit in a record leaves
 * the framing intact), giving up at the first length that does not fit. Each step consumes at
 * least a header, so the walk is bounded by the file.
 */
export async function tailExtent(
  handle: FileHandle,
  from: number,
  end: number,
): Promise<TailExtent> {
  let validBatchFound = false;
  let recordsMax = 0;
  let position = from;
  while (position + BATCH_HEADER_BYTES <= end) {
    const stop = await scanBatches(handle, position, end, 'verify', ({ header }) => {
      validBatchFound = true;
      recordsMax += lastOffsetOf(header) - header.baseOffset + 1;
      return 'continue';
    });
    if (stop.reason === 'end') break;
    const head = await readAt(handle, stop.position, BATCH_HEADER_BYTES);
    const size = batchSizeAt(head, 0);
    if (size === undefined || size < BATCH_HEADER_BYTES || stop.position + size > end) break;
    recordsMax += Math.max(1, Math.floor((size - BATCH_HEADER_BYTES) / RECORD_BYTES_MIN));
    position = stop.position + size;
  }
  return { validBatchFound, recordsMax };
}
