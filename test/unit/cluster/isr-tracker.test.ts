/**
 * The ISR by Kafka's lastCaughtUpTime rule, from progress samples: a follower that keeps up
 * (even trailing by what is in flight) stays in, one that stops leaves replicaLagTimeMs after
 * it was last caught up, and comes back as soon as it catches up again.
 */
import { describe, expect, it } from 'vitest';
import { IsrTracker } from '../../../src/cluster/isr-tracker.js';
import type { FollowerProgress } from '../../../src/raft/types.js';
import { asBrokerId, asOffset } from '../../../src/util/brand.js';

const LAG_MS = 10_000;
const leader = asBrokerId(1);
const members = [1, 2, 3].map(asBrokerId);

function progress(matches: Record<number, number>): FollowerProgress[] {
  return Object.entries(matches).map(([id, match]) => ({
    id: asBrokerId(Number(id)),
    match: asOffset(match),
    next: asOffset(match + 1),
    state: 'replicate',
    inflightMessages: 0,
    isLearner: false,
  }));
}

describe('IsrTracker', () => {
  it('a new leader counts a member in sync once it answered in the new term, from the term start', () => {
    const isr = new IsrTracker();
    const probing = (matches: Record<number, number>, unconfirmed: number): FollowerProgress[] =>
      progress(matches).map((follower) =>
        follower.id === unconfirmed ? { ...follower, state: 'probe' as const } : follower,
      );
    // Term 7 begins: nobody has answered yet.
    isr.sample(
      7,
      0,
      50,
      probing({ 2: -1, 3: -1 }, 3).map((f) => ({ ...f, state: 'probe' })),
    );
    expect(isr.inSync(leader, members, 0, LAG_MS)).toEqual([1]);
    // 2 answers at once; 3 (it died with the old leader) never does.
    isr.sample(7, 20, 50, probing({ 2: 50, 3: -1 }, 3));
    expect(isr.inSync(leader, members, 20, LAG_MS)).toEqual([1, 2]);
    isr.sample(7, 5_000, 50, probing({ 2: 50, 3: -1 }, 3));
    expect(isr.inSync(leader, members, 5_000, LAG_MS)).toEqual([1, 2]);
    // Back and caught up: in at once.
    isr.sample(7, 6_000, 50, progress({ 2: 50, 3: 50 }));
    expect(isr.inSync(leader, members, 6_000, LAG_MS)).toEqual([1, 2, 3]);
  });

  it('keeps a follower that trails by what is in flight, drops one that stopped', () => {
    const isr = new IsrTracker();
    isr.sample(5, 0, 100, progress({ 2: 100, 3: 100 }));
    let lastOffset = 100;
    for (let nowMs = 50; nowMs <= 20_000; nowMs += 50) {
      lastOffset += 10;
      // 2 is always one sample behind the leader's end; 3 stopped at offset 100.
      isr.sample(5, nowMs, lastOffset, progress({ 2: lastOffset - 10, 3: 100 }));
      if (nowMs === 9_000) expect(isr.inSync(leader, members, nowMs, LAG_MS)).toEqual([1, 2, 3]);
    }
    expect(isr.inSync(leader, members, 20_000, LAG_MS)).toEqual([1, 2]);
    // 3 catches up: back at once.
    isr.sample(5, 20_050, lastOffset, progress({ 2: lastOffset, 3: lastOffset }));
    expect(isr.inSync(leader, members, 20_050, LAG_MS)).toEqual([1, 2, 3]);
  });

  it('counts an answering member caught up from the start of a new term, a new member not', () => {
    const isr = new IsrTracker();
    isr.sample(1, 0, 10, progress({ 2: 10, 3: 10 }));
    isr.sample(2, 1_000, 50, progress({ 2: -1, 3: -1 }));
    expect(isr.inSync(leader, members, 5_000, LAG_MS)).toEqual([1, 2, 3]);
    expect(isr.inSync(leader, members, 12_000, LAG_MS)).toEqual([1]);
    // A learner added during the term is out until it has caught up once.
    const withLearner = [...members, asBrokerId(4)];
    isr.sample(2, 12_050, 50, progress({ 2: 50, 3: 50, 4: 10 }));
    expect(isr.inSync(leader, withLearner, 12_050, LAG_MS)).toEqual([1, 2, 3]);
    isr.sample(2, 12_100, 50, progress({ 2: 50, 3: 50, 4: 50 }));
    expect(isr.inSync(leader, withLearner, 12_100, LAG_MS)).toEqual([1, 2, 3, 4]);
  });
});
