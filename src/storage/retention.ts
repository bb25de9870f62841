/**
 * The retention policy, as a pure function: which of a log's oldest segments may go. Kafka's
 * rules: only whole segments, oldest first, never the active (last) one; a segment goes when
 * its newest timestamp is older than the time limit, or when the log without it still holds at
 * least the size limit. Deletion stops at the first segment that may stay, so the log remains
 * contiguous.
 *
 * Must not: touch files or the clock (the log passes `nowMs` and does the deleting).
 */

export interface RetentionCandidate {
  readonly sizeBytes: number;
  /** Largest batch timestamp in the segment. */
  readonly maxTimestamp: number;
  readonly nextOffset: number;
}

export interface RetentionLimits {
  /** -1: no time limit. */
  readonly retentionMs: number;
  /** -1: no size limit. */
  readonly retentionBytes: number;
  readonly nowMs: number;
  /** Only segments that end at or below this offset may go (exclusive end). */
  readonly upToOffset: number;
}

/**
 * How many leading segments retention deletes. Example: four segments of 100 bytes, the last
 * active, retentionBytes 150, no time limit: 2 (the remaining 200 bytes hold >= 150, while
 * deleting a third would leave 100).
 */
export function segmentsToDelete(
  segments: readonly RetentionCandidate[],
  limits: RetentionLimits,
): number {
  const expiredBefore = limits.nowMs - limits.retentionMs;
  let remainingBytes = 0;
  for (const segment of segments) remainingBytes += segment.sizeBytes;
  let count = 0;
  for (const segment of segments.slice(0, -1)) {
    const expired = limits.retentionMs >= 0 && segment.maxTimestamp < expiredBefore;
    const oversized =
      limits.retentionBytes >= 0 && remainingBytes - segment.sizeBytes >= limits.retentionBytes;
    if ((!expired && !oversized) || segment.nextOffset > limits.upToOffset) break;
    remainingBytes -= segment.sizeBytes;
    count += 1;
  }
  return count;
}
