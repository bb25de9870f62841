/**
 * Persistence and snapshots (MIT 6.824 2C and 2D): state survives crashes of every node, of the
 * leader, of a follower (power loss: unsynced writes are gone, torn tails cut by recovery);
 * a follower that lagged behind the leader's compacted log, or restarted after it, is brought
 * up to date by InstallSnapshot.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../src/raft/types.js';
import { asBrokerId } from '../../../src/util/brand.js';
import type { SimCluster } from '../cluster.js';
import { crashAfterVoteScript } from './vote-script.js';
import {
  commit,
  committedValues,
  expectNoViolations,
  newCluster,
  othersThan,
  waitForConvergence,
  waitForLeader,
} from './helpers.js';

async function commitMany(cluster: SimCluster, prefix: string, count: number): Promise<string[]> {
  const values: string[] = [];
  for (let index = 0; index < count; index++)
    values.push((await commit(cluster, `${prefix}${index}`)).value);
  return values;
}

async function expectEverywhere(cluster: SimCluster, values: readonly string[]): Promise<void> {
  await waitForConvergence(cluster);
  for (const id of cluster.ids()) expect(await committedValues(cluster, id)).toEqual(values);
}

describe('persistence across restarts', () => {
  it('of all nodes at once, then of the leader, then of a follower', async () => {
    const cluster = await newCluster(3);
    await waitForLeader(cluster);
    const values = await commitMany(cluster, 'a', 5);
    for (const id of cluster.ids()) cluster.crash(id);
    await cluster.runFor(50);
    for (const id of cluster.ids()) await cluster.restart(id);
    values.push(...(await commitMany(cluster, 'b', 3)));
    await expectEverywhere(cluster, values);

    const leader = await waitForLeader(cluster);
    cluster.crash(leader);
    values.push(...(await commitMany(cluster, 'c', 3)));
    await cluster.restart(leader);
    await expectEverywhere(cluster, values);

    const follower = othersThan(cluster, cluster.leader() as NodeId)[0] as NodeId;
    cluster.crash(follower);
    values.push(...(await commitMany(cluster, 'd', 3)));
    await cluster.restart(follower);
    values.push(...(await commitMany(cluster, 'e', 1)));
    await expectEverywhere(cluster, values);
    expectNoViolations(cluster);
  });

  it('of a voter right after it voted: it remembers the vote and refuses a second candidate', async () => {
    const cluster = await crashAfterVoteScript();
    expect(cluster.status(asBrokerId(3))?.term).toBe(1);
    expect(cluster.status(asBrokerId(2))?.role).toBe('candidate');
    expect(cluster.leader()).toBe(1);
    expectNoViolations(cluster);
  });

  it('of a minority again and again while the majority keeps committing (MIT Persist2)', async () => {
    const cluster = await newCluster(5);
    const values: string[] = [];
    for (let round = 0; round < 5; round++) {
      const leader = await waitForLeader(cluster);
      const victims = othersThan(cluster, leader).slice(round % 2, (round % 2) + 2);
      values.push(...(await commitMany(cluster, `r${round}-`, 2)));
      for (const id of victims) cluster.crash(id);
      values.push(...(await commitMany(cluster, `s${round}-`, 2)));
      for (const id of victims) await cluster.restart(id);
    }
    await expectEverywhere(cluster, values);
    expectNoViolations(cluster);
  });
});

describe('snapshots', () => {
  it('install on a follower that lagged behind the compacted log', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    const lagging = othersThan(cluster, leader)[0] as NodeId;
    const values = await commitMany(cluster, 'early', 3);
    cluster.isolate(lagging);
    values.push(...(await commitMany(cluster, 'late', 20)));
    for (const id of othersThan(cluster, lagging)) expect(await cluster.compact(id)).not.toBeNull();
    expect(cluster.replica(leader)?.partitionLog.logStartOffset).toBeGreaterThan(0);
    const installsBefore = cluster.messageCounts.get('installSnapshot') ?? 0;
    cluster.heal();
    await waitForConvergence(cluster);
    expect(cluster.messageCounts.get('installSnapshot') ?? 0).toBeGreaterThan(installsBefore);
    const status = cluster.status(lagging);
    expect(status?.snapshot.lastOffset).toBeGreaterThan(0);
    expect(cluster.replica(lagging)?.partitionLog.logStartOffset).toBe(
      (status?.snapshot.lastOffset ?? 0) + 1,
    );
    values.push(...(await commitMany(cluster, 'after', 2)));
    await waitForConvergence(cluster);
    // Its log holds what came after the snapshot; the rest is in its state machine.
    const tail = await committedValues(cluster, lagging);
    expect(values.slice(-tail.length)).toEqual(tail);
    expectNoViolations(cluster);
  });

  it('install on a follower that restarts after the leader compacted, then crash it again', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    const follower = othersThan(cluster, leader)[1] as NodeId;
    await commitMany(cluster, 'a', 3);
    cluster.crash(follower);
    await commitMany(cluster, 'b', 15);
    await cluster.compact(leader);
    await cluster.restart(follower);
    await waitForConvergence(cluster);
    expect(cluster.status(follower)?.snapshot.lastOffset).toBeGreaterThan(0);
    // The installed snapshot is durable: a crash right after keeps it.
    cluster.crash(follower);
    await cluster.restart(follower);
    await commitMany(cluster, 'c', 2);
    await waitForConvergence(cluster);
    expect(cluster.status(follower)?.snapshot.lastOffset).toBeGreaterThan(0);
    expectNoViolations(cluster);
  });
});
