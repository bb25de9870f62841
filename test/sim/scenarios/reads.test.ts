/**
 * Linearizable reads (ReadIndex): a read point covers every write acknowledged before the read
 * began, only the leader serves reads, and a leader cut off from its quorum never answers one
 * with a stale point (it cannot confirm its leadership; it refuses once it steps down).
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../src/raft/types.js';
import type { SimCluster } from '../cluster.js';
import { commit, expectNoViolations, newCluster, othersThan, waitForLeader } from './helpers.js';

/** Runs the simulation until the read answers; its outcome, or 'pending'. */
async function read(
  cluster: SimCluster,
  node: NodeId,
  maxTicks = 100,
): Promise<number | null | 'pending'> {
  const box: { outcome: number | null | 'pending' } = { outcome: 'pending' };
  void cluster.read(node).then((offset) => (box.outcome = offset));
  await cluster.tickUntil(() => box.outcome !== 'pending', maxTicks);
  return box.outcome;
}

describe('reads', () => {
  it('the leader answers at or after every acknowledged write; a follower refuses', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    const written = await commit(cluster, 'w1');
    const offset = await read(cluster, leader);
    expect(offset).toBeGreaterThanOrEqual(written.result?.lastOffset ?? Number.POSITIVE_INFINITY);
    expect(await read(cluster, othersThan(cluster, leader)[0] as NodeId)).toBeNull();
    expectNoViolations(cluster);
  });

  it('a deposed leader cut off from its quorum never serves a stale read', async () => {
    const cluster = await newCluster(3);
    const old = await waitForLeader(cluster);
    await commit(cluster, 'before');
    cluster.isolate(old);
    const stale: { outcome: number | null | 'pending' } = { outcome: 'pending' };
    void cluster.read(old).then((offset) => (stale.outcome = offset));
    await cluster.tickUntil(() => {
      const leader = cluster.leader();
      return leader !== null && leader !== old;
    }, 200);
    await commit(cluster, 'after');
    await cluster.tickUntil(() => stale.outcome !== 'pending', 200);
    expect(stale.outcome).toBeNull();
    cluster.heal();
    const fresh = await read(cluster, cluster.leader() as NodeId);
    expect(typeof fresh).toBe('number');
    expectNoViolations(cluster);
  });
});
