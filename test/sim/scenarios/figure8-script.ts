/**
 * The Raft paper's figure 8, scripted step by step with partitions and forced elections (5
 * nodes; elections only when the script asks, one entry per append message so that an old
 * entry and the new leader's no-op reach a follower separately):
 *
 *  a. S1 leads; cut off with S2, it appends X, which reaches S2 only.
 *  b. S5 is elected by S3 and S4, appends its no-op at X's offset, and is cut off at once.
 *  c. S1 is elected again (S2, S3; S4 stays cut off), appends its no-op after X and re-sends X
 *     to S3. As soon as S1 learns that S3 holds X, S1 is cut off (its no-op to S3 is lost in
 *     flight). A correct leader has NOT committed X then (an entry of an earlier term commits
 *     only through one of the leader's own); a leader that commits by counting replicas has.
 *  d. S5 comes back and is elected (S3, S4: X's term is older than S5's last term) and
 *     overwrites X. Correct: X was never committed. Broken: a committed entry is lost, which
 *     the checker reports (a committed entry truncated, the committed prefix changed).
 */
import type { NodeId, RaftNodeFactory } from '../../../src/raft/types.js';
import { asBrokerId } from '../../../src/util/brand.js';
import { CALM, SimCluster } from '../cluster.js';
import { commit, waitForConvergence } from './helpers.js';

const [S1, S2, S3, S4, S5] = [1, 2, 3, 4, 5].map((id) => asBrokerId(id)) as [
  NodeId,
  NodeId,
  NodeId,
  NodeId,
  NodeId,
];

/** Campaigns until `id` leads (a first campaign may only teach it the current term). */
async function elect(cluster: SimCluster, id: NodeId): Promise<void> {
  for (let attempt = 0; attempt < 5 && cluster.leader() !== id; attempt++) {
    cluster.campaign(id);
    await cluster.tickUntil(() => cluster.leader() === id, 20);
  }
  if (cluster.leader() !== id) throw new Error(`node ${id} could not be elected`);
}

/** What `leader` knows `follower` holds (its progress), -1 when it does not lead. */
function matchAtLeader(cluster: SimCluster, leader: NodeId, follower: NodeId): number {
  const status = cluster.status(leader);
  if (status?.role !== 'leader') return -1;
  return status.progress.find((progress) => progress.id === follower)?.match ?? -1;
}

function lastOffset(cluster: SimCluster, id: NodeId): number {
  return cluster.status(id)?.lastOffset ?? -1;
}

export async function figure8Script(createNode?: RaftNodeFactory): Promise<SimCluster> {
  const cluster = await SimCluster.create({
    seed: 8,
    nodes: 5,
    knobs: {
      ...CALM,
      nodes: 5,
      preVote: false,
      checkQuorum: false,
      electionTicks: 500,
      heartbeatTicks: 5,
      messageBytesMax: 1,
      inflightMessagesMax: 1,
    },
    ...(createNode === undefined ? {} : { createNode }),
  });
  await elect(cluster, S1);
  await commit(cluster, 'base');
  await waitForConvergence(cluster);
  // a.
  cluster.partition([S1, S2], [S3, S4, S5]);
  const x = lastOffset(cluster, S1) + 1;
  cluster.propose('X', { to: S1 });
  await cluster.tickUntil(() => lastOffset(cluster, S2) >= x, 50);
  // b.
  await elect(cluster, S5);
  cluster.heal();
  cluster.isolate(S5);
  // c. (S4 stays out too, so that it still votes for S5 in d.)
  cluster.isolate(S4);
  await elect(cluster, S1);
  await cluster.tickUntil(() => matchAtLeader(cluster, S1, S3) >= x, 100);
  cluster.heal();
  cluster.isolate(S1);
  await cluster.runFor(20);
  // d.
  await elect(cluster, S5);
  await cluster.runFor(200);
  return cluster;
}
