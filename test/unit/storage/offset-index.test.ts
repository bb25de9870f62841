/**
 * The offset index answers "where do I start scanning for offset X" and must reject any file
 * image that could send a read to the wrong place.
 */
import { describe, expect, it } from 'vitest';
import { OffsetIndex, validateOffsetIndex } from '../../../src/storage/offset-index.js';

function indexWith(entries: [number, number][], base = 100): OffsetIndex {
  const index = new OffsetIndex(base);
  for (const [offset, position] of entries) index.append(offset, position);
  return index;
}

describe('OffsetIndex', () => {
  it('finds the last entry at or below a target (floor)', () => {
    const index = indexWith([
      [110, 4200],
      [180, 8400],
      [260, 12600],
    ]);
    expect(index.floor(99)).toBeUndefined();
    expect(index.floor(109)).toBeUndefined();
    expect(index.floor(110)).toEqual({ offset: 110, position: 4200 });
    expect(index.floor(179)).toEqual({ offset: 110, position: 4200 });
    expect(index.floor(10_000)).toEqual({ offset: 260, position: 12600 });
  });

  it('stores entries relative to the base offset, 8 bytes each, big-endian', () => {
    const index = indexWith([[110, 4200]]);
    const bytes = index.entries.slice(0, 1);
    expect([...bytes]).toEqual([0, 0, 0, 10, 0, 0, 0x10, 0x68]);
  });

  it('truncates by offset and by position', () => {
    const index = indexWith([
      [110, 1000],
      [120, 2000],
      [130, 3000],
    ]);
    index.truncateToOffset(121);
    expect(index.count).toBe(2);
    index.truncateToPosition(2000);
    expect(index.count).toBe(1);
    index.truncateToOffset(110);
    expect(index.count).toBe(0);
  });

  it('grows past its initial capacity and reloads from its own image', () => {
    const index = new OffsetIndex(0);
    for (let entry = 1; entry <= 1000; entry++) index.append(entry * 3, entry * 100);
    const image = index.entries.slice(0, index.count).slice();
    expect(validateOffsetIndex(image, 1_000_000)).toEqual({
      soundEntries: 1000,
      problem: undefined,
    });
    const loaded = new OffsetIndex(0);
    loaded.load(image, 1000);
    expect(loaded.floor(1500)).toEqual({ offset: 1500, position: 50_000 });
  });

  it('asserts that entries increase', () => {
    const index = indexWith([[110, 1000]]);
    expect(() => index.append(110, 2000)).toThrow();
    expect(() => index.append(120, 1000)).toThrow();
    expect(() => index.append(99, 3000)).toThrow();
  });

  it('keeps the sound prefix of an image: a partial entry, disorder or a position past the log end it', () => {
    const image = indexWith([
      [110, 1000],
      [120, 2000],
    ]).entries.slice(0, 2);
    expect(validateOffsetIndex(image, 5000)).toEqual({ soundEntries: 2, problem: undefined });
    expect(validateOffsetIndex(image.subarray(0, 12), 5000)).toEqual({
      soundEntries: 1,
      problem: 'a partial entry of 4 bytes at the end',
    });
    expect(validateOffsetIndex(image, 2000)).toMatchObject({ soundEntries: 1 });
    expect(validateOffsetIndex(image, 2000).problem).toMatch(/past the log/);
    const swapped = new Uint8Array([...image.subarray(8), ...image.subarray(0, 8)]);
    expect(validateOffsetIndex(swapped, 5000)).toMatchObject({ soundEntries: 1 });
    expect(validateOffsetIndex(new Uint8Array(16), 5000)).toMatchObject({ soundEntries: 1 });
  });
});
