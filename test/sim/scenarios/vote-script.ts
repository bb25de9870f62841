/**
 * A voter that crashes right after voting, scripted (3 nodes, elections only when asked):
 *
 *  1. A and B campaign in the same term; A cannot reach B; B's vote request to C is held on
 *     a clogged link. C votes for A, and A leads.
 *  2. A is cut off. C crashes (power loss) and restarts.
 *  3. The link from B to C unclogs: B's request of the same term reaches C.
 *
 * A correct C remembers its vote (it was durable before the answer left) and refuses B. A C
 * that forgot it grants the vote a second time, and B leads the term A leads: two leaders.
 */
import type { NodeId, RaftNodeFactory } from '../../../src/raft/types.js';
import { asBrokerId } from '../../../src/util/brand.js';
import { CALM, SimCluster } from '../cluster.js';

const [A, B, C] = [1, 2, 3].map((id) => asBrokerId(id)) as [NodeId, NodeId, NodeId];

export async function crashAfterVoteScript(createNode?: RaftNodeFactory): Promise<SimCluster> {
  const cluster = await SimCluster.create({
    seed: 3,
    nodes: 3,
    knobs: { ...CALM, preVote: false, checkQuorum: false, electionTicks: 500, heartbeatTicks: 5 },
    ...(createNode === undefined ? {} : { createNode }),
  });
  // 1.
  cluster.partition([A], [B]);
  cluster.clog(B, C);
  cluster.campaign(A);
  cluster.campaign(B);
  await cluster.tickUntil(() => cluster.leader() === A, 50);
  if (cluster.leader() !== A) throw new Error('A was not elected');
  // 2.
  cluster.partition([A], [C]);
  cluster.crash(C);
  await cluster.restart(C);
  // 3.
  cluster.unclog(B, C);
  await cluster.runFor(100);
  return cluster;
}
