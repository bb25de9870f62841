/**
 * Membership changes under load (hashicorp's fuzzy AddMembership, RemoveLeader): a learner
 * joins and catches up, is promoted, voters are removed (the leader included) while clients
 * keep proposing; every acknowledged proposal survives and the members converge.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../src/raft/types.js';
import { asBrokerId } from '../../../src/util/brand.js';
import type { SimCluster } from '../cluster.js';
import {
  committedValues,
  expectNoViolations,
  newCluster,
  waitForConvergence,
  waitForLeader,
} from './helpers.js';

/** Keeps one proposal in flight to the current leader, every few ms, while `body` runs. */
async function underLoad(cluster: SimCluster, body: () => Promise<void>): Promise<void> {
  let running = true;
  let next = 0;
  const pump = (): void => {
    if (!running) return;
    const leader = cluster.leader();
    if (leader !== null && cluster.proposals.every((p) => p.status !== 'pending')) {
      cluster.propose(`load${next++}`, { to: leader, records: 2 });
    }
    cluster.schedule(cluster.now + 7, 'load', pump);
  };
  pump();
  try {
    await body();
  } finally {
    running = false;
  }
}

/** Runs until the membership change resolves (the simulation must move for it to). */
async function change(cluster: SimCluster, request: Promise<string>): Promise<string> {
  const box: { outcome: string | null } = { outcome: null };
  void request.then((value) => (box.outcome = value));
  await cluster.tickUntil(() => box.outcome !== null, 300);
  return box.outcome ?? 'timed out';
}

describe('membership', () => {
  it('add a learner, promote it, remove a follower and then the leader, under load', async () => {
    const cluster = await newCluster(3, { spareNodes: 1 });
    await waitForLeader(cluster);
    const four = asBrokerId(4);
    await underLoad(cluster, async () => {
      await cluster.runFor(100);
      expect(await change(cluster, cluster.addLearner(four))).toMatch(/^committed/);
      await cluster.tickUntil(() => (cluster.status(four)?.commit ?? -1) > 10, 200);
      expect(cluster.status(four)?.role).toBe('follower');
      // Under load the learner's acknowledged match trails the commit by a round or so; the
      // core refuses promotion until it caught up, so a caller retries (as reassignment will).
      let promoted = await change(cluster, cluster.promote(four));
      for (let attempt = 0; attempt < 20 && /has not caught up/.test(promoted); attempt++) {
        await cluster.runFor(3);
        promoted = await change(cluster, cluster.promote(four));
      }
      expect(promoted).toMatch(/^committed/);
      expect(cluster.membership().voters).toContain(four);
      const leader = cluster.leader() as NodeId;
      const follower = cluster
        .membership()
        .voters.find((id) => id !== leader && id !== four) as NodeId;
      expect(await change(cluster, cluster.remove(follower))).toMatch(/^committed/);
      await cluster.runFor(100);
      expect(await change(cluster, cluster.remove(leader))).toMatch(/^committed/);
      await cluster.tickUntil(() => {
        const next = cluster.leader();
        return next !== null && next !== leader;
      }, 300);
      await cluster.runFor(200);
    });
    await cluster.tickUntil(() => cluster.proposals.every((p) => p.status !== 'pending'), 300);
    await waitForConvergence(cluster);
    const membership = cluster.membership();
    expect(membership.voters).toHaveLength(2);
    expect(membership.voters).toContain(four);
    const acked = cluster.proposals.filter((p) => p.status === 'acked').map((p) => p.value);
    expect(acked.length).toBeGreaterThan(20);
    const committed = await committedValues(cluster, four);
    for (const value of acked) expect(committed).toContain(value);
    expectNoViolations(cluster);
  });

  it('refuses a second voter change while one is uncommitted, and an invalid one', async () => {
    const cluster = await newCluster(3, { spareNodes: 2 });
    await waitForLeader(cluster);
    await cluster.runFor(100);
    expect(await change(cluster, cluster.remove(asBrokerId(9)))).toMatch(/CONFIG_CHANGE_REJECTED/);
    const first = cluster.changeMembership({ type: 'addVoter', node: asBrokerId(4) });
    const second = cluster.changeMembership({ type: 'addVoter', node: asBrokerId(5) });
    expect(await change(cluster, second)).toMatch(/CONFIG_CHANGE_REJECTED/);
    expect(await change(cluster, first)).toMatch(/^committed/);
    await waitForConvergence(cluster);
    expect(cluster.membership().voters).toHaveLength(4);
    expectNoViolations(cluster);
  });
});
