/**
 * The history a chaos run records and the checker reads: Jepsen's `jepsen.tests.kafka` shape
 * (../shared/research/reliability.md §2.1), one JSON object per line in `history.jsonl`.
 *
 * Every client operation is an `invoke` followed, from the same `process`, by exactly one
 * completion: `ok`, `fail` (definitely had no effect) or `info` (indeterminate: it may or may
 * not have taken effect). Nemesis events (`process: "nemesis"`) share the file; the checker
 * drops them, the report and timeline use them.
 *
 * Keys map one to one to topic-partitions (see `keyOf` / `partitionOfKey`). Values are unique
 * per key (each key's producer writes 1, 2, 3, ...).
 */

/** A key: one topic-partition of the workload. */
export type Key = number;
/** A value: unique per key. */
export type Value = number;
/** A log offset, or null when the client does not know it. */
export type Offset = number | null;

/** `[send, key, value]` when invoked; `[send, key, [offset, value]]` once completed. */
export type SendInvoke = readonly ['send', Key, Value];
export type SendDone = readonly ['send', Key, readonly [Offset, Value]];
/** `[poll]` when invoked; `[poll, {key: [[offset, value], ...]}]` once completed. */
export type PollInvoke = readonly ['poll'];
export type PollDone = readonly [
  'poll',
  Readonly<Record<string, readonly (readonly [number, Value])[]>>,
];

export type MicroOp = SendInvoke | SendDone | PollInvoke | PollDone;

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type ClientF = 'send' | 'poll' | 'assign';

/** One client operation event (invoke or completion). */
export interface ClientEvent {
  /** Position in the history, from 0. */
  readonly index: number;
  /** Nanoseconds since the run started (monotonic). */
  readonly time: number;
  /** The client process (a worker id); a process that ended an op `info` is replaced by a new id. */
  readonly process: number;
  readonly type: OpType;
  readonly f: ClientF;
  /**
   * send/poll: the micro-operations (invoke form on `invoke`, completed form on completions,
   * which keep partial results on `info`). assign: the keys assigned.
   */
  readonly value: readonly MicroOp[] | readonly Key[];
  /** Why an op failed or is indeterminate (a Brook error code and message). */
  readonly error?: string;
}

/** A nemesis event: a fault starting or healing, with what it did. */
export interface NemesisEvent {
  readonly index: number;
  readonly time: number;
  readonly process: 'nemesis';
  readonly type: 'info';
  /** e.g. `kill`, `restart`, `pause`, `resume`, `partition`, `heal`, `delay`, `power`, `corrupt`. */
  readonly f: string;
  /** What was done (brokers, links, files, bytes dropped, ...). */
  readonly value: unknown;
}

export type HistoryEvent = ClientEvent | NemesisEvent;

export function isNemesis(event: HistoryEvent): event is NemesisEvent {
  return event.process === 'nemesis';
}

/** Topics of the workload: key k is topic `chaos-${k >> 1}`, partition `k & 1` (as Jepsen's Redpanda client). */
export function topicOfKey(key: Key): { readonly topic: string; readonly partition: number } {
  return { topic: `chaos-${Math.floor(key / 2)}`, partition: key % 2 };
}

export function keyOf(topic: string, partition: number): Key {
  const match = /^chaos-(\d+)$/.exec(topic);
  if (match === null) throw new Error(`not a workload topic: ${topic}`);
  return Number(match[1]) * 2 + partition;
}
