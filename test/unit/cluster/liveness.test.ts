import { describe, expect, it } from 'vitest';
import { BrokerLiveness, commandForHeartbeat } from '../../../src/cluster/liveness.js';
import { preferredLeaderMoves } from '../../../src/cluster/leader-balancer.js';
import { LeaderTableAggregator } from '../../../src/cluster/leader-table.js';
import type { BrokerRegistration, TopicAssignment } from '../../../src/cluster/types.js';
import { b, partitionState } from './fixtures.js';

const live = (id: number, fenced = false): BrokerRegistration => ({
  id: b(id),
  address: `h${id}:1`,
  fenced,
});

describe('BrokerLiveness', () => {
  it('fences brokers silent beyond the session timeout, counting from the leader start', () => {
    const liveness = new BrokerLiveness(6_000, 1_000);
    const brokers = [live(1), live(2), live(3, true)];
    liveness.heard(b(1), 5_000);
    expect(liveness.expired(brokers, 7_000)).toEqual([]);
    expect(liveness.expired(brokers, 7_001)).toEqual([2]); // never heard: from the start
    expect(liveness.expired(brokers, 11_001)).toEqual([1, 2]); // 3 is already fenced
    liveness.heard(b(2), 11_001);
    expect(liveness.expired(brokers, 11_002)).toEqual([1]);
  });

  it('lists the unfenced brokers it never heard', () => {
    const liveness = new BrokerLiveness(6_000, 0);
    const brokers = [live(3), live(1), live(2), live(4, true)];
    expect(liveness.unheard(brokers)).toEqual([1, 2, 3]);
    liveness.heard(b(2), 10);
    expect(liveness.unheard(brokers)).toEqual([1, 3]);
    liveness.heard(b(1), 20);
    liveness.heard(b(3), 30);
    expect(liveness.unheard(brokers)).toEqual([]); // 4 is fenced: not waited for
  });
});

describe('commandForHeartbeat', () => {
  it('registers the unknown, re-registers a new address, unfences the fenced', () => {
    expect(commandForHeartbeat(undefined, b(4), 'h4:1')).toEqual({
      type: 'registerBroker',
      broker: 4,
      address: 'h4:1',
    });
    expect(commandForHeartbeat(live(4), b(4), 'moved:1')).toMatchObject({ type: 'registerBroker' });
    expect(commandForHeartbeat(live(4, true), b(4), 'h4:1')).toEqual({
      type: 'unfenceBroker',
      broker: 4,
    });
    expect(commandForHeartbeat(live(4), b(4), 'h4:1')).toBeNull();
  });
});

describe('preferredLeaderMoves', () => {
  const topic: TopicAssignment = {
    name: 'orders',
    topicId: 't',
    replicationFactor: 3,
    configs: {},
    partitions: [0, 1, 2, 3].map((partition) => ({
      partition,
      replicas: [
        b(1 + (partition % 3)),
        b(1 + ((partition + 1) % 3)),
        b(1 + ((partition + 2) % 3)),
      ],
    })),
    createdAtMs: 0,
  };

  it('moves leaders back to their preferred replica only when it is live and in sync', () => {
    const table = new LeaderTableAggregator(1);
    // p0 prefers 1 (led by 2: move); p1 prefers 2 (led by 2: fine);
    // p2 prefers 3 (led by 1, 3 not in ISR: wait); p3 prefers 1 (led by 3, 1 in ISR: move).
    table.report(b(2), [partitionState('t', 0, 2), partitionState('t', 1, 2)]);
    table.report(b(1), [partitionState('t', 2, 1, { isr: [b(1), b(2)] })]);
    table.report(b(3), [partitionState('t', 3, 3)]);
    const brokers = [live(1), live(2), live(3)];
    expect(preferredLeaderMoves([topic], brokers, table)).toEqual([
      { topicId: 't', topic: 'orders', partition: 0, from: 2, to: 1 },
      { topicId: 't', topic: 'orders', partition: 3, from: 3, to: 1 },
    ]);
    // Preferred broker fenced: no move; current leader fenced: no move.
    expect(preferredLeaderMoves([topic], [live(1, true), live(2), live(3)], table)).toEqual([]);
    expect(preferredLeaderMoves([topic], [live(1), live(2, true), live(3)], table)).toHaveLength(1);
    expect(preferredLeaderMoves([topic], brokers, table, 1)).toHaveLength(1);
  });
});
