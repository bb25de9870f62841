import { describe, expect, it } from 'vitest';
import { LeaderTableAggregator, LeaderTableCache } from '../../../src/cluster/leader-table.js';
import { b, partitionState } from './fixtures.js';

describe('LeaderTableAggregator', () => {
  it('versions every change and answers deltas since a version', () => {
    const table = new LeaderTableAggregator(7);
    table.report(b(1), [partitionState('t', 0, 1), partitionState('t', 1, 1)]);
    expect(table.version).toBe(2);
    const seen = { epoch: 7, version: table.version };
    table.report(b(1), [
      partitionState('t', 0, 1),
      partitionState('t', 1, 1, { highWatermark: 10 }),
    ]);
    expect(table.version).toBe(3);
    const delta = table.deltaSince(seen);
    expect(delta.full).toBe(false);
    expect(delta.changed.map((state) => [state.partition, state.highWatermark])).toEqual([[1, 10]]);
    expect(delta.removed).toEqual([]);
    expect(table.deltaSince({ epoch: 7, version: 3 }).changed).toEqual([]);
  });

  it('sends the full table to a broker that saw another epoch', () => {
    const table = new LeaderTableAggregator(8);
    table.report(b(1), [partitionState('t', 0, 1)]);
    const delta = table.deltaSince({ epoch: 7, version: 99 });
    expect(delta).toMatchObject({ epoch: 8, version: 1, full: true, removed: [] });
    expect(delta.changed).toHaveLength(1);
  });

  it('prefers the higher leader epoch; ignores stale leaders and non-leaders', () => {
    const table = new LeaderTableAggregator(1);
    table.report(b(1), [partitionState('t', 0, 1, { leaderEpoch: 3 })]);
    table.report(b(2), [partitionState('t', 0, 2, { leaderEpoch: 2 })]); // older term
    expect(table.get('t', 0)?.leader).toBe(1);
    table.report(b(2), [partitionState('t', 0, 1, { leaderEpoch: 9 })]); // not its own
    expect(table.get('t', 0)?.leaderEpoch).toBe(3);
    table.report(b(3), [partitionState('t', 0, 3, { leaderEpoch: 4 })]);
    expect(table.get('t', 0)?.leader).toBe(3);
    // Broker 1 no longer claims it; the entry is 3's now, so 1's silence removes nothing.
    table.report(b(1), []);
    expect(table.get('t', 0)?.leader).toBe(3);
  });

  it('removes what a leader stopped reporting, and says so in the delta', () => {
    const table = new LeaderTableAggregator(1);
    table.report(b(1), [partitionState('t', 0, 1), partitionState('t', 1, 1)]);
    const seen = { epoch: 1, version: table.version };
    table.report(b(1), [partitionState('t', 0, 1)]);
    expect(table.get('t', 1)).toBeUndefined();
    expect(table.deltaSince(seen)).toMatchObject({
      full: false,
      changed: [],
      removed: [{ topicId: 't', partition: 1 }],
    });
    // A full table never lists removals.
    expect(table.deltaSince({ epoch: 0, version: 0 })).toMatchObject({ full: true, removed: [] });
  });

  it('forgets old removals beyond its bound, then answers older versions in full', () => {
    const table = new LeaderTableAggregator(1, [], 4);
    const states = Array.from({ length: 10 }, (_, partition) => partitionState('t', partition, 1));
    table.report(b(1), states);
    const old = { epoch: 1, version: table.version };
    table.removeWhere(() => true);
    const recent = { epoch: 1, version: table.version };
    expect(table.deltaSince(old).full).toBe(true);
    expect(table.deltaSince(recent).full).toBe(false);
  });

  it('starts from a seed (the new leader keeps what it knew as a follower)', () => {
    const table = new LeaderTableAggregator(5, [partitionState('t', 0, 2)]);
    expect(table.get('t', 0)?.leader).toBe(2);
    expect(table.deltaSince({ epoch: 4, version: 1 }).full).toBe(true);
  });
});

describe('LeaderTableCache', () => {
  it('follows the aggregator through deltas and full answers', () => {
    const table = new LeaderTableAggregator(1);
    const cache = new LeaderTableCache();
    const sync = (): void => cache.apply(table.deltaSince(cache.version));
    table.report(b(1), [partitionState('t', 0, 1), partitionState('t', 1, 1)]);
    sync();
    expect(cache.size).toBe(2);
    table.report(b(1), [partitionState('t', 0, 1, { highWatermark: 5 })]);
    table.report(b(2), [partitionState('u', 0, 2)]);
    sync();
    expect(cache.get('t', 0)?.highWatermark).toBe(5);
    expect(cache.get('t', 1)).toBeUndefined();
    expect(cache.get('u', 0)?.leader).toBe(2);
    expect(cache.version).toEqual({ epoch: 1, version: table.version });
    // A new controller leader (new epoch) with a smaller table: replaced wholesale.
    const next = new LeaderTableAggregator(2);
    next.report(b(2), [partitionState('u', 0, 2)]);
    cache.apply(next.deltaSince(cache.version));
    expect(cache.states().map((state) => state.topicId)).toEqual(['u']);
    cache.forgetTopic('u');
    expect(cache.size).toBe(0);
  });
});
