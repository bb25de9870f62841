/**
 * Leader-side bookkeeping: Progress and its in-flight window (etcd's tracker), quorums and vote
 * tallies (Raft paper 5.2, 5.3), and the ReadIndex queue (thesis 6.4).
 */
import { describe, expect, it } from 'vitest';
import { Inflights, Progress } from '../../../src/raft/progress.js';
import { hasQuorum, quorumMatch, tallyVotes } from '../../../src/raft/quorum.js';
import { ReadIndexQueue } from '../../../src/raft/read-index.js';
import { id, off } from './network.js';
import type { NodeId } from '../../../src/raft/index.js';

const limits = { inflightMessagesMax: 3, inflightBytesMax: 100 };

describe('Inflights', () => {
  it('is full at the message count or the byte budget, and frees by acknowledged offset', () => {
    const window = new Inflights(3, 100);
    window.add(off(1), 10);
    window.add(off(2), 10);
    expect(window.full()).toBe(false);
    window.add(off(3), 10);
    expect(window.full()).toBe(true);
    expect(() => window.add(off(4), 1)).toThrow(/window/);
    window.freeTo(off(2));
    expect([window.count, window.totalBytes]).toEqual([1, 10]);
    window.add(off(9), 90);
    expect(window.full()).toBe(true);
    const growing = new Inflights(9, 1000);
    growing.add(off(5), 1);
    expect(() => growing.add(off(5), 1)).toThrow(/go back/);
  });
});

describe('Progress', () => {
  it('match only grows; next follows it', () => {
    const progress = new Progress(id(2), off(5), false, limits);
    expect(progress.maybeUpdate(off(3))).toBe(true);
    expect(progress.maybeUpdate(off(2))).toBe(false);
    expect([progress.match, progress.next]).toEqual([3, 5]);
    progress.maybeUpdate(off(7));
    expect(progress.next).toBe(8);
  });

  it('probe: one append, then paused until an answer', () => {
    const progress = new Progress(id(2), off(5), false, limits);
    expect(progress.isPaused()).toBe(false);
    progress.sentAppend(1, off(5), 10);
    expect(progress.isPaused()).toBe(true);
    expect(progress.next).toBe(5);
  });

  it('probe: uses the hint, ignores rejections of other probes', () => {
    const progress = new Progress(id(2), off(10), false, limits);
    progress.maybeUpdate(off(2));
    expect(progress.maybeDecrTo(off(7), off(4))).toBe(false); // not the current probe (9)
    expect(progress.maybeDecrTo(off(9), off(4))).toBe(true);
    expect(progress.next).toBe(5);
    expect(progress.maybeDecrTo(off(4), off(-1))).toBe(true);
    expect(progress.next).toBe(3); // never below match + 1
  });

  it('replicate: pipelines within the window; a rejection above match restarts from it', () => {
    const progress = new Progress(id(2), off(1), false, limits);
    progress.maybeUpdate(off(0));
    progress.becomeReplicate();
    for (const last of [1, 2, 3]) progress.sentAppend(1, off(last), 10);
    expect([progress.next, progress.isPaused()]).toEqual([4, true]);
    progress.inflights.freeTo(off(1));
    expect(progress.isPaused()).toBe(false);
    expect(progress.maybeDecrTo(off(0), off(0))).toBe(false);
    expect(progress.maybeDecrTo(off(2), off(0))).toBe(true);
    expect(progress.next).toBe(1);
  });

  it('snapshot: paused; back to probe from the snapshot end', () => {
    const progress = new Progress(id(2), off(1), false, limits);
    progress.becomeSnapshot(off(20));
    expect(progress.isPaused()).toBe(true);
    progress.becomeProbe();
    expect([progress.state, progress.next]).toEqual(['probe', 21]);
  });

  it('knows when sending the commit offset could still move the follower’s', () => {
    const progress = new Progress(id(2), off(6), false, limits);
    expect(progress.canBumpCommit(off(3))).toBe(true);
    progress.sentCommitOffset(off(5));
    expect(progress.canBumpCommit(off(6))).toBe(false);
  });
});

describe('quorums (Raft paper 5.2, 5.3)', () => {
  const voters = (...ids: number[]): NodeId[] => ids.map(id);

  it('takes the offset a majority holds', () => {
    const match = (values: Record<number, number>) => (node: NodeId) => off(values[node] ?? -1);
    expect(quorumMatch(voters(1), match({ 1: 4 }))).toBe(4);
    expect(quorumMatch(voters(1, 2, 3), match({ 1: 9, 2: 5, 3: 1 }))).toBe(5);
    expect(quorumMatch(voters(1, 2, 3, 4), match({ 1: 9, 2: 5, 3: 1, 4: 7 }))).toBe(5);
    expect(quorumMatch(voters(1, 2, 3, 4, 5), match({ 1: 9, 2: 8 }))).toBe(-1);
    expect(() => quorumMatch([], match({}))).toThrow();
  });

  it('tallies votes: won, lost, or pending', () => {
    const votes = (entries: [number, boolean][]) =>
      new Map(entries.map(([node, granted]) => [id(node), granted]));
    expect(
      tallyVotes(
        voters(1, 2, 3),
        votes([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('won');
    expect(
      tallyVotes(
        voters(1, 2, 3),
        votes([
          [1, true],
          [2, false],
        ]),
      ),
    ).toBe('pending');
    expect(
      tallyVotes(
        voters(1, 2, 3),
        votes([
          [2, false],
          [3, false],
        ]),
      ),
    ).toBe('lost');
    expect(
      tallyVotes(
        voters(1, 2, 3, 4),
        votes([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('pending');
    // Votes from non-voters are ignored.
    expect(
      tallyVotes(
        voters(1, 2, 3),
        votes([
          [1, true],
          [7, true],
        ]),
      ),
    ).toBe('pending');
    expect(hasQuorum(voters(1, 2, 3), (node) => node !== id(3))).toBe(true);
    expect(hasQuorum([], () => true)).toBe(false);
  });
});

describe('ReadIndexQueue (Raft thesis 6.4)', () => {
  const voters = [id(1), id(2), id(3)];

  it('gives the reads of one round one context; an answer confirms its round and earlier ones', () => {
    const queue = new ReadIndexQueue();
    queue.add(1, off(5));
    queue.add(2, off(5));
    expect(queue.roundPending).toBe(true);
    const first = queue.broadcastContext() ?? -1;
    expect(queue.roundPending).toBe(false);
    queue.add(3, off(6));
    const second = queue.broadcastContext() ?? -1;
    expect(second).toBe(first + 1);
    // No broadcast of its own for a round without reads: the newest context is repeated.
    expect(queue.broadcastContext()).toBe(second);
    expect(queue.release(voters, id(1))).toEqual([]);
    queue.ack(id(2), first);
    expect(queue.release(voters, id(1))).toEqual([
      { requestId: 1, offset: 5 },
      { requestId: 2, offset: 5 },
    ]);
    queue.ack(id(3), second + 1); // a context never sent: ignored
    expect(queue.release(voters, id(1))).toEqual([]);
    queue.ack(id(3), second);
    expect(queue.release(voters, id(1))).toEqual([{ requestId: 3, offset: 6 }]);
    expect(queue.pendingCount).toBe(0);
    expect(queue.broadcastContext()).toBeNull();
  });

  it('without this node as a voter, needs a quorum of the others', () => {
    const queue = new ReadIndexQueue();
    queue.add(1, off(0));
    const context = queue.broadcastContext() ?? -1;
    queue.ack(id(2), context);
    expect(queue.release(voters, null)).toEqual([]);
    queue.ack(id(3), context);
    expect(queue.release(voters, null)).toEqual([{ requestId: 1, offset: 0 }]);
  });

  it('drains waiting then pending requests, oldest first', () => {
    const queue = new ReadIndexQueue();
    queue.wait(3);
    expect(queue.takeWaiting()).toEqual([3]);
    queue.wait(4);
    queue.add(5, off(7));
    queue.add(6, off(7));
    expect(queue.pendingCount).toBe(3);
    expect(queue.drain()).toEqual([4, 5, 6]);
    expect(queue.pendingCount).toBe(0);
    expect(queue.roundPending).toBe(false);
  });
});
