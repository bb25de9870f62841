/**
 * Randomized safety check of the pure cores (a miniature of the simulator), one seed
 * per run. The model is as harsh as the replica loop allows:
 *  - Readys stay outstanding across other events (the replica loop persists asynchronously
 *    while the core keeps stepping, ticking and taking proposals): `messages` leave when the
 *    Ready is taken, `messagesAfterPersist` only once it is persisted;
 *  - the network delivers out of order, duplicates, drops, and partitions (isolating a voter);
 *  - a crash loses the node's outstanding Ready, or keeps only its log writes, or only its
 *    hard state (`crash`): the core must be safe even when the hard state outlives the log
 *    writes of its own Ready (types.ts, HardState.commit);
 *  - proposals and reads go to any node that believes it leads, deposed ones included;
 *  - compactions, membership changes (learners, promotions, removals, the leader included),
 *    leadership transfers, and, in some seeds, small back-pressure bounds (BUSY answers).
 * After every event SafetyChecker (fuzz-checks.ts) checks the invariants; at the end a
 * liveness phase heals everything and requires a proposal to commit on every member.
 */
import { membershipAfter } from '../../../src/raft/index.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { SafetyChecker } from './fuzz-checks.js';
import { Network, ensure, freshStorage, id } from './network.js';
import type { EntryMeta, NodeId, RaftConfig, Ready } from '../../../src/raft/index.js';

/** What of a crashed node's outstanding Ready survives; 'any' draws one per crash. */
export type CrashMode = 'none' | 'log' | 'hardState' | 'any';

export interface FuzzOptions {
  readonly steps: number;
  readonly crash?: CrashMode;
  /** Run the liveness phase at the end (default true). */
  readonly liveness?: boolean;
}

export const stats = { leaders: 0, commit: 0, snapshots: 0, reads: 0, dropped: 0, busy: 0 };

/** Runs one seed; throws on the first violation. Returns the network (to digest its traffic). */
export function runSeed(seed: number, options: FuzzOptions): Network {
  const run = new FuzzRun(seed, options);
  run.run();
  return run.net;
}

/** FNV-1a over every message a run sent, as hex: equal digests, equal runs. */
export function digestOf(net: Network): string {
  const text = JSON.stringify(net.sent);
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

class FuzzRun {
  readonly net: Network;
  private readonly random: SeededRandom;
  private readonly voters: readonly number[];
  private readonly checker: SafetyChecker;
  private readonly outstanding = new Map<NodeId, Ready>();
  private readonly calm: boolean;
  private requestId = 0;

  constructor(
    private readonly seed: number,
    private readonly options: FuzzOptions,
  ) {
    const random = new SeededRandom(seed);
    this.random = random;
    this.voters = random.chance(0.5) ? [1, 2, 3] : [1, 2, 3, 4, 5];
    const tight = random.chance(0.3);
    const config: Partial<Omit<RaftConfig, 'id' | 'random'>> = {
      electionTicks: random.between(5, 20),
      heartbeatTicks: random.between(1, 4),
      preVote: random.chance(0.5),
      checkQuorum: random.chance(0.5),
      inflightMessagesMax: random.between(1, 4),
      inflightBytesMax: random.between(20, 200),
      messageBytesMax: random.between(1, 60),
      ...(tight ? { readIndexPendingMax: random.between(1, 20) } : {}),
      ...(tight ? { uncommittedBytesMax: random.between(40, 400) } : {}),
    };
    this.net = new Network({ voters: this.voters, learners: [6], seed, config });
    // Nodes outside the configuration (they may be added later) start from the same snapshot.
    for (const spare of [4, 5].filter((member) => !this.voters.includes(member))) {
      this.net.add(id(spare), freshStorage(this.net.node(1).status().membership), config, seed);
    }
    this.checker = new SafetyChecker(this.net);
    this.calm = random.chance(0.5);
  }

  run(): void {
    for (let step = 0; step < this.options.steps; step++) {
      this.step();
      this.checker.check();
      if (step % 200 === 0) this.checker.logMatching();
    }
    this.checker.logMatching();
    stats.leaders += this.checker.leaderCount;
    stats.snapshots += this.net.sent.filter((m) => m.type === 'installSnapshot').length;
    for (const reads of this.net.readStates.values()) stats.reads += reads.length;
    for (const dropped of this.net.droppedReads.values()) stats.dropped += dropped.length;
    if (this.options.liveness !== false) this.liveness();
  }

  /** One random event. */
  private step(): void {
    const { random, net } = this;
    const action = random.int(1000);
    const members = [...net.nodes.keys()];
    const member = random.pick(members);
    if (action < 200) net.node(member).tick();
    else if (action < 550) this.deliverOne();
    else if (action < 670) this.take(member);
    else if (action < 790) this.finish(member);
    else if (action < 870) this.proposeAnywhere(members);
    else if (action < (this.calm ? 872 : 885)) {
      net.heal();
      if (random.chance(0.5)) net.isolate(random.pick(this.voters));
    } else if (action < (this.calm ? 887 : 900)) {
      if (random.chance(this.calm ? 0.3 : 1)) this.crash(member);
    } else if (action < 920) this.compact(member);
    else if (action < 935) this.changeMembership();
    else if (action < 940) {
      const leader = net.leader();
      if (leader !== null) net.node(leader).transferLeadership(id(random.pick(members)));
    } else {
      for (const other of members) {
        if (random.chance(0.5)) this.finish(other);
        if (random.chance(0.5)) this.take(other);
      }
    }
  }

  /** A random queued message: delivered, or dropped (5%), or kept for a duplicate (5%). */
  private deliverOne(): void {
    const { random, net } = this;
    if (net.queue.length === 0) return;
    const index = random.int(net.queue.length);
    const message = net.queue[index];
    if (message === undefined) return;
    if (!random.chance(0.05)) net.queue.splice(index, 1);
    if (!random.chance(0.05)) net.node(message.to).step(message);
  }

  /** Takes a node's Ready and sends its `messages`; it stays outstanding until finish(). */
  private take(member: NodeId): void {
    const node = this.net.node(member);
    if (this.outstanding.has(member) || !node.hasReady()) return;
    const ready = node.ready();
    this.outstanding.set(member, ready);
    this.net.route(ready.messages);
    // The worst moment to crash: a Ready that rewrites the log (truncates, or installs a
    // snapshot) is being persisted, and a crash may split its log writes from its hard state.
    // That is where a persisted commit offset ahead of the log would be unsafe, and random
    // timing rarely hits it; so half of those Readys crash right away, keeping (in 'any' mode)
    // the hard state alone half the time.
    const rewrites = ready.truncateFrom !== null || ready.snapshot !== null;
    if (rewrites && this.random.chance(0.5)) {
      this.crash(member, this.random.chance(0.5) ? 'hardState' : undefined);
    }
  }

  /** Persists the outstanding Ready, sends `messagesAfterPersist`, applies, advances. */
  private finish(member: NodeId): void {
    const ready = this.outstanding.get(member);
    if (ready === undefined) return;
    this.outstanding.delete(member);
    this.net.persist(member, ready);
    this.net.route(ready.messagesAfterPersist);
    this.net.node(member).advance(ready);
  }

  /** Any node that believes it leads (a deposed one included) gets a proposal, maybe a read. */
  private proposeAnywhere(members: readonly NodeId[]): void {
    const { random, net } = this;
    const leading = members.filter((other) => net.node(other).status().role === 'leader');
    if (leading.length === 0) return;
    const leader = random.pick(leading);
    const node = net.node(leader);
    const proposal = { recordCount: random.between(1, 3), sizeBytes: random.between(1, 40) };
    const result = node.propose(proposal, node.status().term);
    if (!result.ok && result.error.code === 'BUSY') stats.busy++;
    if (random.chance(0.2)) {
      const requestId = ++this.requestId;
      let floor = -1;
      for (const other of net.nodes.values()) floor = Math.max(floor, other.status().commit);
      const read = node.readIndex(requestId);
      if (read.ok) this.checker.readAccepted(leader, requestId, floor);
      else if (read.error.code === 'BUSY') stats.busy++;
    }
  }

  /** A crash: the outstanding Ready is lost, in part or whole; its `messages` already left. */
  private crash(member: NodeId, keep?: 'hardState'): void {
    const lost = this.outstanding.get(member);
    this.outstanding.delete(member);
    if (lost !== undefined) this.keepPart(member, lost, keep);
    this.net.restart(member);
    this.checker.restarted(member);
  }

  private keepPart(member: NodeId, ready: Ready, keep?: 'hardState'): void {
    const mode = this.options.crash ?? 'any';
    const drawn = this.random.pick(['none', 'log', 'hardState'] as const);
    const kept = mode === 'any' ? (keep ?? drawn) : mode;
    const stored = this.net.storage(member);
    if (kept === 'none') return;
    if (kept === 'hardState') {
      if (ready.hardState !== null) stored.hardState = ready.hardState;
      return;
    }
    if (ready.snapshot !== null) {
      stored.snapshot = ready.snapshot;
      stored.entries = [];
      stored.applied = ready.snapshot.lastOffset;
    }
    if (ready.truncateFrom !== null) {
      const from = ready.truncateFrom;
      stored.entries = stored.entries.filter((entry) => entry.baseOffset < from);
    }
    for (const entry of ready.entries) stored.entries.push(entry);
  }

  /** The node's state machines snapshot at what they applied; the log prefix goes. */
  private compact(member: NodeId): void {
    const node = this.net.node(member);
    const status = node.status();
    if (status.applied <= status.snapshot.lastOffset || !this.random.chance(0.5)) return;
    node.compact(status.applied);
    const stored = this.net.storage(member);
    if (stored.snapshot.lastOffset < status.applied) {
      stored.snapshot = node.status().snapshot;
      stored.entries = stored.entries.filter((entry) => entry.baseOffset > status.applied);
    }
  }

  private changeMembership(): void {
    const { random, net } = this;
    const leader = net.leader();
    if (leader === null) return;
    const node = net.node(leader);
    const type = random.pick(['addLearner', 'promote', 'remove', 'addVoter'] as const);
    const target = id(random.pick([1, 2, 3, 4, 5, 6]));
    const change = membershipAfter(node.status().membership, { type, node: target });
    if (!change.ok || change.membership.voters.length < 2) return;
    node.propose({ recordCount: 1, sizeBytes: 5, config: change.membership }, node.status().term);
  }

  /**
   * Healed, some leader must get a proposal of its term committed on every member of its
   * configuration (a removed node may never learn it was removed). A proposal that a leader
   * change discarded is proposed again to the new leader.
   */
  private liveness(): void {
    const net = this.net;
    net.heal();
    for (const member of net.nodes.keys()) this.finish(member);
    let pending: { leader: NodeId; term: number; entry: EntryMeta } | null = null;
    let done = false;
    for (let round = 0; round < 500 && !done; round++) {
      net.tickAll();
      net.stabilize(100000);
      this.checker.check();
      const leader = net.leader();
      if (leader === null) continue;
      const status = net.node(leader).status();
      if (pending === null || pending.leader !== leader || pending.term !== status.term) {
        const result = net.node(leader).propose({ recordCount: 1, sizeBytes: 1 }, status.term);
        pending = result.ok ? { leader, term: status.term, entry: result.entry } : null;
        continue;
      }
      const target = pending.entry.lastOffset;
      const { voters, learners } = status.membership;
      done = [...voters, ...learners].every((other) => net.node(other).status().commit >= target);
    }
    if (!done && process.env['RAFT_FUZZ_VERBOSE'] !== undefined) {
      for (const node of net.nodes.values()) console.log(JSON.stringify(node.status()));
      console.log(JSON.stringify(pending), net.queue.length);
    }
    ensure(done, `seed ${this.seed}: no progress after healing`);
    this.checker.finalReads();
    stats.commit += net.node(net.leader() ?? 1).status().commit;
  }
}
