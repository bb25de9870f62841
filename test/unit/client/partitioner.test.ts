import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey, StickyPartitioner } from '../../../src/client/partitioner.js';

/** Kafka's UtilsTest.testMurmur2 vectors (apache/kafka, clients/src/test/.../UtilsTest.java). */
const KAFKA_VECTORS: readonly (readonly [string, number])[] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

/** A deterministic stand-in for Math.random. */
function sequence(values: readonly number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
}

describe('murmur2', () => {
  it.each(KAFKA_VECTORS)('hashes %j as Kafka does', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it('hashes the empty key and every tail length without throwing', () => {
    expect(murmur2(new Uint8Array(0))).toBe(275646681);
    for (let length = 0; length < 9; length++) {
      expect(Number.isInteger(murmur2(Buffer.alloc(length, 7)))).toBe(true);
    }
  });

  it('reads a Uint8Array view at its own offset', () => {
    const backing = Buffer.from('xxfoobar');
    expect(murmur2(new Uint8Array(backing.buffer, backing.byteOffset + 2, 6))).toBe(-790332482);
  });
});

describe('partitionForKey', () => {
  it('is toPositive(murmur2) % partitions', () => {
    // (-790332482 & 0x7fffffff) = 1357151166; % 50 = 16, % 3 = 0
    expect(partitionForKey(Buffer.from('foobar'), 50)).toBe(16);
    expect(partitionForKey(Buffer.from('foobar'), 3)).toBe(1357151166 % 3);
    for (const [input, hash] of KAFKA_VECTORS) {
      expect(partitionForKey(Buffer.from(input), 7)).toBe((hash & 0x7fffffff) % 7);
    }
  });

  it('sends the same key to the same partition and stays in range', () => {
    for (let index = 0; index < 1000; index++) {
      const key = Buffer.from(`key-${index}`);
      const partition = partitionForKey(key, 12);
      expect(partition).toBeGreaterThanOrEqual(0);
      expect(partition).toBeLessThan(12);
      expect(partitionForKey(Buffer.from(`key-${index}`), 12)).toBe(partition);
    }
  });
});

describe('StickyPartitioner', () => {
  it('sticks to one partition per topic until told to move', () => {
    const sticky = new StickyPartitioner(sequence([0.5]));
    const first = sticky.current('events', 4);
    for (let index = 0; index < 10; index++) expect(sticky.current('events', 4)).toBe(first);
  });

  it('moves to a different partition on next', () => {
    const sticky = new StickyPartitioner(sequence([0.3, 0.3, 0.9, 0.1, 0.6]));
    let previous = sticky.current('events', 3);
    for (let index = 0; index < 20; index++) {
      const next = sticky.next('events', 3, previous);
      expect(next).not.toBe(previous);
      expect(next).toBeGreaterThanOrEqual(0);
      expect(next).toBeLessThan(3);
      expect(sticky.current('events', 3)).toBe(next);
      previous = next;
    }
  });

  it('keeps topics apart and stays on the only partition there is', () => {
    const sticky = new StickyPartitioner(sequence([0.99, 0.01]));
    expect(sticky.current('a', 10)).toBe(9);
    expect(sticky.current('b', 10)).toBe(0);
    expect(sticky.current('a', 10)).toBe(9);
    expect(sticky.next('single', 1, 0)).toBe(0);
  });

  it('spreads over all partitions as batches fill', () => {
    const sticky = new StickyPartitioner();
    const seen = new Set<number>();
    let partition = sticky.current('t', 5);
    for (let index = 0; index < 200; index++) {
      partition = sticky.next('t', 5, partition);
      seen.add(partition);
    }
    expect(seen.size).toBe(5);
  });
});
