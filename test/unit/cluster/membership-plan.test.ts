/**
 * The steps a partition leader takes toward its assigned replica set: learners first, promoted
 * once caught up, then the replicas outside the target leave, the leader last (by handing
 * leadership to the most caught-up target voter).
 */
import { describe, expect, it } from 'vitest';
import { nextMembershipStep } from '../../../src/cluster/membership-plan.js';
import type { FollowerProgress, Membership } from '../../../src/raft/types.js';
import { asBrokerId, asOffset } from '../../../src/util/brand.js';
import { membershipAfter } from '../../../src/raft/index.js';

const ids = (...values: number[]) => values.map(asBrokerId);
const membership = (voters: number[], learners: number[] = []): Membership => ({
  voters: ids(...voters),
  learners: ids(...learners),
});

function progressOf(matches: Record<number, number>): FollowerProgress[] {
  return Object.entries(matches).map(([id, match]) => ({
    id: asBrokerId(Number(id)),
    match: asOffset(match),
    next: asOffset(match + 1),
    state: 'replicate',
    inflightMessages: 0,
    isLearner: false,
  }));
}

describe('nextMembershipStep', () => {
  it('walks [1,2,3] to [1,2,4] one single-server change at a time', () => {
    let current = membership([1, 2, 3]);
    const target = ids(1, 2, 4);
    const steps: string[] = [];
    for (let round = 0; round < 10; round++) {
      const step = nextMembershipStep(asBrokerId(1), current, target, progressOf({}));
      if (step.kind === 'none') break;
      if (step.kind !== 'change') throw new Error('no transfer expected');
      steps.push(`${step.change.type} ${step.change.node}`);
      const after = membershipAfter(current, step.change);
      if (!after.ok) throw new Error(after.reason);
      current = after.membership;
    }
    expect(steps).toEqual(['addLearner 4', 'promote 4', 'remove 3']);
    expect(current).toEqual(membership([1, 2, 4]));
  });

  it('has the leader leave last, handing over to the most caught-up target voter', () => {
    const step = nextMembershipStep(
      asBrokerId(3),
      membership([1, 2, 3, 4]),
      ids(1, 2, 4),
      progressOf({ 1: 90, 2: 100, 4: 80 }),
    );
    expect(step).toEqual({ kind: 'transfer', target: 2 });
  });

  it('removes learners the target no longer has, and does nothing when done', () => {
    expect(nextMembershipStep(asBrokerId(1), membership([1, 2, 3], [4]), ids(1, 2, 3), [])).toEqual(
      { kind: 'change', change: { type: 'remove', node: 4 } },
    );
    expect(nextMembershipStep(asBrokerId(1), membership([1, 2, 3]), ids(3, 1, 2), [])).toEqual({
      kind: 'none',
    });
  });
});
