/**
 * The replica's small parts: control entries (no-op, membership), the payload cache's
 * lifetime rule, the membership history.
 */
import { describe, expect, it } from 'vitest';
import { checkBatch, isControl } from '../../../src/protocol/record-batch.js';
import {
  classifyEntry,
  encodeConfigEntry,
  encodeNoopEntry,
} from '../../../src/replica/entry-codec.js';
import { MembershipHistory } from '../../../src/replica/membership-history.js';
import { PayloadCache } from '../../../src/replica/payload-cache.js';
import { asBrokerId, asOffset, asTerm } from '../../../src/util/brand.js';
import { N1, N2, N3, THREE } from './fake-node.js';
import { dataBatch } from './harness.js';

const options = { baseOffset: asOffset(7), term: asTerm(3), timestampMs: 1_000 };

describe('entry codec', () => {
  it('writes the no-op as a valid control batch at the given offset and term', async () => {
    const bytes = await encodeNoopEntry(N1, options);
    const header = checkBatch(bytes);
    expect([header.baseOffset, header.partitionLeaderEpoch, isControl(header)]).toEqual([
      7,
      3,
      true,
    ]);
    expect(classifyEntry(bytes, 0, header)).toEqual({ kind: 'noop' });
  });

  it('round-trips a membership through a configuration entry', async () => {
    const membership = { voters: [N1, N2], learners: [N3] };
    const bytes = await encodeConfigEntry(membership, options);
    expect(classifyEntry(bytes, 0, checkBatch(bytes))).toEqual({ kind: 'config', membership });
  });

  it('classifies data batches as data', async () => {
    const bytes = await dataBatch('a', 2);
    expect(classifyEntry(bytes, 0, checkBatch(bytes))).toEqual({ kind: 'data' });
  });
});

describe('PayloadCache', () => {
  const entry = (base: number, term: number) => ({
    baseOffset: asOffset(base),
    lastOffset: asOffset(base),
    term: asTerm(term),
    sizeBytes: 1,
  });

  it('hands out what the Ready names, by offset and term, and drops the rest', () => {
    const cache = new PayloadCache();
    cache.putEntry(asOffset(1), asTerm(1), new Uint8Array([1]));
    cache.putEntry(asOffset(1), asTerm(2), new Uint8Array([2]));
    cache.putEntry(asOffset(2), asTerm(2), new Uint8Array([3]));
    const claimed = cache.claim([entry(1, 2)], null);
    expect([...claimed.entries]).toEqual([[1, new Uint8Array([2])]]);
    expect(cache.entryCount).toBe(0);
    expect(cache.sizeBytes).toBe(0);
  });

  it('hands out snapshot bytes only for the snapshot the Ready installs', () => {
    const cache = new PayloadCache();
    const meta = { lastOffset: asOffset(9), term: asTerm(2), membership: THREE };
    cache.putSnapshot(meta, new Uint8Array([9]));
    expect(cache.claim([], { ...meta, term: asTerm(3) }).snapshot).toBeNull();
    cache.putSnapshot(meta, new Uint8Array([9]));
    expect(cache.claim([], meta).snapshot).toEqual(new Uint8Array([9]));
  });
});

describe('MembershipHistory', () => {
  it('answers the membership in force at an offset through appends, truncation, compaction', () => {
    const two = { voters: [N1, N2], learners: [] };
    const four = { voters: [N1, N2, N3], learners: [asBrokerId(4)] };
    const history = new MembershipHistory(THREE, [{ offset: 5, membership: two }]);
    history.append(9, four);
    expect(history.at(4)).toBe(THREE);
    expect(history.at(5)).toBe(two);
    expect(history.at(20)).toBe(four);
    history.truncateFrom(9);
    expect(history.at(20)).toBe(two);
    history.compactTo(6, two);
    expect(history.at(0)).toBe(two);
  });
});
