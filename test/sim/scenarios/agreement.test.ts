/**
 * Log agreement scenarios (MIT 6.824 2B): basic agreement, with a follower down, no commit
 * without a majority, concurrent proposals, an old leader's uncommitted suffix overwritten
 * when it rejoins, and fast backup of long divergent logs.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../src/raft/types.js';
import type { SimCluster } from '../cluster.js';
import type { ProposalRecord } from '../proposals.js';
import {
  commit,
  committedValues,
  expectNoViolations,
  newCluster,
  othersThan,
  settled,
  waitForConvergence,
  waitForLeader,
} from './helpers.js';

describe('agreement', () => {
  it('basic agreement: nothing committed before the first proposal, then values in order everywhere', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    expect(await committedValues(cluster, leader)).toEqual([]);
    const offsets: number[] = [];
    for (const value of ['a', 'b', 'c']) {
      const record = await commit(cluster, value);
      offsets.push(record.result?.baseOffset ?? -1);
    }
    expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    await waitForConvergence(cluster);
    for (const id of cluster.ids())
      expect(await committedValues(cluster, id)).toEqual(['a', 'b', 'c']);
    expectNoViolations(cluster);
  });

  it('agreement with one follower down; it catches up when it returns', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    await commit(cluster, 'one');
    const follower = othersThan(cluster, leader)[0] as NodeId;
    cluster.crash(follower);
    await commit(cluster, 'two');
    await cluster.runFor(30 * 10);
    await commit(cluster, 'three');
    await cluster.restart(follower);
    await waitForConvergence(cluster);
    expect(await committedValues(cluster, follower)).toEqual(['one', 'two', 'three']);
    expectNoViolations(cluster);
  });

  it('no commit without a majority: the entry waits, then the new term decides', async () => {
    const cluster = await newCluster(5);
    const leader = await waitForLeader(cluster);
    await commit(cluster, 'first');
    const followers = othersThan(cluster, leader).slice(0, 3);
    for (const id of followers) cluster.crash(id);
    const orphan = cluster.propose('orphan', { to: leader });
    await cluster.runFor(50 * 10);
    expect(orphan.status === 'pending' || orphan.status === 'unknown').toBe(true);
    expect(orphan.status).not.toBe('acked');
    for (const id of followers) await cluster.restart(id);
    await commit(cluster, 'later');
    await waitForConvergence(cluster);
    const values = await committedValues(cluster, cluster.leader() as NodeId);
    expect(values[0]).toBe('first');
    expect(values).toContain('later');
    expect(values.length).toBeLessThanOrEqual(3);
    expectNoViolations(cluster);
  });

  it('concurrent proposals in one term all commit, at distinct offsets', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    const records = ['p1', 'p2', 'p3', 'p4', 'p5'].map((value) =>
      cluster.propose(value, { to: leader }),
    );
    await cluster.tickUntil(() => records.every(settled), 100);
    expect(records.map((r) => r.status)).toEqual(['acked', 'acked', 'acked', 'acked', 'acked']);
    const terms = new Set(records.map((r) => r.result?.term));
    expect(terms.size).toBe(1);
    const offsets = new Set(records.map((r) => r.result?.baseOffset));
    expect(offsets.size).toBe(5);
    expectNoViolations(cluster);
  });

  it('a partitioned old leader rejoins and its uncommitted suffix is overwritten', async () => {
    const cluster = await newCluster(3);
    const old = await waitForLeader(cluster);
    await commit(cluster, 'base');
    cluster.isolate(old);
    const stranded = ['x1', 'x2', 'x3'].map((value) => cluster.propose(value, { to: old }));
    await cluster.tickUntil(() => {
      const leader = cluster.leader();
      return leader !== null && leader !== old;
    }, 200);
    await commit(cluster, 'new1');
    await commit(cluster, 'new2');
    cluster.heal();
    await waitForConvergence(cluster);
    expect(stranded.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(await committedValues(cluster, old)).toEqual(['base', 'new1', 'new2']);
    expectNoViolations(cluster);
  });

  it('fast backup: long divergent logs converge with few rejected appends (MIT Backup)', async () => {
    const cluster = await newCluster(5);
    const first = await waitForLeader(cluster);
    await commit(cluster, 'start');
    const [buddy, ...rest] = othersThan(cluster, first) as [NodeId, ...NodeId[]];
    // 1. The old leader and one follower, cut off, take 50 entries that never commit.
    cluster.partition([first, buddy], rest);
    for (let index = 0; index < 50; index++)
      cluster.propose(`lost${index}`, { to: first, records: 2 });
    await cluster.runFor(20);
    // 2. The majority elects a leader and commits 50 entries.
    await cluster.tickUntil(() => rest.includes(cluster.leader() as NodeId), 200);
    const second = cluster.leader() as NodeId;
    await proposeAll(cluster, 'kept', second);
    // 3. That leader and one follower, cut off in turn, take 50 more that never commit.
    const partner = rest.find((id) => id !== second) as NodeId;
    const third = rest.find((id) => id !== second && id !== partner) as NodeId;
    cluster.heal();
    cluster.partition([second, partner], [third, first, buddy]);
    for (let index = 0; index < 50; index++) cluster.propose(`lost-again${index}`, { to: second });
    await cluster.runFor(20);
    // 4. The rest (the old minority and one node of the old majority) elect the third leader:
    //    it must repair two followers whose last 50 entries conflict with its log.
    const rejectsBefore = cluster.rejectedAppends;
    await cluster.tickUntil(() => cluster.leader() === third, 300);
    await proposeAll(cluster, 'final', third);
    cluster.heal();
    await waitForConvergence(cluster, 500);
    const values = await committedValues(cluster, buddy);
    expect(values.filter((v) => v.startsWith('lost'))).toEqual([]);
    expect(values.filter((v) => v.startsWith('kept')).length).toBe(50);
    expect(values.filter((v) => v.startsWith('final')).length).toBe(50);
    // Backtracking by term: a few probes per divergent follower, not one per entry (~200).
    expect(cluster.rejectedAppends - rejectsBefore).toBeLessThan(20);
    expectNoViolations(cluster);
  });
});

/** Proposes 50 values through `leader` and waits until they all committed. */
async function proposeAll(cluster: SimCluster, prefix: string, leader: NodeId): Promise<void> {
  const records: ProposalRecord[] = [];
  for (let index = 0; index < 50; index++)
    records.push(cluster.propose(`${prefix}${index}`, { to: leader, records: 3 }));
  await cluster.tickUntil(() => records.every(settled), 300);
  expect(records.every((record) => record.status === 'acked')).toBe(true);
}
