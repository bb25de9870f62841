/**
 * Shared steps of the scenario tests (the MIT 6.824 and etcd paper tests, on SimCluster with
 * real replicas and real logs): wait for a leader, commit a value the way a client would
 * (retrying refusals), read what a node committed, assert the invariants held throughout.
 */
import { expect } from 'vitest';
import {
  decodeBatch,
  isControl,
  lastOffsetOf,
  splitBatches,
} from '../../../src/protocol/record-batch.js';
import type { NodeId } from '../../../src/raft/types.js';
import { SimCluster } from '../cluster.js';
import type { SimClusterOptions } from '../cluster.js';
import type { FaultKnobs } from '../knobs.js';
import type { ProposalRecord } from '../proposals.js';
import { valueOf } from '../proposals.js';

export const ELECTION_TICKS_MAX = 100;

export function newCluster(
  nodes: number,
  options: Partial<SimClusterOptions> = {},
): Promise<SimCluster> {
  return SimCluster.create({ seed: 42, nodes, ...options });
}

/** Knobs for an unreliable network (MIT's: 10% loss, reordering delays). */
export function unreliable(base: FaultKnobs): FaultKnobs {
  return {
    ...base,
    dropProbability: 0.1,
    duplicateProbability: 0.05,
    reorderProbability: 0.1,
    delayMaxMs: 27,
    longDelayMaxMs: 300,
  };
}

export async function waitForLeader(
  cluster: SimCluster,
  maxTicks = ELECTION_TICKS_MAX,
): Promise<NodeId> {
  await cluster.tickUntil(() => cluster.leader() !== null, maxTicks);
  const leader = cluster.leader();
  if (leader === null) throw new Error(`no leader within ${maxTicks} ticks`);
  return leader;
}

export function settled(record: ProposalRecord): boolean {
  return record.status !== 'pending';
}

/**
 * Proposes `value` to the leader and waits for the answer; on a refusal or an indeterminate
 * answer, retries with a fresh value (`value~n`), like a client. Returns the acked record.
 */
export async function commit(
  cluster: SimCluster,
  value: string,
  maxTicks = 300,
): Promise<ProposalRecord> {
  const deadline = cluster.now + maxTicks * 10;
  for (let attempt = 0; cluster.now < deadline; attempt++) {
    const leader = cluster.leader() ?? (await waitForLeader(cluster));
    const record = cluster.propose(attempt === 0 ? value : `${value}~${attempt}`, { to: leader });
    await cluster.tickUntil(() => settled(record), Math.max(1, (deadline - cluster.now) / 10));
    if (record.status === 'acked') return record;
  }
  throw new Error(`${value} did not commit within ${maxTicks} ticks`);
}

/** Waits until every running member applied the leader's whole committed log. */
export async function waitForConvergence(cluster: SimCluster, maxTicks = 300): Promise<void> {
  const converged = (): boolean => {
    const leader = cluster.leader();
    const status = leader === null ? null : cluster.status(leader);
    if (status === null || status.commit !== status.lastOffset) return false;
    const { voters, learners } = status.membership;
    return [...voters, ...learners].every((id) => {
      const member = cluster.status(id);
      return member !== null && member.commit === status.commit && member.applied === status.commit;
    });
  };
  const ok = await cluster.tickUntil(converged, maxTicks);
  if (!ok) throw new Error('the cluster did not converge');
}

/** The values of the data batches node `id` holds in its log up to its commit offset. */
export async function committedValues(cluster: SimCluster, id: NodeId): Promise<string[]> {
  const replica = cluster.replica(id);
  if (replica === null) throw new Error(`node ${id} is down`);
  const log = replica.partitionLog;
  const commit = replica.status().commit;
  const values: string[] = [];
  let offset = log.logStartOffset;
  while (offset <= commit) {
    const read = await log.read(offset, 1 << 20, commit + 1);
    if (read.data.length === 0) break;
    for (const span of splitBatches(read.data)) {
      offset = lastOffsetOf(span.header) + 1;
      if (isControl(span.header)) continue;
      const batch = await decodeBatch(read.data.subarray(span.position, span.position + span.size));
      values.push(valueOf(batch.records[0]?.key ?? null) ?? '?');
    }
  }
  return values;
}

export function expectNoViolations(cluster: SimCluster): void {
  expect(cluster.checker.violations).toEqual([]);
}

/** Terms of the running nodes. */
export function terms(cluster: SimCluster): number[] {
  return cluster.runningIds().map((id) => cluster.status(id)?.term ?? -1);
}

export function othersThan(cluster: SimCluster, ...excluded: NodeId[]): NodeId[] {
  return cluster.ids().filter((id) => !excluded.includes(id));
}
