import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placePartitions } from '../../../src/cluster/placement.js';
import type { PartitionAssignment, TopicAssignment } from '../../../src/cluster/types.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { b } from './fixtures.js';

function spread(counts: Map<BrokerId, number>, brokers: readonly BrokerId[]): number {
  const values = brokers.map((id) => counts.get(id) ?? 0);
  return Math.max(...values) - Math.min(...values);
}

function countLeaders(partitions: readonly PartitionAssignment[]): Map<BrokerId, number> {
  const counts = new Map<BrokerId, number>();
  for (const { replicas } of partitions) {
    const leader = replicas[0];
    if (leader !== undefined) counts.set(leader, (counts.get(leader) ?? 0) + 1);
  }
  return counts;
}

function countReplicas(partitions: readonly PartitionAssignment[]): Map<BrokerId, number> {
  const counts = new Map<BrokerId, number>();
  for (const { replicas } of partitions) {
    for (const id of replicas) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const brokersArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 9 })
  .map((ids) => ids.map(b));

const caseArb = brokersArb.chain((brokers) =>
  fc.record({
    brokers: fc.constant(brokers),
    count: fc.integer({ min: 1, max: 60 }),
    replicationFactor: fc.integer({ min: 1, max: brokers.length }),
    seed: fc.string({ minLength: 1, maxLength: 12 }),
  }),
);

function topicOf(name: string, partitions: PartitionAssignment[]): TopicAssignment {
  return {
    name,
    topicId: name,
    replicationFactor: partitions[0]?.replicas.length ?? 1,
    configs: {},
    partitions,
    createdAtMs: 0,
  };
}

describe('placePartitions', () => {
  it('never puts two replicas of a partition on one broker, nor on a non-live broker', () => {
    fc.assert(
      fc.property(caseArb, ({ brokers, count, replicationFactor, seed }) => {
        const placed = placePartitions({
          brokers,
          topics: [],
          existing: [],
          count,
          replicationFactor,
          seed,
        });
        expect(placed).toHaveLength(count);
        for (const [index, partition] of placed.entries()) {
          expect(partition.partition).toBe(index);
          expect(partition.replicas).toHaveLength(replicationFactor);
          expect(new Set(partition.replicas).size).toBe(replicationFactor);
          for (const id of partition.replicas) expect(brokers).toContain(id);
        }
      }),
    );
  });

  it('spreads leaders and replicas within one of each other across the live brokers', () => {
    fc.assert(
      fc.property(caseArb, ({ brokers, count, replicationFactor, seed }) => {
        const placed = placePartitions({
          brokers,
          topics: [],
          existing: [],
          count,
          replicationFactor,
          seed,
        });
        expect(spread(countLeaders(placed), brokers)).toBeLessThanOrEqual(1);
        expect(spread(countReplicas(placed), brokers)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('keeps the spread when partitions are added later, in several steps', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 4 }),
        ({ brokers, count, replicationFactor, seed }, additions) => {
          let partitions = placePartitions({
            brokers,
            topics: [],
            existing: [],
            count,
            replicationFactor,
            seed,
          });
          for (const added of additions) {
            const topics = [topicOf('t', partitions)];
            const more = placePartitions({
              brokers,
              topics,
              existing: partitions,
              count: added,
              replicationFactor,
              seed,
            });
            expect(more[0]?.partition).toBe(partitions.length);
            partitions = [...partitions, ...more];
          }
          expect(spread(countLeaders(partitions), brokers)).toBeLessThanOrEqual(1);
          expect(spread(countReplicas(partitions), brokers)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('is deterministic given the state and the seed', () => {
    fc.assert(
      fc.property(caseArb, (input) => {
        const first = placePartitions({ ...input, topics: [], existing: [] });
        const second = placePartitions({
          ...input,
          brokers: [...input.brokers].reverse(),
          topics: [],
          existing: [],
        });
        expect(second).toEqual(first);
      }),
    );
  });

  it('balances the cluster-wide load across topics: single-partition topics rotate leaders', () => {
    const brokers = [b(1), b(2), b(3)];
    const topics: TopicAssignment[] = [];
    for (let index = 0; index < 9; index++) {
      const placed = placePartitions({
        brokers,
        topics,
        existing: [],
        count: 1,
        replicationFactor: 1,
        seed: `topic-${index}`,
      });
      topics.push(topicOf(`topic-${index}`, placed));
    }
    const all = topics.flatMap((topic) => topic.partitions);
    expect([...countLeaders(all).values()]).toEqual([3, 3, 3]);
  });

  it('refuses (asserts) more replicas than live brokers', () => {
    expect(() =>
      placePartitions({
        brokers: [b(1), b(2)],
        topics: [],
        existing: [],
        count: 1,
        replicationFactor: 3,
        seed: 's',
      }),
    ).toThrow(/more replicas than live brokers/);
  });
});
