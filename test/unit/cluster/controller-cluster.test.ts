import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_TIMING } from '../../../src/cluster/types.js';
import { BrookError } from '../../../src/protocol/errors.js';
import { ControllerCluster, addressOf } from './controller-cluster.js';
import type { ClusterNode } from './controller-cluster.js';
import { partitionState } from './fixtures.js';

const { brokerSessionTimeoutMs, brokerHeartbeatMs } = DEFAULT_CLUSTER_TIMING;

const SEEDS = (process.env['CLUSTER_SEEDS'] ?? '42,7,1234').split(',').map(Number);

let cluster: ControllerCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

function snapshotOf(node: ClusterNode): string {
  return new TextDecoder().decode(node.machine.snapshot());
}

function converged(nodes: ClusterNode[]): boolean {
  const [first, ...rest] = nodes;
  return first !== undefined && rest.every((node) => snapshotOf(node) === snapshotOf(first));
}

function rejected(outcome: PromiseSettledResult<unknown>): BrookError {
  if (outcome.status !== 'rejected' || !(outcome.reason instanceof BrookError)) {
    throw new Error(`expected a BrookError, got ${JSON.stringify(outcome)}`);
  }
  return outcome.reason;
}

describe('controller over three Raft replicas (in memory)', () => {
  it.each(SEEDS)(
    'elects, initialises once, registers, creates topics, fails over, fences (seed %i)',
    async (seed) => {
      const c = (cluster = new ControllerCluster([1, 2, 3], seed));
      for (const id of [1, 2, 3, 4]) await c.addBroker(id); // 4 is not a voter
      const all = [1, 2, 3, 4].map((id) => c.node(id));

      // A leader is elected and initialises the cluster id; everyone (4 as a learner) follows.
      expect(await c.runUntil(() => c.leader() !== undefined)).toBe(true);
      expect(
        await c.runUntil(() =>
          all.every(
            (node) => node.machine.brokers().length === 4 && node.machine.clusterId !== null,
          ),
        ),
      ).toBe(true);
      const first = c.leader();
      if (first === undefined) throw new Error('no leader');
      expect(first.replica.status().membership.learners).toEqual([4]);
      const clusterId = first.machine.clusterId;
      expect(all.map((node) => node.machine.clusterId)).toEqual([
        clusterId,
        clusterId,
        clusterId,
        clusterId,
      ]);
      expect(all.map((node) => node.machine.brokers().map((broker) => broker.address))).toEqual(
        all.map(() => [1, 2, 3, 4].map(addressOf)),
      );

      // Topic creation on the leader; a follower refuses with the leader's id.
      const created = await c.settle(
        first.controller.createTopic({
          name: 'orders',
          partitions: 6,
          replicationFactor: 3,
          configs: {},
        }),
      );
      expect(created.status).toBe('fulfilled');
      const follower = all.find((node) => node !== first && node.id !== 4);
      if (follower === undefined) throw new Error('no follower');
      const refused = rejected(
        await c.settle(
          follower.controller.createTopic({
            name: 'x',
            partitions: 1,
            replicationFactor: 1,
            configs: {},
          }),
        ),
      );
      expect(refused.code).toBe('NOT_LEADER');
      expect(refused.details['leader']).toBe(String(first.id));
      expect(await c.runUntil(() => converged(all))).toBe(true);
      expect(follower.machine.topic('orders')?.partitions).toHaveLength(6);

      // Partition leaders' states reach every broker's leader table through the heartbeats.
      const orders = follower.machine.topic('orders');
      if (orders === undefined) throw new Error('no topic');
      follower.leadership.states = [
        partitionState(orders.topicId, 0, follower.id, { topic: 'orders', highWatermark: 42 }),
      ];
      expect(
        await c.runUntil(() =>
          all.every((node) => node.cache.get(orders.topicId, 0)?.highWatermark === 42),
        ),
      ).toBe(true);

      // The controller leader's broker dies: another voter takes over and keeps serving.
      c.crash(first.id);
      const survivors = all.filter((node) => node !== first);
      expect(await c.runUntil(() => c.leader() !== undefined)).toBe(true);
      const second = c.leader();
      if (second === undefined) throw new Error('no new leader');
      expect(second.id).not.toBe(first.id);
      const after = await c.settle(
        second.controller.createTopic({
          name: 'after-failover',
          partitions: 3,
          replicationFactor: 3,
          configs: {},
        }),
      );
      expect(after.status).toBe('fulfilled');

      // The silent broker is fenced once its session times out on the new leader.
      expect(
        await c.runUntil(
          () => second.machine.broker(first.id)?.fenced === true,
          brokerSessionTimeoutMs + 4 * brokerHeartbeatMs,
        ),
      ).toBe(true);
      const tooMany = rejected(
        await c.settle(
          second.controller.createTopic({
            name: 'wide',
            partitions: 1,
            replicationFactor: 4,
            configs: {},
          }),
        ),
      );
      expect(tooMany.code).toBe('INVALID_REPLICATION_FACTOR');
      expect(tooMany.message).toMatch(/larger than the 3 live brokers/);
      const description = await c.settle(second.controller.describeCluster());
      expect(description.status === 'fulfilled' && description.value.controllerId).toBe(second.id);

      // Every survivor applied the same log: the same state, one cluster id, set once.
      expect(await c.runUntil(() => converged(survivors))).toBe(true);
      for (const node of survivors) {
        expect(node.heard.filter((type) => type === 'cluster')).toHaveLength(1);
        expect(node.machine.clusterId).toBe(clusterId);
        expect(node.machine.topics().map((topic) => topic.name)).toEqual([
          'after-failover',
          'orders',
        ]);
      }
    },
  );
});
