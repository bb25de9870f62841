/**
 * Figure 8 of the Raft paper (MIT 6.824 Figure8 and Figure8Unreliable): leaders crash (or are
 * cut off) moments after proposing, again and again, so that logs of many terms interleave;
 * only entries of the current term may be committed by counting replicas, or a later leader
 * overwrites a committed entry. Then everything comes back and one more value must commit.
 * The scripted run replays the figure's exact sequence (figure8-script.ts).
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../../src/raft/types.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { CALM } from '../cluster.js';
import type { SimCluster } from '../cluster.js';
import { asBrokerId } from '../../../src/util/brand.js';
import { figure8Script } from './figure8-script.js';
import {
  commit,
  committedValues,
  expectNoViolations,
  newCluster,
  unreliable,
  waitForConvergence,
} from './helpers.js';

const ITERATIONS = 150;

/** Up to `iterations` rounds: propose on the leader, then hit it after 0-13 ms (sometimes longer). */
async function churn(
  cluster: SimCluster,
  random: SeededRandom,
  hit: (id: NodeId) => void,
  revive: (id: NodeId) => Promise<void>,
  isDown: (id: NodeId) => boolean,
): Promise<void> {
  for (let round = 0; round < ITERATIONS; round++) {
    const leader = cluster.leader();
    if (leader !== null) cluster.propose(`r${round}`, { to: leader, records: 1 + random.int(3) });
    const waitMs = random.chance(0.1) ? random.int(100) : random.int(14);
    await cluster.runFor(waitMs);
    if (leader !== null && random.chance(0.9)) hit(leader);
    const down = cluster.ids().filter(isDown);
    if (cluster.ids().length - down.length < 3 && down.length > 0) await revive(random.pick(down));
  }
}

describe('figure 8', () => {
  it('scripted: an entry of an earlier term is not committed by counting, so overwriting it is safe', async () => {
    const cluster = await figure8Script();
    // S5 led term 4 and overwrote X; every node converged on S5's log, nothing committed lost.
    expect(cluster.leader()).toBe(5);
    cluster.heal();
    await waitForConvergence(cluster);
    expect(await committedValues(cluster, asBrokerId(3))).toEqual(['base']);
    expectNoViolations(cluster);
  });

  it('reliable network, crashing leaders: nothing committed is ever lost', async () => {
    const cluster = await newCluster(5, { seed: 8 });
    const random = new SeededRandom(8);
    await commit(cluster, 'seed-value');
    await churn(
      cluster,
      random,
      (id) => cluster.crash(id),
      (id) => cluster.restart(id),
      (id) => !cluster.node(id).up,
    );
    for (const id of cluster.ids()) if (!cluster.node(id).up) await cluster.restart(id);
    await commit(cluster, 'last', 1000);
    await waitForConvergence(cluster, 1000);
    const values = await committedValues(cluster, cluster.leader() as NodeId);
    expect(values[0]).toBe('seed-value');
    expect(values).toContain('last');
    expect(cluster.checker.committedEnd).toBeGreaterThan(10);
    expectNoViolations(cluster);
  });

  it('unreliable network, leaders cut off instead of crashed: nothing committed is ever lost', async () => {
    const cluster = await newCluster(5, { seed: 88, knobs: unreliable({ ...CALM, nodes: 5 }) });
    const random = new SeededRandom(88);
    const cut = new Set<NodeId>();
    await commit(cluster, 'seed-value', 1000);
    await churn(
      cluster,
      random,
      (id) => {
        cut.add(id);
        cluster.heal();
        for (const node of cut) cluster.isolate(node);
      },
      (id) => {
        cut.delete(id);
        cluster.heal();
        for (const node of cut) cluster.isolate(node);
        return Promise.resolve();
      },
      (id) => cut.has(id),
    );
    cluster.heal();
    cluster.network.setFaulty(false);
    await commit(cluster, 'last', 1000);
    await waitForConvergence(cluster, 1000);
    expect(await committedValues(cluster, cluster.leader() as NodeId)).toContain('last');
    expectNoViolations(cluster);
  });
});
