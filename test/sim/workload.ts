/**
 * The random workload of the safety phase: clients proposing unique values throughout, and a
 * fault action every so often (partitions of the knobs' modes, crashes and restarts, local
 * compactions, leadership transfers, membership changes). Every choice comes from the
 * workload's own seeded generator, so the schedule replays exactly.
 */
import type { Message, NodeId } from '../../src/raft/types.js';
import type { SeededRandom } from '../support/seeded-random.js';
import type { SimCluster } from './cluster.js';
import type { FaultKnobs, PartitionMode } from './knobs.js';

export interface WorkloadStats {
  partitions: number;
  crashes: number;
  compactions: number;
  transfers: number;
  membershipChanges: number;
}

export class Workload {
  readonly stats: WorkloadStats = {
    partitions: 0,
    crashes: 0,
    compactions: 0,
    transfers: 0,
    membershipChanges: 0,
  };
  private running = false;
  private nextValue = 1;
  /** A voter this workload removed and has not yet restored (one at a time). */
  private removed: { node: NodeId; stage: 'removed' | 'learner' } | null = null;

  constructor(
    private readonly cluster: SimCluster,
    private readonly random: SeededRandom,
    private readonly knobs: FaultKnobs,
  ) {}

  start(): void {
    this.running = true;
    this.scheduleClient();
    this.scheduleFault();
    this.cluster.onSent = (node, message) => this.afterSend(node.id, message);
  }

  stop(): void {
    this.running = false;
    this.cluster.onSent = null;
  }

  /** The fault point: a node that just promised durability crashes (see the knob). */
  private afterSend(id: NodeId, message: Message): void {
    const answer =
      (message.type === 'voteResponse' && message.granted) ||
      (message.type === 'appendResponse' && message.success);
    if (!answer || !this.random.chance(this.knobs.crashAfterAnswerProbability)) return;
    const delay = this.random.int(5);
    this.cluster.schedule(
      this.cluster.now + delay,
      `fault point: crash ${id} after ${message.type}`,
      () => {
        if (this.running && this.crashAllowed()) this.crash(id);
      },
    );
  }

  private crashAllowed(): boolean {
    const { cluster } = this;
    const down = cluster
      .ids()
      .filter((id) => !cluster.node(id).up && cluster.node(id).incarnation > 0);
    return down.length < this.knobs.downMax;
  }

  private crash(victim: NodeId): void {
    const { cluster, random } = this;
    if (!cluster.node(victim).up) return;
    this.stats.crashes += 1;
    cluster.crash(victim);
    // Half the reboots are quick: a node back before the election it took part in is over.
    const downtime = random.chance(0.5) ? 5 + random.int(60) : 60 + random.int(1000);
    cluster.schedule(cluster.now + downtime, `restart ${victim}`, () => {
      if (this.running) void cluster.restart(victim);
    });
  }

  private jitter(meanMs: number): number {
    return 1 + this.random.int(Math.max(1, meanMs * 2));
  }

  private scheduleClient(): void {
    const at = this.cluster.now + this.jitter(this.knobs.proposalIntervalMs);
    this.cluster.schedule(at, 'client', () => {
      if (!this.running) return;
      const pending = this.cluster.proposals.filter((p) => p.status === 'pending').length;
      if (pending < this.knobs.proposalsInFlightMax) this.proposeOne();
      if (this.random.chance(0.2)) this.readOne();
      this.scheduleClient();
    });
  }

  private proposeOne(): void {
    const ids = this.cluster.ids();
    // Mostly the leader, sometimes any node (exercises NOT_LEADER and stale leaders).
    const to = this.random.chance(0.8)
      ? (this.cluster.leader() ?? this.random.pick(ids))
      : this.random.pick(ids);
    this.cluster.propose(`v${this.nextValue++}`, { to, records: 1 + this.random.int(3) });
  }

  private readOne(): void {
    const ids = this.cluster.ids().filter((id) => this.cluster.node(id).running);
    if (ids.length === 0) return;
    const to = this.random.chance(0.8)
      ? (this.cluster.leader() ?? this.random.pick(ids))
      : this.random.pick(ids);
    void this.cluster.read(to);
  }

  private scheduleFault(): void {
    const at = this.cluster.now + this.jitter(this.knobs.faultIntervalMs);
    this.cluster.schedule(at, 'fault', () => {
      if (!this.running) return;
      this.faultAction();
      this.scheduleFault();
    });
  }

  private faultAction(): void {
    const { knobs, random } = this;
    if (random.chance(knobs.partitionProbability)) this.partitionOrHeal();
    if (random.chance(knobs.crashProbability)) this.crashOne();
    if (random.chance(knobs.compactProbability)) this.compactOne();
    if (random.chance(knobs.transferProbability)) this.transferOne();
    if (random.chance(knobs.membershipProbability)) this.changeMembership();
  }

  private partitionOrHeal(): void {
    const { cluster, random } = this;
    if (cluster.network.partitioned && random.chance(0.5)) {
      cluster.heal();
      return;
    }
    cluster.heal();
    this.stats.partitions += 1;
    const mode: PartitionMode = random.pick(this.knobs.partitionModes);
    const ids = this.shuffled(cluster.ids().filter((id) => cluster.node(id).incarnation > 0));
    const leader = cluster.leader();
    const half = 1 + random.int(Math.max(1, ids.length - 1));
    switch (mode) {
      case 'symmetric':
        cluster.partition(ids.slice(0, half), ids.slice(half));
        break;
      case 'asymmetric':
        cluster.partition(ids.slice(0, half), ids.slice(half), true);
        break;
      case 'isolateLeader':
        cluster.isolate(leader ?? random.pick(ids));
        break;
      case 'isolateOne':
        cluster.isolate(random.pick(ids));
        break;
      case 'majorityMinority': {
        const majority = Math.floor(ids.length / 2) + 1;
        cluster.partition(ids.slice(0, majority), ids.slice(majority));
        break;
      }
      case 'clog':
        for (let link = 0; link < 1 + random.int(3); link++) {
          const [from, to] = this.shuffled(ids);
          if (from !== undefined && to !== undefined) cluster.clog(from, to);
        }
        break;
    }
    // Partitions heal on their own after a while, so the run alternates calm and trouble.
    const healAt = cluster.now + 100 + random.int(1500);
    cluster.schedule(healAt, 'partition timeout', () => {
      if (this.running) cluster.heal();
    });
  }

  private crashOne(): void {
    const { cluster, random } = this;
    const up = cluster.ids().filter((id) => cluster.node(id).up);
    const down = cluster
      .ids()
      .filter((id) => !cluster.node(id).up && cluster.node(id).incarnation > 0);
    if (down.length >= this.knobs.downMax || up.length === 0) return;
    const victim = random.chance(0.4) ? (cluster.leader() ?? random.pick(up)) : random.pick(up);
    this.stats.crashes += 1;
    cluster.crash(victim);
    const restartAt = cluster.now + 20 + random.int(1000);
    cluster.schedule(restartAt, `restart ${victim}`, () => {
      if (this.running) void cluster.restart(victim);
    });
  }

  private compactOne(): void {
    const running = this.cluster.runningIds();
    if (running.length === 0) return;
    this.stats.compactions += 1;
    void this.cluster.compact(this.random.pick(running));
  }

  private transferOne(): void {
    const voters = this.cluster.membership().voters;
    if (voters.length < 2) return;
    this.stats.transfers += 1;
    this.cluster.transferLeadership(this.random.pick(voters));
  }

  /** Remove a voter, add it back as a learner, promote it: one step per action. */
  private changeMembership(): void {
    const { cluster } = this;
    const membership = cluster.membership();
    const leader = cluster.leader();
    if (leader === null) return;
    this.stats.membershipChanges += 1;
    const removed = this.removed;
    if (removed === null) {
      const candidates = membership.voters.filter((id) => id !== leader);
      if (membership.voters.length < 3 || candidates.length === 0) return;
      const node = this.random.pick(candidates);
      this.removed = { node, stage: 'removed' };
      void cluster.remove(node);
      return;
    }
    const isVoter = membership.voters.includes(removed.node);
    const isLearner = membership.learners.includes(removed.node);
    if (removed.stage === 'removed') {
      if (isVoter) void cluster.remove(removed.node);
      else if (isLearner) removed.stage = 'learner';
      else void cluster.addLearner(removed.node);
    } else if (isVoter) {
      this.removed = null;
    } else if (isLearner) {
      void cluster.promote(removed.node);
    } else {
      void cluster.addLearner(removed.node);
    }
  }

  private shuffled(ids: NodeId[]): NodeId[] {
    const copy = [...ids];
    for (let index = copy.length - 1; index > 0; index--) {
      const other = this.random.int(index + 1);
      const a = copy[index];
      const b = copy[other];
      if (a === undefined || b === undefined) continue;
      copy[index] = b;
      copy[other] = a;
    }
    return copy;
  }
}
