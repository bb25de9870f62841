/**
 * The time index bounds where a timestamp search starts; its lookups and its validation are
 * what keep ListOffsets-by-time from scanning whole segments or skipping the answer.
 */
import { describe, expect, it } from 'vitest';
import { TimeIndex, validateTimeIndex } from '../../../src/storage/time-index.js';

function indexWith(entries: [number, number][]): TimeIndex {
  const index = new TimeIndex(0);
  for (const [timestamp, offset] of entries) index.append(timestamp, offset);
  return index;
}

describe('TimeIndex', () => {
  const index = indexWith([
    [1000, 10],
    [2000, 50],
    [3000, 90],
  ]);

  it('finds the last entry below a target and the first at or above it', () => {
    expect(index.lastBelow(1000)).toBeUndefined();
    expect(index.lastBelow(1001)).toEqual({ timestamp: 1000, offset: 10 });
    expect(index.lastBelow(2500)).toEqual({ timestamp: 2000, offset: 50 });
    expect(index.firstAtOrAbove(2500)).toEqual({ timestamp: 3000, offset: 90 });
    expect(index.firstAtOrAbove(2000)).toEqual({ timestamp: 2000, offset: 50 });
    expect(index.firstAtOrAbove(3001)).toBeUndefined();
  });

  it('holds 64-bit timestamps beyond 2^32 and negative ones', () => {
    const wide = indexWith([
      [-5, 0],
      [2 ** 40 + 7, 1],
    ]);
    expect(wide.entryAt(0)).toEqual({ timestamp: -5, offset: 0 });
    expect(wide.entryAt(1)).toEqual({ timestamp: 2 ** 40 + 7, offset: 1 });
    expect(validateTimeIndex(wide.entries.slice(0, 2)).soundEntries).toBe(2);
  });

  it('allows equal timestamps (the closing entry of a sealed segment) but not offsets', () => {
    const sealed = indexWith([[1000, 10]]);
    sealed.append(1000, 20);
    expect(() => sealed.append(999, 30)).toThrow();
    expect(() => sealed.append(1000, 20)).toThrow();
  });

  it('keeps the sound prefix of an image of the wrong size or out of order', () => {
    const image = index.entries.slice(0, 3);
    expect(validateTimeIndex(image)).toEqual({ soundEntries: 3, problem: undefined });
    expect(validateTimeIndex(image.subarray(0, 13))).toEqual({
      soundEntries: 1,
      problem: 'a partial entry of 1 bytes at the end',
    });
    const swapped = new Uint8Array([...image.subarray(12, 24), ...image.subarray(0, 12)]);
    expect(validateTimeIndex(swapped)).toMatchObject({ soundEntries: 1 });
    expect(validateTimeIndex(swapped).problem).toMatch(/does not increase/);
  });
});
