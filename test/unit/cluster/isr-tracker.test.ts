/**
 * The ISR by Kafka's lastCaughtUpTime rule, from progress samples: a follower that keeps up
 * (even trailing by what is in flight) stays in, one that stops leaves replicaLagTimeMs after
 * it was last caught up, and comes back as soon as it catches up again.
 */
import { describe, expect, it } from 'vitest';
import { IsrTracker, UNCONFIRMED_GRACE_MS } from '../../../src/cluster/isr-tracker.js';
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
  it('a new leader drops a member that never answers in its term after the grace, not the lag time', () => {
    const isr = new IsrTracker();
    const probing = (matches: Record<number, number>, unconfirmed: number): FollowerProgress[] =>
      progress(matches).map((follower) =>
        follower.id === unconfirmed ? { ...follower, state: 'probe' as const } : follower,
      );
    // Term 7 begins: both followers get the benefit of the doubt.
    isr.sample(
      7,
      0,
      50,
      probing({ 2: -1, 3: -1 }, 3).map((f) => ({ ...f, state: 'probe' })),
    );
    expect(isr.inSync(leader, members, 0, LAG_MS)).toEqual([1, 2, 3]);
    // 2 answers; 3 (it died with the old leader) never does.
    for (let nowMs = 50; nowMs <= UNCONFIRMED_GRACE_MS; nowMs += 50) {
      isr.sample(7, nowMs, 50, probing({ 2: 50, 3: -1 }, 3));
    }
    expect(isr.inSync(leader, members, UNCONFIRMED_GRACE_MS, LAG_MS)).toEqual([1, 2, 3]);
    isr.sample(7, UNCONFIRMED_GRACE_MS + 50, 50, probing({ 2: 50, 3: -1 }, 3));
    expect(isr.inSync(leader, members, UNCONFIRMED_GRACE_MS + 50, LAG_MS)).toEqual([1, 2]);
    // Back and caught up: in again.
    isr.sample(7, 3_000, 50, progress({ 2: 50, 3: 50 }));
    expect(isr.inSync(leader, members, 3_000, LAG_MS)).toEqual([1, 2, 3]);
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

  it('gives every member the benefit of the doubt in a new term, and none to a new member', () => {
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
