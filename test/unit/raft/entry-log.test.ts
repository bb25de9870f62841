/** The log's metadata (src/raft/entry-log.ts): offsets of batches, terms, boundaries, configs. */
import { describe, expect, it } from 'vitest';
import { EntryLog } from '../../../src/raft/entry-log.js';
import { asTerm } from '../../../src/raft/index.js';
import { id, off } from './network.js';
import type { EntryMeta, Membership, SnapshotMeta } from '../../../src/raft/index.js';

const initial: Membership = { voters: [id(1)], learners: [] };
const snapshot = (lastOffset: number, term: number): SnapshotMeta => ({
  lastOffset: off(lastOffset),
  term: asTerm(term),
  membership: initial,
});
const batch = (
  base: number,
  last: number,
  term: number,
  extra: Partial<EntryMeta> = {},
): EntryMeta => ({
  baseOffset: off(base),
  lastOffset: off(last),
  term: asTerm(term),
  sizeBytes: 10,
  ...extra,
});

/** Batches [0..4] t1, [5..5] t2, [6..9] t2, [10..14] t4. */
const sample = (): EntryLog =>
  new EntryLog(snapshot(-1, 0), [batch(0, 4, 1), batch(5, 5, 2), batch(6, 9, 2), batch(10, 14, 4)]);

describe('EntryLog', () => {
  it('answers terms by offset, inside batches, at the snapshot, and nothing outside', () => {
    const log = sample();
    expect([
      log.termAt(off(0)),
      log.termAt(off(3)),
      log.termAt(off(7)),
      log.termAt(off(14)),
    ]).toEqual([1, 1, 2, 4]);
    expect(log.termAt(off(-1))).toBe(0);
    expect(log.termAt(off(15))).toBeUndefined();
    expect([log.lastOffset, log.lastTerm, log.firstOffset]).toEqual([14, 4, 0]);
    expect(log.isBoundary(off(9))).toBe(true);
    expect(log.isBoundary(off(8))).toBe(false);
  });

  it('compares logs by last term, then by length (Raft paper 5.4.1)', () => {
    const log = sample();
    expect(log.isUpToDate(off(14), asTerm(4))).toBe(true);
    expect(log.isUpToDate(off(13), asTerm(4))).toBe(false);
    expect(log.isUpToDate(off(0), asTerm(5))).toBe(true);
    expect(log.isUpToDate(off(99), asTerm(3))).toBe(false);
  });

  it('finds the last entry end at or below an offset with a term at or below a term', () => {
    const log = sample();
    expect(log.findConflictByTerm(off(14), asTerm(3))).toEqual({ offset: 9, term: 2 });
    expect(log.findConflictByTerm(off(12), asTerm(4))).toEqual({ offset: 9, term: 2 });
    expect(log.findConflictByTerm(off(14), asTerm(4))).toEqual({ offset: 14, term: 4 });
    expect(log.findConflictByTerm(off(99), asTerm(9))).toEqual({ offset: 14, term: 4 });
    expect(log.findConflictByTerm(off(9), asTerm(1))).toEqual({ offset: 4, term: 1 });
    expect(log.findConflictByTerm(off(3), asTerm(1))).toEqual({ offset: -1, term: 0 });
    const compacted = new EntryLog(snapshot(4, 3), [batch(5, 9, 4)]);
    expect(compacted.findConflictByTerm(off(9), asTerm(3))).toEqual({ offset: 4, term: 3 });
    expect(compacted.findConflictByTerm(off(9), asTerm(2))).toEqual({ offset: 3, term: 0 });
  });

  it('truncates at entry boundaries only, never inside the snapshot', () => {
    const log = sample();
    expect(() => log.truncateFrom(off(8))).toThrow(/splits an entry/);
    log.truncateFrom(off(6));
    expect([log.lastOffset, log.lastTerm]).toEqual([5, 2]);
    const compacted = new EntryLog(snapshot(4, 1), [batch(5, 9, 2)]);
    expect(() => compacted.truncateFrom(off(3))).toThrow(/inside the snapshot/);
  });

  it('refuses gaps, overlaps and terms going back on append', () => {
    const log = sample();
    expect(() => log.append([batch(16, 16, 4)])).toThrow(/does not continue/);
    expect(() => log.append([batch(14, 15, 4)])).toThrow(/does not continue/);
    expect(() => log.append([batch(15, 15, 3)])).toThrow(/term/);
  });

  it('slices by bytes, always at least one entry, from an entry start', () => {
    const log = sample();
    expect(log.slice(off(5), 25).map((entry) => entry.baseOffset)).toEqual([5, 6]);
    expect(log.slice(off(5), 1).map((entry) => entry.baseOffset)).toEqual([5]);
    expect(log.slice(off(15), 100)).toEqual([]);
    expect(() => log.slice(off(7), 100)).toThrow(/no entry starts/);
    expect(log.entriesAfter(off(9)).map((entry) => entry.baseOffset)).toEqual([10]);
    expect(log.entriesAfter(off(-1))).toHaveLength(4);
  });

  it('tracks configuration entries: in force by offset, latest, reverted by truncation', () => {
    const next: Membership = { voters: [id(1), id(2)], learners: [] };
    const log = new EntryLog(snapshot(-1, 0), [
      batch(0, 0, 1),
      batch(1, 1, 1, { config: next }),
      batch(2, 3, 1),
    ]);
    expect(log.membershipAt(off(0))).toEqual(initial);
    expect(log.membershipAt(off(2))).toEqual(next);
    expect(log.latestMembership()).toEqual(next);
    expect(log.lastConfigOffset()).toBe(1);
    log.truncateFrom(off(1));
    expect(log.latestMembership()).toEqual(initial);
    expect(log.lastConfigOffset()).toBe(-1);
  });

  it('compacts into a snapshot carrying the term and the configuration at its last offset', () => {
    const next: Membership = { voters: [id(1), id(2)], learners: [] };
    const log = new EntryLog(snapshot(-1, 0), [
      batch(0, 0, 1),
      batch(1, 1, 1, { config: next }),
      batch(2, 3, 2),
    ]);
    expect(() => log.compact(off(2))).toThrow(/splits an entry/);
    expect(log.compact(off(1))).toEqual({ lastOffset: 1, term: 1, membership: next });
    expect([log.firstOffset, log.entryCount, log.latestMembership()]).toEqual([2, 1, next]);
    expect(log.termAt(off(0))).toBeUndefined();
    log.restore(snapshot(20, 5));
    expect([log.lastOffset, log.lastTerm, log.entryCount]).toEqual([20, 5, 0]);
  });
});
