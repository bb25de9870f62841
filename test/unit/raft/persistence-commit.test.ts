/**
 * The commit offset a Ready persists (types.ts, HardState.commit). On restart the core clamps
 * the persisted commit to its recovered log's end; that is sound only if the log below it holds
 * the committed entries. So the commit placed in `Ready.hardState` is capped at what was
 * durable before that Ready: a Ready that truncates a conflicting suffix and raises the commit
 * over the new entries must not persist a commit naming entries that exist only in its own log
 * writes — if the hard state became durable and those writes did not, the restarted node would
 * apply the old, never committed entries at those offsets.
 */
import { describe, expect, it } from 'vitest';
import { createRaftNode } from '../../../src/raft/index.js';
import { entriesOfTerms, id, off } from './network.js';
import { configOf, cycle, storageOf, t } from './fixtures.js';
import { runSeed } from './fuzz-seed.js';
import type { Message, RaftStorageState, Ready } from '../../../src/raft/index.js';

/** A crash after `ready`'s hard state was written and before its log writes were. */
function restartWithHardStateOnly(before: RaftStorageState, ready: Ready, applied = off(0)) {
  return createRaftNode(configOf(1), {
    hardState: ready.hardState ?? before.hardState,
    snapshot: before.snapshot,
    entries: before.entries,
    applied,
  });
}

describe('hard state durable ahead of the log', () => {
  it('a restarted follower never applies entries the leader overwrote (commit hint past a lost truncation)', () => {
    // Follower 1: [0..3] of term 1 durable, commit 0. Leader 2 of term 2 holds [0, 1] of term 1
    // then [2, 3] of term 2, committed up to 3.
    const before = storageOf({ terms: [1, 1, 1, 1], term: 1, commit: 0 });
    const follower = createRaftNode(configOf(1), { ...before, applied: off(0) });
    follower.step({
      type: 'append',
      from: id(2),
      to: id(1),
      term: t(2),
      prevLastOffset: off(1),
      prevTerm: t(1),
      entries: entriesOfTerms([2, 2], 2),
      commit: off(3),
    });
    const ready = follower.ready();
    expect(ready.truncateFrom).toBe(2);
    // The follower now knows 3 is committed (and applies it after this Ready is durable), but
    // the hard state of this Ready commits only what was durable before it: [0, 1].
    expect(ready.committed).toEqual({ from: 1, to: 3 });
    expect(ready.hardState).toMatchObject({ term: 2, commit: 1 });
    // Crash: the hard state write completed, the log truncation + append did not.
    const restarted = restartWithHardStateOnly({ ...before, applied: off(0) }, ready);
    const first = restarted.ready();
    // Offsets 2 and 3 of term 1 were never committed: applying them breaks state machine safety.
    const appliedTo = first.committed?.to ?? 0;
    expect(appliedTo, 'applies the overwritten term-1 entries at 2..3').toBeLessThanOrEqual(1);
  });

  it('the commit hint catches up in a later Ready once the entries are durable', () => {
    const follower = createRaftNode(configOf(1), {
      ...storageOf({ terms: [1], term: 1 }),
      applied: off(-1),
    });
    follower.step({
      type: 'append',
      from: id(2),
      to: id(1),
      term: t(1),
      prevLastOffset: off(0),
      prevTerm: t(1),
      entries: entriesOfTerms([1, 1], 1),
      commit: off(2),
    });
    const first = cycle(follower);
    expect(first.hardState?.commit).toBe(0);
    expect(first.committed).toEqual({ from: 0, to: 2 });
    expect(follower.hasReady()).toBe(true);
    const second = cycle(follower);
    expect(second).toMatchObject({ entries: [], committed: null, mustSync: false });
    expect(second.hardState?.commit).toBe(2);
    expect(follower.hasReady()).toBe(false);
  });

  it('a snapshot over a divergent log persists no commit beyond the old commit offset', () => {
    // Follower 1 holds [0] of term 1 durably, never committed; leader 2 of term 2 sends its
    // snapshot at 3 (whose entry 0 is its own, of term 2).
    const before = { ...storageOf({ terms: [1], term: 1 }), applied: off(-1) };
    const follower = createRaftNode(configOf(1), before);
    const snapshot: Message = {
      type: 'installSnapshot',
      from: id(2),
      to: id(1),
      term: t(2),
      snapshot: { lastOffset: off(3), term: t(2), membership: before.snapshot.membership },
    };
    follower.step(snapshot);
    const ready = follower.ready();
    expect(ready.snapshot?.lastOffset).toBe(3);
    // Our durable entry 0 is not the group's entry 0: it must not be persisted as committed.
    expect(ready.hardState?.commit).toBe(-1);
    const restarted = restartWithHardStateOnly(before, ready, off(-1));
    expect(restarted.status().commit).toBe(-1);
  });

  it('randomized: Readys outstanding across events, crash keeps the hard state but not the log', () => {
    // The full randomized run (all crash modes) is fuzz.test.ts; this one keeps only the hard
    // state of every crashed Ready.
    const failures: string[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      try {
        runSeed(seed, { steps: 4000, crash: 'hardState' });
      } catch (error) {
        failures.push(`seed ${seed}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
