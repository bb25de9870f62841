/**
 * One simulation run from one seed, VOPR style:
 *
 * 1. safety phase (SAFETY_MS simulated): clients propose throughout while the workload injects
 *    the seed's faults; the checker runs after every event and the run stops at the first
 *    violation;
 * 2. liveness phase: heal the network, stop every fault (drops, duplicates, corruption, long
 *    delays, disk latency), restart every crashed node, then within LIVENESS_TICKS_MAX ticks
 *    require a leader, LIVENESS_PROPOSALS fresh proposals acknowledged, every pending
 *    proposal settled, and every member converged on the same committed log, fully applied;
 * 3. final checks (final-check.ts).
 *
 * The result carries the knobs, the trace hash and the first violation, enough to replay.
 */
import type { NodeId, RaftNodeFactory } from '../../src/raft/types.js';
import { SeededRandom } from '../support/seeded-random.js';
import { SimCluster, TICK_MS } from './cluster.js';
import { finalCheck } from './final-check.js';
import { deriveKnobs } from './knobs.js';
import type { FaultKnobs } from './knobs.js';
import type { ProposalRecord } from './proposals.js';
import { Workload } from './workload.js';
import type { WorkloadStats } from './workload.js';

export const SAFETY_MS = 12_000;
export const LIVENESS_TICKS_MAX = 1_500;
export const LIVENESS_PROPOSALS = 3;

export interface SeedOptions {
  readonly seed: number;
  /** 3 or 5; default: by seed (even seeds 3, odd seeds 5). */
  readonly nodes?: number;
  readonly createNode?: RaftNodeFactory;
  readonly onTrace?: (line: string) => void;
  readonly safetyMs?: number;
  /** Adjusts the seed's knobs (a fault profile aimed at one kind of bug). */
  readonly profile?: (knobs: FaultKnobs) => FaultKnobs;
}

export interface SeedResult {
  readonly seed: number;
  readonly nodes: number;
  readonly knobs: FaultKnobs;
  readonly violations: readonly string[];
  readonly traceHash: string;
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly proposals: Record<ProposalRecord['status'], number>;
  readonly committedEnd: number;
  readonly workload: WorkloadStats;
  readonly livenessTicks: number;
}

export function nodesForSeed(seed: number): number {
  return seed % 2 === 0 ? 3 : 5;
}

export async function runSeed(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const random = new SeededRandom(options.seed);
  const nodes = options.nodes ?? nodesForSeed(options.seed);
  const derived = deriveKnobs(random.fork(), nodes);
  const knobs = options.profile === undefined ? derived : options.profile(derived);
  const cluster = await SimCluster.create({
    seed: random.uint32(),
    nodes,
    knobs,
    ...(options.createNode === undefined ? {} : { createNode: options.createNode }),
    ...(options.onTrace === undefined ? {} : { onTrace: options.onTrace }),
  });
  const workload = new Workload(cluster, random.fork(), knobs);
  workload.start();
  const failed = (): boolean => !cluster.checker.ok;
  await cluster.runUntil(options.safetyMs ?? SAFETY_MS, failed);
  workload.stop();
  let livenessTicks = 0;
  if (!failed()) livenessTicks = await liveness(cluster);
  if (!failed()) await finalCheck(cluster, members(cluster));
  const counts = { pending: 0, acked: 0, failed: 0, unknown: 0 };
  for (const proposal of cluster.proposals) counts[proposal.status] += 1;
  return {
    seed: options.seed,
    nodes,
    knobs,
    violations: cluster.checker.violations,
    traceHash: cluster.trace.hex(),
    events: cluster.trace.events,
    simulatedMs: cluster.now,
    wallMs: performance.now() - started,
    proposals: counts,
    committedEnd: cluster.checker.committedEnd,
    workload: workload.stats,
    livenessTicks,
  };
}

/** Heals everything and requires progress and convergence; returns the ticks it took. */
async function liveness(cluster: SimCluster): Promise<number> {
  const start = cluster.now;
  cluster.note('liveness phase');
  cluster.heal();
  cluster.network.setFaulty(false);
  cluster.diskFaults = false;
  for (const id of cluster.ids()) {
    const node = cluster.node(id);
    if (!node.up && node.incarnation > 0) void cluster.restart(id);
  }
  const fresh: ProposalRecord[] = [];
  let value = 1;
  const done = (): boolean => {
    if (!cluster.checker.ok) return true;
    const acked = fresh.filter((p) => p.status === 'acked').length;
    if (acked < LIVENESS_PROPOSALS) {
      const outstanding = fresh.some((p) => p.status === 'pending');
      const leader = cluster.leader();
      if (!outstanding && leader !== null)
        fresh.push(cluster.propose(`fresh${value++}`, { to: leader }));
      return false;
    }
    return cluster.proposals.every((p) => p.status !== 'pending') && converged(cluster);
  };
  const ok = await cluster.tickUntil(done, LIVENESS_TICKS_MAX);
  if (!ok) cluster.checker.violation(`liveness: ${stuck(cluster, fresh)}`);
  return Math.round((cluster.now - start) / TICK_MS);
}

/** The members of the leader's configuration. */
function members(cluster: SimCluster): NodeId[] {
  const membership = cluster.membership();
  return [...membership.voters, ...membership.learners];
}

/** A leader whose whole log is committed, and every member applied exactly that log. */
function converged(cluster: SimCluster): boolean {
  const leader = cluster.leader();
  if (leader === null) return false;
  const status = cluster.status(leader);
  if (status === null || status.commit !== status.lastOffset || status.applied !== status.commit)
    return false;
  const prefix = cluster.checker.shadowOf(leader)?.prefixAt(status.commit);
  return members(cluster).every((id) => {
    const member = cluster.status(id);
    if (member === null || member.commit !== status.commit || member.applied !== status.commit)
      return false;
    return cluster.checker.shadowOf(id)?.prefixAt(status.commit) === prefix;
  });
}

function stuck(cluster: SimCluster, fresh: readonly ProposalRecord[]): string {
  const leader = cluster.leader();
  const pending = cluster.proposals.filter((p) => p.status === 'pending').map((p) => p.value);
  const nodes = cluster.ids().map((id) => {
    const status = cluster.status(id);
    if (status === null) return `${id}:down`;
    return `${id}:${status.role} t${status.term} c${status.commit} a${status.applied} last${status.lastOffset}`;
  });
  return (
    `not converged after ${LIVENESS_TICKS_MAX} ticks: leader ${leader ?? 'none'}, ` +
    `fresh ${fresh.map((p) => p.status).join(',')}, pending [${pending.slice(0, 5).join(',')}` +
    `${pending.length > 5 ? ',...' : ''}], members [${members(cluster).join(',')}], ${nodes.join(' ')}`
  );
}
