/**
 * SimCluster: a Raft group of real Replicas (real PartitionLogs on in-memory disks) in one
 * process, driven by one event queue and one seed. The simulator's random runs and the
 * scenario tests both use it.
 *
 * Determinism: time is the event queue's (1 tick = TICK_MS simulated ms, every node ticks on
 * the same tick events, in id order); every random choice comes from seeded generators forked
 * from the seed; after each event the microtasks the storage code queued are drained by one
 * `setImmediate` (no real time: the in-memory disk never waits on anything but the event queue,
 * whose disk-latency events release held fsyncs). Every event is folded into the trace hash.
 *
 * After every event the checker samples each running replica (checker.ts); observer hooks feed
 * it as state changes.
 */
import type {
  Membership,
  Message,
  NodeId,
  RaftConfig,
  RaftNodeFactory,
} from '../../src/raft/types.js';
import { createRaftNode } from '../../src/raft/index.js';
import type { MembershipChange } from '../../src/raft/index.js';
import type { ProposalResult } from '../../src/replica/pending.js';
import type { Replica, ReplicaStatus } from '../../src/replica/replica.js';
import type { ReplicaObserver } from '../../src/replica/observer.js';
import { asBrokerId } from '../../src/util/brand.js';
import type { Clock } from '../../src/util/ports.js';
import { silentLogger } from '../../src/util/ports.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import type { Operation } from '../support/memory-file-system.js';
import { SeededRandom } from '../support/seeded-random.js';
import { InvariantChecker } from './checker.js';
import { EventQueue } from './event-queue.js';
import type { FaultKnobs } from './knobs.js';
import { SimNetwork } from './network.js';
import { classifyRejection, describeError, proposalBatch } from './proposals.js';
import type { ProposalRecord } from './proposals.js';
import { SimNode } from './sim-node.js';
import type { ReplicaFactory } from './sim-node.js';
import { SimStateMachine } from './state-machine.js';
import { TraceHash } from './trace.js';
import { CALM, SIM_LOG_CONFIG, SIM_RAFT, TICK_MS } from './sim-config.js';

export { CALM, SIM_LOG_CONFIG, SIM_RAFT, TICK_MS } from './sim-config.js';

export interface SimClusterOptions {
  readonly seed: number;
  /** Initial voters, ids 1..nodes. */
  readonly nodes: number;
  /** More ids (nodes+1..) that exist but start only when added to the group. */
  readonly spareNodes?: number;
  readonly knobs?: FaultKnobs;
  readonly raft?: Partial<Omit<RaftConfig, 'id' | 'random'>>;
  readonly createNode?: RaftNodeFactory;
  /** Receives every trace line (--verbose). */
  readonly onTrace?: (line: string) => void;
}

export class SimCluster {
  now = 0;
  readonly trace = new TraceHash();
  readonly checker = new InvariantChecker(() => this.now);
  readonly network: SimNetwork;
  readonly proposals: ProposalRecord[] = [];
  readonly nodes = new Map<NodeId, SimNode>();
  readonly knobs: FaultKnobs;
  /** Messages sent by live nodes, by type (scenario tests count RPCs). */
  readonly messageCounts = new Map<string, number>();
  rejectedAppends = 0;
  diskFaults = true;
  /** Called after every message a live node sends (the workload's fault points hook in). */
  onSent: ((node: SimNode, message: Message) => void) | null = null;
  private readonly queue = new EventQueue();
  private readonly random: SeededRandom;
  private readonly raft: Omit<RaftConfig, 'id' | 'random'>;
  private readonly clock: Clock;
  private nextProposalId = 1;
  private stepping = false;
  private nextReadId = 1;
  /** The highest offset of an acknowledged proposal so far (what a read must cover). */
  private ackedEnd = -1;

  private constructor(private readonly options: SimClusterOptions) {
    this.random = new SeededRandom(options.seed);
    this.knobs = options.knobs ?? { ...CALM, nodes: options.nodes };
    const { electionTicks, heartbeatTicks, messageBytesMax, inflightMessagesMax } = this.knobs;
    const { preVote, checkQuorum } = this.knobs;
    this.raft = {
      ...SIM_RAFT,
      electionTicks,
      heartbeatTicks,
      messageBytesMax,
      inflightMessagesMax,
      preVote,
      checkQuorum,
      ...options.raft,
    };
    this.clock = { nowMs: () => 1_700_000_000_000 + this.now, monotonicMs: () => this.now };
    this.network = new SimNetwork(this.random.fork(), this.knobs, {
      now: () => this.now,
      schedule: (atMs, label, run) => this.schedule(atMs, label, run),
      trace: (text) => this.note(text),
      deliver: (message, payload) => this.deliver(message.to, message, payload),
    });
    const voters = range(1, options.nodes);
    const initial: Membership = { voters, learners: [] };
    for (const id of range(1, options.nodes + (options.spareNodes ?? 0))) {
      const fs = new MemoryFileSystem(this.random.fork());
      const membership = voters.includes(id) ? initial : { voters, learners: [id] };
      const node = new SimNode(id, fs, this.random.fork(), membership);
      fs.setOperationDelay((operation) => this.diskDelay(node, operation));
      this.nodes.set(id, node);
    }
  }

  /** Builds the cluster, boots the initial voters and starts the tick clock. */
  static async create(options: SimClusterOptions): Promise<SimCluster> {
    const cluster = new SimCluster(options);
    // Not awaited: with disk latency a boot needs the events that release its fsyncs.
    for (const id of range(1, options.nodes)) void cluster.boot(id);
    cluster.scheduleTick();
    await drain();
    return cluster;
  }

  // ---- the event loop ----

  schedule(atMs: number, label: string, run: () => void): void {
    this.queue.push(Math.max(atMs, this.now), label, run);
  }

  /** Runs one event, drains, samples the invariants. False when nothing is scheduled. */
  async step(): Promise<boolean> {
    // Two loops stepping one cluster would interleave events with drains: not replayable.
    if (this.stepping)
      throw new Error('SimCluster.step is not re-entrant (two tickUntil at once?)');
    const event = this.queue.pop();
    if (event === undefined) return false;
    this.stepping = true;
    try {
      this.now = event.time;
      this.note(event.label);
      event.run();
      await drain();
      this.sample();
    } finally {
      this.stepping = false;
    }
    return true;
  }

  /** Runs events up to `timeMs` (or until `stop` says so). */
  async runUntil(timeMs: number, stop: () => boolean = () => false): Promise<void> {
    while ((this.queue.peekTime() ?? Number.POSITIVE_INFINITY) <= timeMs && !stop()) {
      await this.step();
    }
    if (!stop()) this.now = Math.max(this.now, timeMs);
  }

  async runFor(durationMs: number): Promise<void> {
    await this.runUntil(this.now + durationMs);
  }

  /** Runs until `predicate` holds (checked after every event), at most `maxTicks` ticks. */
  async tickUntil(predicate: () => boolean, maxTicks: number): Promise<boolean> {
    const deadline = this.now + maxTicks * TICK_MS;
    while (!predicate()) {
      if ((this.queue.peekTime() ?? Number.POSITIVE_INFINITY) > deadline) return false;
      await this.step();
    }
    return true;
  }

  /** Adds a line to the trace hash (and to the verbose output). */
  note(text: string): void {
    this.trace.add(text);
    this.options.onTrace?.(`${String(this.now).padStart(7)}ms ${text}`);
  }

  private scheduleTick(): void {
    this.schedule(this.now + TICK_MS, 'tick', () => {
      for (const node of this.nodes.values()) node.replica?.tick();
      this.scheduleTick();
    });
  }

  private sample(): void {
    for (const node of this.nodes.values()) {
      if (node.replica !== null && node.up) this.checker.sample(node.id, node.replica.status());
    }
  }

  // ---- nodes ----

  node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  replica(id: NodeId): Replica | null {
    return this.node(id).replica;
  }

  status(id: NodeId): ReplicaStatus | null {
    const node = this.node(id);
    return node.running ? (node.replica?.status() ?? null) : null;
  }

  ids(): NodeId[] {
    return [...this.nodes.keys()];
  }

  runningIds(): NodeId[] {
    return this.ids().filter((id) => this.node(id).running);
  }

  /** The running leader with the highest term, or null. */
  leader(): NodeId | null {
    let best: { id: NodeId; term: number } | null = null;
    for (const node of this.nodes.values()) {
      if (!node.running || node.replica === null) continue;
      const status = node.replica.status();
      if (status.role === 'leader' && (best === null || status.term > best.term)) {
        best = { id: node.id, term: status.term };
      }
    }
    return best?.id ?? null;
  }

  /** Boots a node that is down (never started, or crashed). Resolves once it runs. */
  boot(id: NodeId): Promise<void> {
    const node = this.node(id);
    if (node.up) return Promise.resolve();
    this.note(`boot ${id}`);
    return node.boot(this.factory, (error) => {
      this.checker.violation(`node ${id} failed to recover: ${describeError(error)}`);
    });
  }

  crash(id: NodeId): void {
    const node = this.node(id);
    if (!node.up) return;
    this.note(`crash ${id}`);
    node.crash();
  }

  restart(id: NodeId): Promise<void> {
    return this.boot(id);
  }

  private readonly factory: ReplicaFactory = (node, incarnation) => ({
    logger: silentLogger,
    clock: this.clock,
    raft: this.raft,
    transport: {
      send: (message, payload) => {
        if (!node.isCurrent(incarnation)) return;
        this.checker.sent(message);
        this.messageCounts.set(message.type, (this.messageCounts.get(message.type) ?? 0) + 1);
        if (message.type === 'appendResponse' && !message.success) this.rejectedAppends += 1;
        this.network.send(message, payload);
        this.onSent?.(node, message);
      },
    },
    stateMachine: new SimStateMachine((lastOffset, hash) => {
      if (node.isCurrent(incarnation)) this.checker.stateHash(node.id, lastOffset, hash);
    }),
    createNode: this.options.createNode ?? createRaftNode,
    logConfig: SIM_LOG_CONFIG,
    observer: this.observerFor(node, incarnation),
  });

  private observerFor(node: SimNode, incarnation: number): ReplicaObserver {
    const { checker } = this;
    const id = node.id;
    const live = (): boolean => node.isCurrent(incarnation);
    return {
      recovered: (info) =>
        live() && checker.recovered(id, info.snapshot, info.hardState, info.entries),
      appended: (entries) => live() && checker.appended(id, entries),
      truncated: (from) => live() && checker.truncated(id, from),
      snapshotInstalled: (meta) => live() && checker.snapshotInstalled(id, meta),
      compacted: (meta) => live() && checker.compacted(id, meta),
      applied: (entry) => live() && checker.appliedEntry(id, entry),
      failed: (error) => {
        if (live()) checker.violation(`node ${id} failed: ${describeError(error)}`);
      },
    };
  }

  private deliver(to: NodeId, ...[message, payload]: Parameters<Replica['receive']>): void {
    const node = this.nodes.get(to);
    if (node === undefined || !node.up || node.replica === null) {
      this.note(`drop down ${message.type} ${message.from}->${to}`);
      return;
    }
    node.replica.receive(message, payload);
  }

  /** Holds fsyncs for a seeded latency (the disk-latency fault), released by an event. */
  private diskDelay(node: SimNode, operation: Operation): Promise<void> | undefined {
    if (operation.kind !== 'sync' && operation.kind !== 'syncDirectory') return undefined;
    if (!this.diskFaults || this.knobs.diskLatencyMaxMs === 0) return undefined;
    const latency = this.random.int(this.knobs.diskLatencyMaxMs + 1);
    if (latency === 0) return undefined;
    return new Promise<void>((resolve) => {
      this.schedule(this.now + latency, `disk ${node.id} ${operation.kind} done`, resolve);
    });
  }

  // ---- faults ----

  partition(left: readonly NodeId[], right: readonly NodeId[], oneWay = false): void {
    this.note(`partition [${left.join(',')}] ${oneWay ? '->' : '|'} [${right.join(',')}]`);
    this.network.partition(left, right, oneWay);
  }

  isolate(id: NodeId): void {
    this.note(`isolate ${id}`);
    this.network.isolate(id, this.ids());
  }

  /** Heals partitions and releases every clogged link. */
  heal(): void {
    this.note('heal');
    this.network.heal();
    this.network.unclogAll();
  }

  /** Holds the messages from -> to until `unclog` (or `heal`). */
  clog(from: NodeId, to: NodeId): void {
    this.note(`clog ${from}->${to}`);
    this.network.clog(from, to);
  }

  unclog(from: NodeId, to: NodeId): void {
    this.note(`unclog ${from}->${to}`);
    this.network.unclog(from, to);
  }

  // ---- clients and administration ----

  /**
   * A client proposal of a unique `value` to `to` (default: the current leader, else node 1).
   * Returns its record at once; `status` changes when the replica answers.
   */
  propose(value: string, options: { to?: NodeId; records?: number } = {}): ProposalRecord {
    const to = options.to ?? this.leader() ?? asBrokerId(1);
    const record: ProposalRecord = {
      id: this.nextProposalId++,
      value,
      node: to,
      proposedAtMs: this.now,
      status: 'pending',
      crc: null,
      result: null,
      reason: null,
      settledAtMs: null,
    };
    this.proposals.push(record);
    this.note(`propose ${value} to ${to}`);
    void this.submit(record, options.records ?? 1);
    return record;
  }

  private async submit(record: ProposalRecord, records: number): Promise<void> {
    const batch = await proposalBatch(record.value, records, this.clock.nowMs());
    record.crc = batch.readUInt32BE(17);
    const replica = this.nodes.get(record.node)?.replica;
    if (replica === null || replica === undefined) {
      this.settle(record, 'failed', null, 'node down');
      return;
    }
    try {
      this.settle(record, 'acked', await replica.propose(batch), null);
    } catch (error) {
      const status = classifyRejection(error);
      if (status === null)
        this.checker.violation(`proposal ${record.value}: ${describeError(error)}`);
      this.settle(record, status ?? 'unknown', null, describeError(error));
    }
  }

  private settle(
    record: ProposalRecord,
    status: ProposalRecord['status'],
    result: ProposalResult | null,
    reason: string | null,
  ): void {
    record.status = status;
    record.result = result;
    record.reason = reason;
    record.settledAtMs = this.now;
    this.note(
      `proposal ${record.value} ${status}${result === null ? '' : ` [${result.baseOffset}..${result.lastOffset}] t${result.term}`}`,
    );
    if (result === null) return;
    this.ackedEnd = Math.max(this.ackedEnd, result.lastOffset);
    const applied = this.checker.appliedAt(result.baseOffset);
    if (
      applied?.term !== result.term ||
      applied.crc !== record.crc ||
      applied.lastOffset !== result.lastOffset
    ) {
      this.checker.violation(
        `acknowledged proposal ${record.value} at [${result.baseOffset}..${result.lastOffset}] term ${result.term} is not the entry applied there`,
      );
    }
  }

  /**
   * A linearizable read (ReadIndex) on `to` (default: the leader). Its read point must cover
   * every proposal acknowledged before the read began (real-time order), and the replica must
   * have applied up to it when it answers: a deposed leader serving a stale read fails this.
   */
  async read(to?: NodeId): Promise<number | null> {
    const node = to ?? this.leader() ?? asBrokerId(1);
    const replica = this.nodes.get(node)?.replica;
    if (replica === null || replica === undefined) return null;
    const mustCover = this.ackedEnd;
    const label = `read ${this.nextReadId++} on ${node}`;
    this.note(`${label} (acked up to ${mustCover})`);
    let offset: number;
    try {
      offset = await replica.readIndex();
    } catch (error) {
      const status = classifyRejection(error);
      if (status === null) this.checker.violation(`${label}: ${describeError(error)}`);
      this.note(`${label} failed`);
      return null;
    }
    this.note(`${label} at ${offset}`);
    if (offset < mustCover) {
      this.checker.violation(
        `stale read: ${label} at ${offset}, but ${mustCover} was acknowledged before it began`,
      );
    }
    const applied = replica.status().applied;
    if (applied < offset)
      this.checker.violation(`${label} answered at ${offset} with only ${applied} applied`);
    return offset;
  }

  /** Proposes a membership change through the leader; resolves with its outcome. */
  async changeMembership(change: MembershipChange): Promise<string> {
    const leader = this.leader();
    if (leader === null) return 'no leader';
    this.note(`membership ${change.type} ${change.node} via ${leader}`);
    if (change.type === 'addLearner' || change.type === 'addVoter') void this.boot(change.node);
    try {
      const result = await this.node(leader).replica?.changeMembership(change);
      return result === undefined ? 'no replica' : `committed at ${result.baseOffset}`;
    } catch (error) {
      return describeError(error);
    }
  }

  addLearner(id: NodeId): Promise<string> {
    return this.changeMembership({ type: 'addLearner', node: id });
  }

  promote(id: NodeId): Promise<string> {
    return this.changeMembership({ type: 'promote', node: id });
  }

  remove(id: NodeId): Promise<string> {
    return this.changeMembership({ type: 'remove', node: id });
  }

  /** Node `id` starts an election now. */
  campaign(id: NodeId): void {
    this.note(`campaign ${id}`);
    this.node(id).replica?.campaign();
  }

  transferLeadership(target: NodeId): boolean {
    const leader = this.leader();
    if (leader === null) return false;
    this.note(`transfer ${leader} -> ${target}`);
    return this.node(leader).replica?.transferLeadership(target).ok ?? false;
  }

  /** Snapshots node `id` at its applied offset and drops its log prefix. */
  async compact(id: NodeId): Promise<number | null> {
    const replica = this.node(id).replica;
    if (replica === null) return null;
    this.note(`compact ${id}`);
    try {
      return await replica.compact();
    } catch {
      return null;
    }
  }

  /** The leader's configuration (or node 1's when there is no leader). */
  membership(): Membership {
    const id = this.leader() ?? this.runningIds()[0];
    const status = id === undefined ? null : this.status(id);
    return status?.membership ?? { voters: [], learners: [] };
  }
}

function range(from: number, to: number): NodeId[] {
  const ids: NodeId[] = [];
  for (let id = from; id <= to; id++) ids.push(asBrokerId(id));
  return ids;
}

/**
 * Lets every microtask the last event queued run to completion: the in-memory disk resolves in
 * microtasks, and a setImmediate callback runs only once the microtask queue is empty.
 */
export function drain(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
