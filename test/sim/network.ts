/**
 * The simulated network: per message it may drop, delay, duplicate (deliver twice), reorder
 * (a long delay) or corrupt the payload (one flipped byte), as the knobs say; partitions block
 * directed links (a symmetric partition blocks both directions, an asymmetric one only one).
 * A message is checked against the partition both when sent and when delivered, so a message
 * in flight when a partition starts is lost, as on a real wire. A clogged link holds its
 * messages and delivers them in a burst when unclogged.
 *
 * Deterministic: its only randomness is its own SeededRandom, consumed in send order.
 */
import type { Message, NodeId } from '../../src/raft/types.js';
import type { SeededRandom } from '../support/seeded-random.js';
import type { FaultKnobs } from './knobs.js';

export interface NetworkHost {
  readonly now: () => number;
  schedule(atMs: number, label: string, run: () => void): void;
  trace(text: string): void;
  deliver(message: Message, payload: Uint8Array | null): void;
}

export class SimNetwork {
  private readonly blocked = new Set<string>();
  /** Clogged links hold their messages (in order) until unclogged (FoundationDB's clogging). */
  private readonly clogged = new Map<string, (() => void)[]>();
  private faulty = true;
  sent = 0;
  dropped = 0;

  constructor(
    private readonly random: SeededRandom,
    private readonly knobs: FaultKnobs,
    private readonly host: NetworkHost,
  ) {}

  /** Faults off: no drops, duplicates, corruption or long delays (the liveness phase). */
  setFaulty(faulty: boolean): void {
    this.faulty = faulty;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  /** Blocks a -> b for every a in `from` and b in `to`. */
  block(from: readonly NodeId[], to: readonly NodeId[]): void {
    for (const a of from) for (const b of to) if (a !== b) this.blocked.add(`${a}>${b}`);
  }

  partition(left: readonly NodeId[], right: readonly NodeId[], oneWay = false): void {
    this.block(left, right);
    if (!oneWay) this.block(right, left);
  }

  isolate(node: NodeId, all: readonly NodeId[]): void {
    this.partition(
      [node],
      all.filter((id) => id !== node),
    );
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Messages from -> to are held, not lost, until `unclog`. */
  clog(from: NodeId, to: NodeId): void {
    const key = `${from}>${to}`;
    if (!this.clogged.has(key)) this.clogged.set(key, []);
  }

  /** Delivers what a clogged link held, in order, now. */
  unclog(from: NodeId, to: NodeId): void {
    const key = `${from}>${to}`;
    const held = this.clogged.get(key) ?? [];
    this.clogged.delete(key);
    for (const deliver of held) this.host.schedule(this.host.now(), `unclogged ${key}`, deliver);
  }

  unclogAll(): void {
    for (const key of [...this.clogged.keys()]) {
      const [from, to] = key.split('>').map((id) => Number(id) as NodeId);
      if (from !== undefined && to !== undefined) this.unclog(from, to);
    }
  }

  get partitioned(): boolean {
    return this.blocked.size > 0 || this.clogged.size > 0;
  }

  send(message: Message, payload: Uint8Array | null): void {
    this.sent += 1;
    const { from, to } = message;
    if (this.isBlocked(from, to)) return this.drop(message, 'partition');
    if (this.faulty && this.random.chance(this.knobs.dropProbability)) {
      return this.drop(message, 'loss');
    }
    const copies = this.faulty && this.random.chance(this.knobs.duplicateProbability) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const bytes = this.maybeCorrupt(payload);
      const delay = this.delayMs();
      const label = `deliver ${describeMessage(message)}${copy > 0 ? ' (dup)' : ''}`;
      const deliver = (): void => {
        if (this.isBlocked(from, to)) return this.drop(message, 'partition in flight');
        const held = this.clogged.get(`${from}>${to}`);
        if (held !== undefined) held.push(deliver);
        else this.host.deliver(message, bytes);
      };
      this.host.schedule(this.host.now() + delay, label, deliver);
    }
  }

  private drop(message: Message, why: string): void {
    this.dropped += 1;
    this.host.trace(`drop ${why} ${describeMessage(message)}`);
  }

  private delayMs(): number {
    const { delayMinMs, delayMaxMs, longDelayMaxMs, reorderProbability } = this.knobs;
    if (this.faulty && this.random.chance(reorderProbability)) {
      return this.random.between(delayMaxMs, longDelayMaxMs);
    }
    return this.random.between(delayMinMs, delayMaxMs);
  }

  private maybeCorrupt(payload: Uint8Array | null): Uint8Array | null {
    if (payload === null || payload.length === 0) return payload;
    if (!this.faulty || !this.random.chance(this.knobs.corruptProbability)) return payload;
    const copy = Uint8Array.from(payload);
    const position = this.random.int(copy.length);
    copy[position] = (copy[position] ?? 0) ^ (1 + this.random.int(255));
    this.host.trace(`corrupt payload byte ${position}`);
    return copy;
  }
}

/** A short, stable description of a message (the trace hashes it). */
export function describeMessage(message: Message): string {
  const head = `${message.type} ${message.from}->${message.to} t${message.term}`;
  switch (message.type) {
    case 'append': {
      const first = message.entries[0];
      const last = message.entries[message.entries.length - 1];
      const range =
        first === undefined || last === undefined
          ? ''
          : ` [${first.baseOffset}..${last.lastOffset}]`;
      return `${head} prev ${message.prevLastOffset}/${message.prevTerm}${range} c${message.commit}`;
    }
    case 'appendResponse':
      return `${head} ${message.success ? 'ok' : 'reject'} m${message.matchOffset} h${message.rejectHint}/${message.rejectHintTerm}`;
    case 'preVote':
    case 'vote':
      return `${head} last ${message.lastOffset}/${message.lastTerm}`;
    case 'preVoteResponse':
    case 'voteResponse':
      return `${head} ${message.granted ? 'granted' : 'refused'}`;
    case 'heartbeat':
      return `${head} c${message.commit} r${message.readContext ?? '-'}`;
    case 'heartbeatResponse':
      return `${head} r${message.readContext ?? '-'}`;
    case 'installSnapshot':
      return `${head} s${message.snapshot.lastOffset}/${message.snapshot.term}`;
    case 'timeoutNow':
      return head;
  }
}
