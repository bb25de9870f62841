/**
 * Replica placement: which brokers hold the replicas of new partitions (a new topic, or
 * partitions added to one). Pure and deterministic: the same brokers, topics and seed (the
 * topic id) give the same placement on any broker.
 *
 * Greedy, one partition at a time, so that partitions added later continue the same spread:
 * - the preferred leader (replicas[0]) is the live broker leading the fewest partitions of this
 *   topic, then the fewest replicas of this topic, then the fewest leaders cluster-wide;
 * - each further replica is the live broker not yet in the set holding the fewest replicas of
 *   this topic, then the fewest cluster-wide;
 * - remaining ties go to a seeded rank (a hash of the topic id and the broker id), so topics
 *   created on an empty cluster do not all start on the same broker.
 * On a cluster whose live brokers did not change, each broker then leads within one partition
 * of every other for the topic, and holds within one replica of every other.
 *
 * Worked example: brokers [1, 2, 3], 3 partitions, replication factor 2, ranks 3 < 2 < 1:
 *   p0 [3, 2] (all equal: ranks decide); p1 [1, 3] (1 and 2 lead none, 1 holds no replica;
 *   2 and 3 hold one each, 3 ranks first); p2 [2, 1] (2 is the one leading none; 1 holds one
 *   replica, 3 two).
 *
 * Must not: place two replicas of a partition on one broker, use a fenced broker, or read
 * anything but its input.
 */
import { assert } from '../util/assert.js';
import type { BrokerId } from '../util/brand.js';
import type { PartitionAssignment, TopicAssignment } from './types.js';

export interface PlacementInput {
  /** Live (registered, unfenced) brokers: the only candidates. */
  readonly brokers: readonly BrokerId[];
  /** Every topic in the metadata (cluster-wide load for tie-breaks). */
  readonly topics: readonly TopicAssignment[];
  /** The topic's current partitions (empty for a new topic). */
  readonly existing: readonly PartitionAssignment[];
  /** How many partitions to add after the existing ones. */
  readonly count: number;
  readonly replicationFactor: number;
  /** The topic id: seeds the tie-break order. */
  readonly seed: string;
}

interface Load {
  topicLeaders: number;
  topicReplicas: number;
  clusterLeaders: number;
  clusterReplicas: number;
  readonly rank: number;
}

/** 32-bit FNV-1a: a stable, well-spread hash for tie-breaking (not for security). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function loadsOf(input: PlacementInput): Map<BrokerId, Load> {
  const loads = new Map<BrokerId, Load>();
  for (const broker of input.brokers) {
    loads.set(broker, {
      topicLeaders: 0,
      topicReplicas: 0,
      clusterLeaders: 0,
      clusterReplicas: 0,
      rank: fnv1a32(`${input.seed}/${broker}`),
    });
  }
  const count = (replicas: readonly BrokerId[], scope: 'topic' | 'cluster'): void => {
    replicas.forEach((broker, index) => {
      const load = loads.get(broker);
      if (load === undefined) return;
      if (scope === 'topic') {
        load.topicReplicas += 1;
        if (index === 0) load.topicLeaders += 1;
      } else {
        load.clusterReplicas += 1;
        if (index === 0) load.clusterLeaders += 1;
      }
    });
  };
  for (const topic of input.topics) {
    for (const partition of topic.partitions) count(partition.replicas, 'cluster');
  }
  for (const partition of input.existing) count(partition.replicas, 'topic');
  return loads;
}

/** The candidate with the smallest key (lexicographic), ties broken by broker id. */
function pick(
  loads: Map<BrokerId, Load>,
  exclude: ReadonlySet<BrokerId>,
  key: (load: Load) => readonly number[],
): BrokerId {
  let best: { broker: BrokerId; key: readonly number[] } | null = null;
  for (const [broker, load] of loads) {
    if (exclude.has(broker)) continue;
    const candidate = key(load);
    if (best === null || lexicographicLess(candidate, best.key, broker, best.broker)) {
      best = { broker, key: candidate };
    }
  }
  assert(best !== null, 'placement: no candidate broker left');
  return best.broker;
}

function lexicographicLess(
  a: readonly number[],
  b: readonly number[],
  brokerA: number,
  brokerB: number,
): boolean {
  for (let index = 0; index < a.length; index++) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    if (x !== y) return x < y;
  }
  return brokerA < brokerB;
}

/**
 * Assignments for `count` new partitions numbered after the existing ones. The caller checked
 * that `replicationFactor` <= the live brokers (asserted here).
 */
export function placePartitions(input: PlacementInput): PartitionAssignment[] {
  assert(input.replicationFactor >= 1, 'placement: replication factor must be positive');
  assert(
    input.replicationFactor <= new Set(input.brokers).size,
    'placement: more replicas than live brokers',
  );
  const loads = loadsOf(input);
  const placed: PartitionAssignment[] = [];
  for (let index = 0; index < input.count; index++) {
    const partition = input.existing.length + index;
    const chosen = new Set<BrokerId>();
    const leader = pick(loads, chosen, (load) => [
      load.topicLeaders,
      load.topicReplicas,
      load.clusterLeaders,
      load.rank,
    ]);
    chosen.add(leader);
    const replicas: BrokerId[] = [leader];
    while (replicas.length < input.replicationFactor) {
      const follower = pick(loads, chosen, (load) => [
        load.topicReplicas,
        load.clusterReplicas,
        load.rank,
      ]);
      chosen.add(follower);
      replicas.push(follower);
    }
    for (const [position, broker] of replicas.entries()) {
      const load = loads.get(broker);
      assert(load !== undefined);
      load.topicReplicas += 1;
      load.clusterReplicas += 1;
      if (position === 0) {
        load.topicLeaders += 1;
        load.clusterLeaders += 1;
      }
    }
    placed.push({ partition, replicas });
  }
  return placed;
}
