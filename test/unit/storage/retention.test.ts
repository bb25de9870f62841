/**
 * The retention policy alone: which leading segments go, by time and by size, never the
 * active one, never past a bound, never leaving a gap.
 */
import { describe, expect, it } from 'vitest';
import { segmentsToDelete } from '../../../src/storage/retention.js';

const segment = (sizeBytes: number, maxTimestamp: number, nextOffset: number) => ({
  sizeBytes,
  maxTimestamp,
  nextOffset,
});
const noLimits = { retentionMs: -1, retentionBytes: -1, nowMs: 10_000, upToOffset: Infinity };

describe('segmentsToDelete', () => {
  const four = [
    segment(100, 1000, 10),
    segment(100, 5000, 20),
    segment(100, 2000, 30),
    segment(100, 9000, 40),
  ];

  it('keeps everything without limits', () => {
    expect(segmentsToDelete(four, noLimits)).toBe(0);
  });

  it('deletes by size while the rest still holds retentionBytes', () => {
    expect(segmentsToDelete(four, { ...noLimits, retentionBytes: 150 })).toBe(2);
    expect(segmentsToDelete(four, { ...noLimits, retentionBytes: 300 })).toBe(1);
    expect(segmentsToDelete(four, { ...noLimits, retentionBytes: 0 })).toBe(3);
  });

  it('deletes by time, oldest first, stopping at the first segment to keep', () => {
    // now 10000, retention 6000: segments with max timestamp < 4000 expire; the second does
    // not, so the third (expired) stays too.
    expect(segmentsToDelete(four, { ...noLimits, retentionMs: 6000 })).toBe(1);
    expect(segmentsToDelete(four, { ...noLimits, retentionMs: 1 })).toBe(3);
  });

  it('never deletes the active segment or beyond upToOffset', () => {
    expect(segmentsToDelete([segment(100, 0, 10)], { ...noLimits, retentionBytes: 0 })).toBe(0);
    expect(segmentsToDelete(four, { ...noLimits, retentionBytes: 0, upToOffset: 25 })).toBe(2);
  });
});
