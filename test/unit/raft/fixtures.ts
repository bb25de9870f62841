/**
 * Single-node helpers for the Raft unit tests: a core built from a hand-written log, and
 * shortcuts to run its Readys without a network.
 */
import { asTerm, createRaftNode } from '../../../src/raft/index.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { defaultConfig, entriesOfTerms, id, off } from './network.js';
import type {
  EntryMeta,
  Message,
  MessageType,
  NodeId,
  RaftConfig,
  RaftNode,
  RaftStorageState,
  Ready,
} from '../../../src/raft/index.js';

export interface NodeSpec {
  /** Terms of one-offset entries from offset 0 (the log), unless `entries` is given. */
  readonly terms?: readonly number[];
  readonly entries?: readonly EntryMeta[];
  readonly term?: number;
  readonly vote?: number | null;
  readonly commit?: number;
  readonly voters?: readonly number[];
  readonly learners?: readonly number[];
  readonly config?: Partial<Omit<RaftConfig, 'id' | 'random'>>;
  readonly seed?: number;
}

export function storageOf(spec: NodeSpec): RaftStorageState {
  const entries = spec.entries ?? entriesOfTerms(spec.terms ?? []);
  const lastTerm = entries.at(-1)?.term ?? 0;
  return {
    hardState: {
      term: asTerm(spec.term ?? lastTerm),
      vote: spec.vote === undefined || spec.vote === null ? null : id(spec.vote),
      commit: off(spec.commit ?? -1),
    },
    snapshot: {
      lastOffset: off(-1),
      term: asTerm(0),
      membership: {
        voters: (spec.voters ?? [1, 2, 3]).map(id),
        learners: (spec.learners ?? []).map(id),
      },
    },
    entries,
    applied: off(-1),
  };
}

export function configOf(member: number, spec: NodeSpec = {}): RaftConfig {
  return {
    ...defaultConfig,
    ...spec.config,
    id: id(member),
    random: new SeededRandom(spec.seed ?? member),
  };
}

export function makeNode(member: number, spec: NodeSpec = {}): RaftNode {
  return createRaftNode(configOf(member, spec), storageOf(spec));
}

/** Takes and advances the node's Ready (as if persisted); returns it. */
export function cycle(node: RaftNode): Ready {
  const ready = node.ready();
  node.advance(ready);
  return ready;
}

/** Every message of a Ready, both lists. */
export function allMessages(ready: Ready): Message[] {
  return [...ready.messages, ...ready.messagesAfterPersist];
}

type Narrow<M, T> = M extends { type: infer K } ? (T extends K ? M : never) : never;
/** The message interface whose `type` may be T (distributes over the Message union). */
export type MessageOf<T extends MessageType> = Narrow<Message, T>;

/** Messages of one type, narrowed. */
export function ofType<T extends MessageType>(
  messages: readonly Message[],
  type: T,
): MessageOf<T>[] {
  return messages.filter((message): message is MessageOf<T> => message.type === type);
}

/** Cycles the node and returns the messages of one type it sent. */
export function sent<T extends MessageType>(node: RaftNode, type: T): MessageOf<T>[] {
  return ofType(allMessages(cycle(node)), type);
}

/** Ticks a node until it becomes a (pre-)candidate; returns the ticks it took. */
export function ticksToCampaign(node: RaftNode, limit = 1000): number {
  for (let tick = 1; tick <= limit; tick++) {
    node.tick();
    if (node.status().role !== 'follower') return tick;
  }
  throw new Error('never campaigned');
}

export const t = asTerm;
export const nid = (value: number): NodeId => id(value);
