/**
 * Leader election scenarios (MIT 6.824 2A, etcd's paper tests): the first election, the next
 * one when the leader is lost, none without a quorum, many under churn, pre-vote keeping a
 * rejoining node from disrupting the leader, and leadership transfer.
 */
import { describe, expect, it } from 'vitest';
import { asBrokerId } from '../../../src/util/brand.js';
import { CALM } from '../cluster.js';
import { SeededRandom } from '../../support/seeded-random.js';
import {
  commit,
  expectNoViolations,
  newCluster,
  othersThan,
  terms,
  waitForLeader,
} from './helpers.js';

describe('elections', () => {
  it('initial election: one leader, every node agrees on it and its term, which then holds still', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    await cluster.tickUntil(
      () => cluster.runningIds().every((id) => cluster.status(id)?.leader === leader),
      50,
    );
    const term = cluster.status(leader)?.term ?? 0;
    expect(term).toBeGreaterThanOrEqual(1);
    expect(terms(cluster)).toEqual([term, term, term]);
    await cluster.runFor(2 * 20 * 10);
    expect(cluster.leader()).toBe(leader);
    expect(terms(cluster)).toEqual([term, term, term]);
    expectNoViolations(cluster);
  });

  it('re-election after leader loss; the old leader rejoins as a follower; no leader without a quorum', async () => {
    const cluster = await newCluster(3);
    const first = await waitForLeader(cluster);
    const firstTerm = cluster.status(first)?.term ?? 0;
    cluster.isolate(first);
    await cluster.tickUntil(() => {
      const leader = cluster.leader();
      return leader !== null && leader !== first;
    }, 100);
    const second = cluster.leader();
    expect(second).not.toBe(first);
    expect(cluster.status(second ?? first)?.term).toBeGreaterThan(firstTerm);
    cluster.heal();
    await cluster.tickUntil(() => cluster.status(first)?.leader === second, 100);
    expect(cluster.status(first)?.role).toBe('follower');
    // Two of three down: nobody can lead.
    for (const id of othersThan(cluster, first)) cluster.crash(id);
    await cluster.runFor(100 * 10);
    expect(cluster.leader()).toBeNull();
    await cluster.restart(othersThan(cluster, first)[0] ?? first);
    await waitForLeader(cluster);
    expectNoViolations(cluster);
  });

  it('no leader without a quorum: 3 of 5 down, the other 2 never lead', async () => {
    const cluster = await newCluster(5);
    const leader = await waitForLeader(cluster);
    const down = othersThan(cluster, leader).slice(0, 2);
    cluster.crash(leader);
    for (const id of down) cluster.crash(id);
    let everLed = false;
    await cluster.tickUntil(() => {
      everLed ||= cluster.leader() !== null;
      return false;
    }, 300);
    expect(everLed).toBe(false);
    await cluster.restart(leader);
    await waitForLeader(cluster);
    expectNoViolations(cluster);
  });

  it('many elections under churn: a majority always finds a leader', async () => {
    const cluster = await newCluster(5);
    const random = new SeededRandom(9);
    await waitForLeader(cluster);
    const ids = cluster.ids();
    for (let round = 0; round < 9; round++) {
      const cut = [random.pick(ids)];
      const second = random.pick(ids.filter((id) => !cut.includes(id)));
      cut.push(second);
      cluster.partition(
        cut,
        ids.filter((id) => !cut.includes(id)),
      );
      const ok = await cluster.tickUntil(() => {
        const leader = cluster.leader();
        return leader !== null && !cut.includes(leader);
      }, 150);
      expect(ok).toBe(true);
      cluster.heal();
      await cluster.runFor(50);
    }
    await commit(cluster, 'after-churn');
    expectNoViolations(cluster);
  });

  it('pre-vote stops a rejoining partitioned node from disrupting the leader', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    const term = cluster.status(leader)?.term ?? 0;
    const loner = othersThan(cluster, leader)[0] ?? leader;
    cluster.isolate(loner);
    await cluster.runFor(100 * 10); // many election timeouts
    expect(cluster.status(loner)?.term).toBe(term);
    cluster.heal();
    await cluster.runFor(50 * 10);
    expect(cluster.leader()).toBe(leader);
    expect(cluster.status(leader)?.term).toBe(term);
    expect(cluster.status(loner)?.leader).toBe(leader);
    expectNoViolations(cluster);
  });

  it('without pre-vote, the same rejoining node does force a new term (the contrast)', async () => {
    const cluster = await newCluster(3, { knobs: { ...CALM, preVote: false, checkQuorum: false } });
    const leader = await waitForLeader(cluster);
    const term = cluster.status(leader)?.term ?? 0;
    const loner = othersThan(cluster, leader)[0] ?? leader;
    cluster.isolate(loner);
    await cluster.runFor(100 * 10);
    expect(cluster.status(loner)?.term).toBeGreaterThan(term);
    cluster.heal();
    await waitForLeader(cluster);
    await cluster.runFor(50 * 10);
    expect(Math.min(...terms(cluster))).toBeGreaterThan(term);
    expectNoViolations(cluster);
  });

  it('leadership transfer hands over to the chosen node, which then commits', async () => {
    const cluster = await newCluster(3);
    const leader = await waitForLeader(cluster);
    await commit(cluster, 'before');
    const target = othersThan(cluster, leader)[1] ?? asBrokerId(1);
    expect(cluster.transferLeadership(target)).toBe(true);
    await cluster.tickUntil(() => cluster.leader() === target, 50);
    expect(cluster.leader()).toBe(target);
    const after = await commit(cluster, 'after');
    expect(after.node).toBe(target);
    expectNoViolations(cluster);
  });
});
