/**
 * A tiny in-memory network of Raft cores for the unit tests (etcd's raft_test `network`, in
 * spirit). "Persisting" a Ready means copying it into a per-node `Stored` record, checked
 * against the Ready contract on the way (entries continue the log, truncation and commits stay
 * inside it). Messages are queued and delivered by hand or until the network is stable; links
 * can be cut one way or both. Everything is deterministic: each node's Random is seeded.
 */
import { asBrokerId } from '../../../src/util/brand.js';
import { asOffset, asTerm, createRaftNode } from '../../../src/raft/index.js';
import { SeededRandom } from '../../support/seeded-random.js';
import type {
  EntryMeta,
  HardState,
  Membership,
  Message,
  NodeId,
  Offset,
  RaftConfig,
  RaftNode,
  RaftStorageState,
  ReadState,
  Ready,
  SnapshotMeta,
} from '../../../src/raft/index.js';

export const id = (value: number): NodeId => asBrokerId(value);
export const off = (value: number): Offset => asOffset(value);

/** What a node has made durable, as a replica loop over a real log would have. */
export interface Stored {
  hardState: HardState;
  snapshot: SnapshotMeta;
  entries: EntryMeta[];
  applied: Offset;
}

export interface NetworkOptions {
  readonly voters: readonly number[];
  readonly learners?: readonly number[];
  readonly seed?: number;
  readonly config?: Partial<Omit<RaftConfig, 'id' | 'random'>>;
  /** Each member's recovered state (defaults to a fresh log with the initial configuration). */
  readonly storage?: (member: NodeId, fresh: Stored) => Stored;
  /** Builds a node (defaults to createRaftNode); tests of broken variants pass their own. */
  readonly factory?: (config: RaftConfig, state: RaftStorageState) => RaftNode;
}

export const defaultConfig = {
  electionTicks: 10,
  heartbeatTicks: 1,
  preVote: false,
  checkQuorum: false,
  inflightMessagesMax: 256,
  inflightBytesMax: 1 << 30,
  messageBytesMax: 1 << 20,
} as const;

export function freshStorage(membership: Membership): Stored {
  return {
    hardState: { term: asTerm(0), vote: null, commit: off(-1) },
    snapshot: { lastOffset: off(-1), term: asTerm(0), membership },
    entries: [],
    applied: off(-1),
  };
}

export class Network {
  readonly nodes = new Map<NodeId, RaftNode>();
  readonly stored = new Map<NodeId, Stored>();
  /** Sent and not yet delivered, oldest first. */
  queue: Message[] = [];
  /** Every message ever sent (for counting round trips). */
  readonly sent: Message[] = [];
  /** Entries each node applied, in order. */
  readonly applied = new Map<NodeId, EntryMeta[]>();
  readonly readStates = new Map<NodeId, ReadState[]>();
  /** Request ids each node reported in `Ready.droppedReads`, in order. */
  readonly droppedReads = new Map<NodeId, number[]>();
  private readonly cuts = new Set<string>();
  private readonly configs = new Map<NodeId, RaftConfig>();
  private readonly factory: (config: RaftConfig, state: RaftStorageState) => RaftNode;

  constructor(options: NetworkOptions) {
    this.factory = options.factory ?? createRaftNode;
    const membership: Membership = {
      voters: options.voters.map(id),
      learners: (options.learners ?? []).map(id),
    };
    const seed = options.seed ?? 1;
    for (const member of [...membership.voters, ...membership.learners]) {
      const fresh = freshStorage(membership);
      this.add(member, options.storage?.(member, fresh) ?? fresh, { ...options.config }, seed);
    }
  }

  /** Adds a node that starts from `storage` (e.g. a joining member with an empty config). */
  add(
    member: NodeId,
    storage: Stored,
    overrides: Partial<Omit<RaftConfig, 'id' | 'random'>> = {},
    seed = 1,
  ): RaftNode {
    const config: RaftConfig = {
      ...defaultConfig,
      ...overrides,
      id: member,
      random: new SeededRandom(seed * 1000 + member),
    };
    this.configs.set(member, config);
    this.stored.set(member, storage);
    this.applied.set(member, []);
    this.readStates.set(member, []);
    this.droppedReads.set(member, []);
    const node = this.factory(config, toStorageState(storage));
    this.nodes.set(member, node);
    return node;
  }

  node(member: number | NodeId): RaftNode {
    const node = this.nodes.get(id(member));
    if (node === undefined) throw new Error(`no node ${member}`);
    return node;
  }

  storage(member: number): Stored {
    const stored = this.stored.get(id(member));
    if (stored === undefined) throw new Error(`no node ${member}`);
    return stored;
  }

  /** A crash and restart: the node comes back from what it persisted. */
  restart(member: number): RaftNode {
    const config = this.configs.get(id(member));
    if (config === undefined) throw new Error(`no node ${member}`);
    const node = this.factory(config, toStorageState(this.storage(member)));
    this.nodes.set(id(member), node);
    this.queue = this.queue.filter((message) => message.to !== id(member));
    return node;
  }

  /** Persists, sends and applies one node's Ready, then advances it. Null when none. */
  processReady(member: number | NodeId): Ready | null {
    const node = this.node(member);
    if (!node.hasReady()) return null;
    const ready = node.ready();
    this.persist(id(member), ready);
    this.route([...ready.messages, ...ready.messagesAfterPersist]);
    node.advance(ready);
    return ready;
  }

  /** Persists a Ready handed out earlier by hand (tests that hold one back). */
  persist(member: NodeId, ready: Ready): void {
    const stored = this.storage(member);
    if (ready.snapshot !== null) {
      stored.snapshot = ready.snapshot;
      stored.entries = [];
      stored.applied = ready.snapshot.lastOffset;
    }
    if (ready.truncateFrom !== null) {
      const from = ready.truncateFrom;
      ensure(from > stored.snapshot.lastOffset, `truncation at ${from} inside the snapshot`);
      stored.entries = stored.entries.filter((entry) => entry.baseOffset < from);
      ensure(lastOffsetOf(stored) === from - 1, `truncation at ${from} beyond the log end`);
    }
    for (const entry of ready.entries) {
      ensure(
        entry.baseOffset === lastOffsetOf(stored) + 1,
        `entry ${entry.baseOffset} leaves a gap`,
      );
      stored.entries.push(entry);
    }
    if (ready.hardState !== null) stored.hardState = ready.hardState;
    if (ready.committed !== null)
      this.apply(member, stored, ready.committed.from, ready.committed.to);
    const readStates = this.readStates.get(member);
    for (const readState of ready.readStates) readStates?.push(readState);
    const droppedReads = this.droppedReads.get(member);
    for (const requestId of ready.droppedReads) droppedReads?.push(requestId);
  }

  /** Queues messages, dropping those on a cut link. */
  route(messages: readonly Message[]): void {
    for (const message of messages) {
      this.sent.push(message);
      if (!this.cuts.has(link(message.from, message.to))) this.queue.push(message);
    }
  }

  /** Processes every node's Ready once; true when any had one. */
  processAll(): boolean {
    let any = false;
    for (const member of this.nodes.keys()) if (this.processReady(member) !== null) any = true;
    return any;
  }

  /** Delivers the messages queued now (not those they cause); returns how many. */
  deliver(filter: (message: Message) => boolean = () => true): number {
    const batch = this.queue;
    this.queue = [];
    let delivered = 0;
    for (const message of batch) {
      if (!filter(message)) {
        this.queue.push(message);
        continue;
      }
      if (this.cuts.has(link(message.from, message.to))) continue;
      this.nodes.get(message.to)?.step(message);
      delivered++;
    }
    return delivered;
  }

  /** Drops queued messages matching `filter`. */
  drop(filter: (message: Message) => boolean): void {
    this.queue = this.queue.filter((message) => !filter(message));
  }

  /** Readys and messages until nothing moves; returns the number of delivery rounds. */
  stabilize(roundsMax = 1000): number {
    for (let round = 0; round < roundsMax; round++) {
      const ready = this.processAll();
      if (!ready && this.queue.length === 0) return round;
      this.deliver();
    }
    throw new Error('network did not stabilize');
  }

  tick(member: number, ticks = 1): void {
    for (let tick = 0; tick < ticks; tick++) this.node(member).tick();
  }

  tickAll(ticks = 1): void {
    for (let tick = 0; tick < ticks; tick++) for (const node of this.nodes.values()) node.tick();
  }

  /** Campaigns `member` and runs the network until stable; expects it to lead. */
  elect(member: number): void {
    this.node(member).campaign();
    this.stabilize();
    ensure(this.node(member).status().role === 'leader', `${member} did not win`);
  }

  cut(from: number, to: number): void {
    this.cuts.add(link(id(from), id(to)));
  }

  cutBoth(left: number, right: number): void {
    this.cut(left, right);
    this.cut(right, left);
  }

  isolate(member: number): void {
    for (const other of this.nodes.keys()) if (other !== id(member)) this.cutBoth(member, other);
  }

  heal(): void {
    this.cuts.clear();
  }

  /** The leader with the highest term, or null. */
  leader(): NodeId | null {
    let best: { id: NodeId; term: number } | null = null;
    for (const [member, node] of this.nodes) {
      const status = node.status();
      if (status.role === 'leader' && (best === null || status.term > best.term)) {
        best = { id: member, term: status.term };
      }
    }
    return best?.id ?? null;
  }

  /** Proposes a data entry on `member` at its current term. */
  propose(member: number, sizeBytes = 10, recordCount = 1): EntryMeta {
    const node = this.node(member);
    const result = node.propose({ recordCount, sizeBytes }, node.status().term);
    if (!result.ok) throw new Error(`proposal refused: ${result.error.code}`);
    return result.entry;
  }

  private apply(member: NodeId, stored: Stored, from: Offset, to: Offset): void {
    ensure(from === stored.applied + 1, `applying from ${from} after ${stored.applied}`);
    ensure(to <= lastOffsetOf(stored), `applying ${to} beyond the log end`);
    const applied = this.applied.get(member) ?? [];
    for (const entry of stored.entries) {
      if (entry.baseOffset >= from && entry.lastOffset <= to) applied.push(entry);
    }
    stored.applied = to;
  }
}

export function lastOffsetOf(stored: Stored): number {
  return stored.entries.at(-1)?.lastOffset ?? stored.snapshot.lastOffset;
}

export function toStorageState(stored: Stored): RaftStorageState {
  return {
    hardState: stored.hardState,
    snapshot: stored.snapshot,
    entries: [...stored.entries],
    applied: stored.applied,
  };
}

/** Entry metadata for hand-built logs: `terms[i]` is the term of a one-offset entry at i. */
export function entriesOfTerms(terms: readonly number[], first = 0, sizeBytes = 10): EntryMeta[] {
  return terms.map((term, index) => ({
    baseOffset: off(first + index),
    lastOffset: off(first + index),
    term: asTerm(term),
    sizeBytes,
  }));
}

/** The harness's own checks of the Ready contract (cheaper than expect in hot loops). */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function link(from: NodeId, to: NodeId): string {
  return `${from}->${to}`;
}
