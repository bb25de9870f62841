/**
 * Robustness to malformed or buggy peer messages. RaftNode.step promises "stale or unexpected
 * ones are dropped (never thrown)", and util/assert.ts reserves assertions for programmer
 * errors: a message no honest peer could send (a buggy or mismatched peer version, a corrupted
 * frame) must neither throw out of step() nor corrupt local state (commit in the middle of a
 * batch, entries of a term above the sender's, truncation of committed entries). The follower
 * drops such appends without an answer (see roles/follower.ts for why not a rejection); the
 * leader ignores implausible append answers. Each test sends one such message.
 */
import { describe, expect, it } from 'vitest';
import { Network, entriesOfTerms, id, off } from './network.js';
import { makeNode, t } from './fixtures.js';
import type { EntryMeta, Message } from '../../../src/raft/index.js';

const appendTo1 = (fields: Partial<Extract<Message, { type: 'append' }>>): Message => ({
  type: 'append',
  from: id(2),
  to: id(1),
  term: t(2),
  prevLastOffset: off(1),
  prevTerm: t(1),
  entries: [],
  commit: off(-1),
  ...fields,
});

describe('malformed peer messages', () => {
  it('an append whose entries do not start at prevLastOffset + 1 is dropped, not thrown', () => {
    const follower = makeNode(1, { terms: [1, 1], term: 2 });
    // entries start at 5 after prev 1: AssertionError "entry 5 does not continue the log at 1"
    expect(() => follower.step(appendTo1({ entries: entriesOfTerms([2], 5) }))).not.toThrow();
  });

  it('an append whose entry lies below prevLastOffset cannot truncate committed entries', () => {
    const follower = makeNode(1, { terms: [1, 1, 1], term: 2, commit: 1 });
    // prev 2 >= commit 1 passes the stale check; the entry at 0 conflicts -> truncate(0) asserts.
    const message = appendTo1({ prevLastOffset: off(2), entries: entriesOfTerms([2], 0) });
    expect(() => follower.step(message)).not.toThrow();
    expect(follower.status().commit).toBe(1);
  });

  it('an append carrying entries of a term above its own is refused', () => {
    const follower = makeNode(1, { terms: [1], term: 2 });
    follower.step(appendTo1({ prevLastOffset: off(0), entries: entriesOfTerms([9], 1) }));
    // Accepted, lastTerm 9 > current term 2: after a restart the term would jump to 9 and this
    // node refuse every honest candidate's vote request (its log would look more up to date).
    expect(follower.status().lastTerm).toBeLessThanOrEqual(2);
  });

  it('a heartbeat commit inside a batch does not commit half a batch', () => {
    const follower = makeNode(1, {
      entries: [{ baseOffset: off(0), lastOffset: off(4), term: t(1), sizeBytes: 1 }],
      term: 1,
    });
    follower.step({
      type: 'heartbeat',
      from: id(2),
      to: id(1),
      term: t(1),
      commit: off(2),
      readContext: null,
    });
    // Commit 2 would hand out Ready.committed {0..2}: part of the batch [0..4].
    expect(follower.status().commit).not.toBe(2);
  });

  it('an append answer with a matchOffset inside a batch (or past the log) does not move match', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1, 10, 5); // entry [1..5]
    net.processReady(1);
    net.queue = [];
    const leader = net.node(1);
    for (const from of [2, 3]) {
      leader.step({
        type: 'appendResponse',
        from: id(from),
        to: id(1),
        term: t(1),
        success: true,
        matchOffset: off(3),
        rejectHint: off(-1),
        rejectHintTerm: t(0),
      });
    }
    // Counted, it would commit offset 3, in the middle of the batch [1..5], hand out committed
    // {1..3}, and a later slice(next = 4) would assert "no entry starts at 4".
    expect(leader.status().commit).toBe(0);
  });

  it('an append whose prevLastOffset splits an entry we hold with its term is dropped', () => {
    const entries: EntryMeta[] = [
      { baseOffset: off(0), lastOffset: off(4), term: t(1), sizeBytes: 1 },
    ];
    const follower = makeNode(1, { entries, term: 2 });
    follower.step(
      appendTo1({ prevLastOffset: off(2), prevTerm: t(1), entries: entriesOfTerms([2], 3) }),
    );
    const ready = follower.ready();
    expect(ready.messagesAfterPersist).toEqual([]);
    expect(follower.status()).toMatchObject({ lastOffset: 4, lastTerm: 1, commit: -1 });
  });

  it('entries that end before they start, or whose terms decrease, are dropped', () => {
    const follower = makeNode(1, { terms: [1, 1], term: 3 });
    const backwards: EntryMeta = {
      baseOffset: off(2),
      lastOffset: off(1),
      term: t(2),
      sizeBytes: 1,
    };
    expect(() => follower.step(appendTo1({ term: t(3), entries: [backwards] }))).not.toThrow();
    follower.step(appendTo1({ term: t(3), entries: entriesOfTerms([3, 2], 2) }));
    follower.step(appendTo1({ term: t(3), prevTerm: t(1), entries: entriesOfTerms([0], 2) }));
    expect(follower.status()).toMatchObject({ lastOffset: 1, lastTerm: 1 });
    expect(follower.ready().messagesAfterPersist).toEqual([]);
  });

  it('an entry with the term of the one we hold there but other bounds is dropped', () => {
    const entries: EntryMeta[] = [
      { baseOffset: off(0), lastOffset: off(0), term: t(1), sizeBytes: 1 },
      { baseOffset: off(1), lastOffset: off(4), term: t(2), sizeBytes: 1 },
    ];
    const follower = makeNode(1, { entries, term: 2 });
    const other: EntryMeta = { baseOffset: off(1), lastOffset: off(2), term: t(2), sizeBytes: 1 };
    expect(() =>
      follower.step(appendTo1({ prevLastOffset: off(0), entries: [other], commit: off(2) })),
    ).not.toThrow();
    expect(follower.status()).toMatchObject({ lastOffset: 4, commit: -1 });
  });

  it('a configuration entry without voters, or listing a member twice, is dropped', () => {
    const follower = makeNode(1, { terms: [1], term: 2 });
    const configEntry = (voters: number[]): EntryMeta => ({
      baseOffset: off(1),
      lastOffset: off(1),
      term: t(2),
      sizeBytes: 1,
      config: { voters: voters.map(id), learners: [] },
    });
    follower.step(appendTo1({ prevLastOffset: off(0), entries: [configEntry([])] }));
    follower.step(appendTo1({ prevLastOffset: off(0), entries: [configEntry([1, 2, 2])] }));
    expect(follower.status().lastOffset).toBe(0);
  });

  it('an append commit inside a batch is rounded down to the entry boundary', () => {
    const follower = makeNode(1, { terms: [1], term: 2 });
    const batch: EntryMeta = { baseOffset: off(1), lastOffset: off(5), term: t(2), sizeBytes: 1 };
    follower.step(appendTo1({ prevLastOffset: off(0), entries: [batch], commit: off(3) }));
    expect(follower.status()).toMatchObject({ lastOffset: 5, commit: 0 });
  });

  it('a snapshot whose term exceeds its message term, or that splits an entry we hold, is dropped', () => {
    const entries: EntryMeta[] = [
      { baseOffset: off(0), lastOffset: off(4), term: t(1), sizeBytes: 1 },
    ];
    const follower = makeNode(1, { entries, term: 2 });
    const snapshot = (lastOffset: number, term: number): Message => ({
      type: 'installSnapshot',
      from: id(2),
      to: id(1),
      term: t(2),
      snapshot: {
        lastOffset: off(lastOffset),
        term: t(term),
        membership: { voters: [1, 2, 3].map(id), learners: [] },
      },
    });
    follower.step(snapshot(9, 5));
    follower.step(snapshot(2, 1));
    expect(follower.status()).toMatchObject({ lastOffset: 4, commit: -1 });
    expect(follower.status().snapshot.lastOffset).toBe(-1);
  });

  it('a message whose term is not a number is dropped', () => {
    const follower = makeNode(1, { terms: [1], term: 2 });
    expect(() =>
      follower.step(appendTo1({ term: t(Number.NaN), prevLastOffset: off(0) })),
    ).not.toThrow();
    expect(follower.status()).toMatchObject({ term: 2, leader: null });
  });

  it('an append answer with a matchOffset beyond the leader log is ignored', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1);
    net.processReady(1);
    net.queue = [];
    const leader = net.node(1);
    for (const from of [2, 3]) {
      leader.step({
        type: 'appendResponse',
        from: id(from),
        to: id(1),
        term: t(1),
        success: true,
        matchOffset: off(100),
        rejectHint: off(-1),
        rejectHintTerm: t(0),
      });
    }
    expect(leader.status().commit).toBe(0);
    expect(leader.status().progress.map((progress) => progress.match)).toEqual([0, 0]);
  });
});
