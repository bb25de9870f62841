/**
 * The history checker of the chaos harness: Jepsen's `jepsen.tests.kafka` analysis
 * (../shared/research/reliability.md §2.4–2.6) over the history shape of history.ts, plus what
 * Brook adds (§6–7): real-time offset order, replica divergence after the drain, and an UNKNOWN
 * verdict for runs that prove nothing.
 *
 * Decisions, where §2 leaves room or Brook differs:
 * - No transactions, so no cycle search (Elle) and no precommitted-read; the real-time cycle check
 *   is replaced by `realtime-offset-order`: an ok send that completed before another send to the
 *   same key was invoked has the lower offset. A send's position is its acknowledged offset when
 *   its op must have committed, else the first offset at which any poll saw its value; sends with
 *   no known position are not compared. History order (the position of an event in the array)
 *   is real-time order, so equal `time` stamps cannot hide a violation.
 * - An op invoked and never completed is an input error (reason, hence UNKNOWN at best) and is
 *   analysed as an `info` completion at the end of the history, as Jepsen completes histories.
 *   A completion without an invoke is an input error too, analysed as if invoked at the start.
 *   Malformed micro-operations are reported as input errors and skipped; the checker never throws
 *   on a history.
 * - A value read that no send ever carried (a poll invented or corrupted it) has no writer. Jepsen
 *   throws on it; here it is reported as `G1a` with `writer: null`: it is a read of data that
 *   never committed, the same failure class as an aborted read, and after a corruption fault it is
 *   the evidence that damaged data was served.
 * - `unseen` is evaluated once, at the end of the history (after the final drain): the values of
 *   ok sends that no ok poll ever returned, one anomaly per key.
 * - Replica divergence: after the drain every replica of a key must have the same high watermark
 *   and the same digest of its log up to it. A digest cannot be compared at a common prefix, so
 *   replicas at different high watermarks are reported as divergence "not settled" (the harness
 *   must let replication settle before taking snapshots); replicas at the same high watermark
 *   with different digests are reported as "digests differ".
 * - `int-send-skip` is allowed (another producer interleaved), counted and listed but never a
 *   failure. Verdict: FAIL if any other anomaly; else UNKNOWN if the fault left no evidence, too
 *   few ops completed ok, the drain did not finish, replicas were required but missing, or the
 *   history had input errors; else PASS.
 *
 * Cost: linear in the history apart from sorting each key's offsets and sends (n log n).
 * Must not: do I/O, read clocks, or print; it is a pure function of its input.
 */
import { isNemesis } from './history.js';
import type { ClientEvent, ClientF, HistoryEvent, Key, Value } from './history.js';

export type AnomalyType =
  | 'lost-write'
  | 'unseen'
  | 'duplicate'
  | 'inconsistent-offsets'
  | 'G1a'
  | 'poll-skip'
  | 'nonmonotonic-poll'
  | 'nonmonotonic-send'
  | 'int-poll-skip'
  | 'int-nonmonotonic-poll'
  | 'int-send-skip'
  | 'int-nonmonotonic-send'
  | 'realtime-offset-order'
  | 'replica-divergence';

export const ANOMALY_TYPES: readonly AnomalyType[] = [
  'lost-write',
  'unseen',
  'duplicate',
  'inconsistent-offsets',
  'G1a',
  'poll-skip',
  'nonmonotonic-poll',
  'nonmonotonic-send',
  'int-poll-skip',
  'int-nonmonotonic-poll',
  'int-send-skip',
  'int-nonmonotonic-send',
  'realtime-offset-order',
  'replica-divergence',
];

/** Reported and counted, never a failure (§2.6). */
export const ALLOWED_ANOMALY_TYPES: ReadonlySet<AnomalyType> = new Set(['int-send-skip']);

export interface Anomaly {
  readonly type: AnomalyType;
  readonly key?: number;
  /** JSON-able: values, offsets, and ops named by the `index` of their completion event. */
  readonly detail: unknown;
}

/** After the drain: each broker's replica of each key, as the digest of its log bytes up to the high watermark. */
export interface ReplicaSnapshot {
  readonly key: number;
  readonly broker: number;
  readonly highWatermark: number;
  readonly digest: string;
}

export interface CheckInput {
  readonly history: readonly HistoryEvent[];
  /** Replica snapshots taken after the final drain (empty: divergence not checked -> reason for UNKNOWN only if `requireReplicas`). */
  readonly replicas: readonly ReplicaSnapshot[];
  /** True when the final drain read every partition to its end. */
  readonly drainFinished: boolean;
  /** Evidence the fault took effect (leader change seen, indeterminate op, unsynced bytes dropped...), as a list of human strings; empty = it did not. */
  readonly faultEvidence: readonly string[];
  /** Fewer ok ops than this -> UNKNOWN. Default 100. */
  readonly minOkOps?: number;
  /** Every key the history names must have replica snapshots, else UNKNOWN. Default false. */
  readonly requireReplicas?: boolean;
  /** Anomalies listed per type (counts stay exact). Default 1000. */
  readonly anomaliesPerTypeMax?: number;
}

export interface CheckResult {
  readonly verdict: 'PASS' | 'FAIL' | 'UNKNOWN';
  readonly anomalies: readonly Anomaly[];
  readonly counts: Record<AnomalyType, number>;
  readonly okOps: number;
  readonly failOps: number;
  readonly infoOps: number;
  /** Why UNKNOWN or FAIL (for FAIL, the failing anomaly counts first). */
  readonly reasons: readonly string[];
}

export const MIN_OK_OPS_DEFAULT = 100;
export const ANOMALIES_PER_TYPE_MAX_DEFAULT = 1000;
/** Values listed in one anomaly's detail (skipped, unseen); the full count is reported beside. */
const DETAIL_VALUES_MAX = 32;
/** Input errors listed in reasons; the full count is reported beside. */
const INPUT_ERRORS_LISTED_MAX = 20;

type Completion = 'ok' | 'fail' | 'info';

interface SendMop {
  readonly key: Key;
  readonly value: Value;
  readonly offset: number | null;
}

interface ReadPair {
  readonly offset: number | null;
  readonly value: Value;
}

/** One client operation, invoke and completion joined. */
interface Op {
  /** The `index` of its completion event (of its invoke, when it never completed). */
  readonly id: number;
  readonly process: number;
  readonly type: Completion;
  readonly f: ClientF;
  /** Positions in the history array: real-time order. */
  readonly invokedAt: number;
  readonly completedAt: number;
  /** Key -> sends in micro-op order. */
  readonly writes: ReadonlyMap<Key, readonly SendMop[]>;
  /** Key -> pairs read, concatenated over the poll micro-ops in order. */
  readonly reads: ReadonlyMap<Key, readonly ReadPair[]>;
  /** assign: the keys assigned. */
  readonly assigned: readonly Key[];
}

/** Everything the checker saw, before any rule runs. */
interface Parsed {
  readonly ops: readonly Op[];
  readonly inputErrors: readonly string[];
  readonly okOps: number;
  readonly failOps: number;
  readonly infoOps: number;
}

/** `log[k]` of §2.4 and the orders derived from it. */
interface KeyOrder {
  /** Offset -> values seen there. */
  readonly log: ReadonlyMap<number, ReadonlySet<Value>>;
  /** Non-empty offsets, ascending; the dense index of `offsets[i]` is i. */
  readonly offsets: readonly number[];
  /** Dense index -> one value at it (the first added, on conflict). */
  readonly byIndex: readonly Value[];
  /** Value -> its dense index (the last, if it appears at several). */
  readonly byValue: ReadonlyMap<Value, number>;
  /** Value -> the smallest dense index it appears at. */
  readonly firstIndex: ReadonlyMap<Value, number>;
  /** Value -> the largest dense index it appears at. */
  readonly lastIndex: ReadonlyMap<Value, number>;
}

type ValuesByKey = Map<Key, Set<Value>>;

interface Analysis {
  readonly ops: readonly Op[];
  readonly writesByType: Record<Completion, ValuesByKey>;
  readonly readsByType: Record<Completion, ValuesByKey>;
  readonly writerOf: ReadonlyMap<Key, ReadonlyMap<Value, Op>>;
  readonly committed: ReadonlySet<Op>;
  readonly orders: ReadonlyMap<Key, KeyOrder>;
}

export function checkHistory(input: CheckInput): CheckResult {
  const parsed = parseHistory(input.history);
  const analysis = analyse(parsed.ops);
  const findings = new Findings(input.anomaliesPerTypeMax ?? ANOMALIES_PER_TYPE_MAX_DEFAULT);
  checkInconsistentOffsets(analysis, findings);
  checkDuplicates(analysis, findings);
  checkAbortedReads(analysis, findings);
  checkLostWrites(analysis, findings);
  checkPollOrderAcrossOps(analysis, findings);
  checkSendOrderAcrossOps(analysis, findings);
  checkOrderWithinOps(analysis, findings);
  checkRealtimeOffsetOrder(analysis, findings);
  checkUnseen(analysis, findings);
  const replicaErrors = checkReplicas(input.replicas, findings);
  const inputErrors = [...parsed.inputErrors, ...replicaErrors];
  return verdictOf(input, parsed, analysis, findings, inputErrors);
}

function verdictOf(
  input: CheckInput,
  parsed: Parsed,
  analysis: Analysis,
  findings: Findings,
  inputErrors: readonly string[],
): CheckResult {
  const failing = ANOMALY_TYPES.filter(
    (type) => !ALLOWED_ANOMALY_TYPES.has(type) && findings.counts[type] > 0,
  );
  const reasons = failing.map((type) => `${type}: ${findings.counts[type]}`);
  const unknown: string[] = [];
  if (input.faultEvidence.length === 0) unknown.push('the fault left no evidence it took effect');
  const minOkOps = input.minOkOps ?? MIN_OK_OPS_DEFAULT;
  if (parsed.okOps < minOkOps) unknown.push(`only ${parsed.okOps} ok ops (< ${minOkOps})`);
  if (!input.drainFinished) unknown.push('the final drain did not read every partition to its end');
  if (input.requireReplicas === true) unknown.push(...missingReplicas(input.replicas, analysis));
  if (inputErrors.length > 0) {
    unknown.push(`${inputErrors.length} input errors in the history`);
    unknown.push(...inputErrors.slice(0, INPUT_ERRORS_LISTED_MAX));
  }
  for (const type of ANOMALY_TYPES) {
    const listed = findings.listed(type);
    if (listed < findings.counts[type]) {
      reasons.push(`${type}: listed ${listed} of ${findings.counts[type]}`);
    }
  }
  const verdict = failing.length > 0 ? 'FAIL' : unknown.length > 0 ? 'UNKNOWN' : 'PASS';
  return {
    verdict,
    anomalies: findings.anomalies,
    counts: findings.counts,
    okOps: parsed.okOps,
    failOps: parsed.failOps,
    infoOps: parsed.infoOps,
    reasons: [...reasons, ...unknown],
  };
}

function missingReplicas(replicas: readonly ReplicaSnapshot[], analysis: Analysis): string[] {
  if (replicas.length === 0) return ['no replica snapshots: divergence not checked'];
  const covered = new Set(replicas.map((replica) => replica.key));
  const keys = new Set<Key>();
  for (const op of analysis.ops) {
    for (const key of op.writes.keys()) keys.add(key);
    for (const key of op.reads.keys()) keys.add(key);
  }
  const missing = [...keys].filter((key) => !covered.has(key)).sort((a, b) => a - b);
  return missing.length === 0 ? [] : [`no replica snapshot for keys ${missing.join(', ')}`];
}

/** Anomalies found so far: exact counts, and at most `perTypeMax` listed per type. */
class Findings {
  readonly anomalies: Anomaly[] = [];
  readonly counts: Record<AnomalyType, number>;
  private readonly listedByType = new Map<AnomalyType, number>();

  constructor(private readonly perTypeMax: number) {
    this.counts = Object.fromEntries(ANOMALY_TYPES.map((type) => [type, 0])) as Record<
      AnomalyType,
      number
    >;
  }

  add(type: AnomalyType, key: Key, detail: unknown): void {
    this.counts[type] += 1;
    const listed = this.listed(type);
    if (listed >= this.perTypeMax) return;
    this.listedByType.set(type, listed + 1);
    this.anomalies.push({ type, key, detail });
  }

  listed(type: AnomalyType): number {
    return this.listedByType.get(type) ?? 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing: join invokes and completions, validate micro-operations.

interface PendingInvoke {
  readonly event: ClientEvent;
  readonly position: number;
}

function parseHistory(history: readonly HistoryEvent[]): Parsed {
  const ops: Op[] = [];
  const inputErrors: string[] = [];
  const pending = new Map<number, PendingInvoke>();
  const completions: Record<Completion, number> = { ok: 0, fail: 0, info: 0 };
  history.forEach((event, position) => {
    if (isNemesis(event)) return;
    const problem = eventProblem(event);
    if (problem !== null) {
      inputErrors.push(`event ${position}: ${problem}`);
      return;
    }
    if (event.type === 'invoke') {
      const earlier = pending.get(event.process);
      if (earlier !== undefined) {
        inputErrors.push(
          `process ${event.process}: op ${earlier.event.index} invoked, never completed before op ${event.index}`,
        );
        ops.push(buildOp(earlier, null, history.length, inputErrors));
      }
      pending.set(event.process, { event, position });
      return;
    }
    completions[event.type] += 1;
    const invoke = pending.get(event.process);
    pending.delete(event.process);
    if (invoke === undefined) {
      inputErrors.push(`op ${event.index}: ${event.type} from process ${event.process}, no invoke`);
    } else if (invoke.event.f !== event.f) {
      inputErrors.push(`op ${event.index}: completes ${event.f}, invoked ${invoke.event.f}`);
    }
    ops.push(buildOp(invoke, { event, position }, history.length, inputErrors));
  });
  for (const invoke of pending.values()) {
    inputErrors.push(`op ${invoke.event.index} (process ${invoke.event.process}) never completed`);
    ops.push(buildOp(invoke, null, history.length, inputErrors));
  }
  return {
    ops,
    inputErrors,
    okOps: completions.ok,
    failOps: completions.fail,
    infoOps: completions.info,
  };
}

const CLIENT_FS: ReadonlySet<string> = new Set(['send', 'poll', 'assign']);
const OP_TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** A client event from JSON is trusted only after these checks. */
function eventProblem(event: ClientEvent): string | null {
  const loose = event as unknown as Record<string, unknown>;
  if (!isInteger(loose['process'])) return `process is not an integer`;
  if (typeof loose['type'] !== 'string' || !OP_TYPES.has(loose['type'])) return 'bad type';
  if (typeof loose['f'] !== 'string' || !CLIENT_FS.has(loose['f'])) return 'bad f';
  if (!Array.isArray(loose['value'])) return 'value is not a list';
  return null;
}

/**
 * `completion` null: never completed, analysed as `info` at the end of the history. `invoke`
 * undefined: a completion without an invoke, analysed as if invoked at the start.
 */
function buildOp(
  invoke: PendingInvoke | undefined,
  completion: PendingInvoke | null,
  historyLength: number,
  inputErrors: string[],
): Op {
  const done = completion?.event;
  const first = invoke?.event ?? done;
  if (first === undefined) throw new Error('buildOp needs an invoke or a completion');
  const id = done?.index ?? first.index;
  const problems: string[] = [];
  let sends = done === undefined ? [] : parseSends(done.value, problems);
  if (sends.length === 0 && invoke !== undefined) sends = parseSends(invoke.event.value, problems);
  const reads = done === undefined ? new Map<Key, ReadPair[]>() : parseReads(done.value, problems);
  const assigned = first.f === 'assign' ? parseKeys(done?.value ?? first.value, problems) : [];
  for (const problem of new Set(problems)) inputErrors.push(`op ${id}: ${problem}`);
  return {
    id,
    process: first.process,
    type: done === undefined || done.type === 'invoke' ? 'info' : done.type,
    f: first.f,
    invokedAt: invoke?.position ?? -1,
    completedAt: completion?.position ?? historyLength,
    writes: groupByKey(sends),
    reads,
    assigned,
  };
}

function groupByKey(sends: readonly SendMop[]): Map<Key, SendMop[]> {
  const byKey = new Map<Key, SendMop[]>();
  for (const send of sends) appendTo(byKey, send.key, send);
  return byKey;
}

/** `[send, k, v]` (invoke form) or `[send, k, [offset|null, v]]` (completed form). */
function parseSends(value: readonly unknown[], problems: string[]): SendMop[] {
  const sends: SendMop[] = [];
  for (const mop of value) {
    if (!Array.isArray(mop) || mop[0] !== 'send') continue;
    const [, key, body] = mop as readonly unknown[];
    if (!isInteger(key)) {
      problems.push('send with a non-integer key');
    } else if (isInteger(body)) {
      sends.push({ key, value: body, offset: null });
    } else if (Array.isArray(body) && isOffset(body[0]) && isInteger(body[1])) {
      sends.push({ key, value: body[1], offset: body[0] });
    } else {
      problems.push(`malformed send on key ${key}`);
    }
  }
  return sends;
}

/** `[poll, {k: [[offset, v], ...]}]`, concatenated per key over the poll micro-ops. */
function parseReads(value: readonly unknown[], problems: string[]): Map<Key, ReadPair[]> {
  const reads = new Map<Key, ReadPair[]>();
  for (const mop of value) {
    if (!Array.isArray(mop) || mop[0] !== 'poll' || mop.length < 2) continue;
    const body: unknown = mop[1];
    if (typeof body !== 'object' || body === null) {
      problems.push('malformed poll');
      continue;
    }
    for (const [name, pairs] of Object.entries(body)) {
      const key = Number(name);
      if (!Number.isInteger(key) || !Array.isArray(pairs)) {
        problems.push(`malformed poll of key ${name}`);
        continue;
      }
      for (const pair of pairs as readonly unknown[]) {
        if (Array.isArray(pair) && isOffset(pair[0]) && isInteger(pair[1])) {
          appendTo(reads, key, { offset: pair[0], value: pair[1] });
        } else {
          problems.push(`malformed pair read on key ${key}`);
        }
      }
    }
  }
  return reads;
}

function parseKeys(value: readonly unknown[], problems: string[]): Key[] {
  const keys = value.filter(isInteger);
  if (keys.length !== value.length) problems.push('assign of non-integer keys');
  return keys;
}

function isInteger(x: unknown): x is number {
  return Number.isInteger(x);
}

function isOffset(x: unknown): x is number | null {
  return x === null || (isInteger(x) && x >= 0);
}

function appendTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [item]);
  else list.push(item);
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, item: V): void {
  const set = map.get(key);
  if (set === undefined) map.set(key, new Set([item]));
  else set.add(item);
}

// ---------------------------------------------------------------------------------------------
// Derived structures (§2.4).

function analyse(ops: readonly Op[]): Analysis {
  const writesByType = emptyByType();
  const readsByType = emptyByType();
  const writerOf = new Map<Key, Map<Value, Op>>();
  for (const op of ops) {
    for (const [key, sends] of op.writes) {
      for (const send of sends) {
        addTo(writesByType[op.type], key, send.value);
        getOrCreate(writerOf, key, () => new Map<Value, Op>()).set(send.value, op);
      }
    }
    for (const [key, pairs] of op.reads) {
      for (const pair of pairs) addTo(readsByType[op.type], key, pair.value);
    }
  }
  const okReads = readsByType.ok;
  const committed = new Set(ops.filter((op) => mustHaveCommitted(op, okReads)));
  return {
    ops,
    writesByType,
    readsByType,
    writerOf,
    committed,
    orders: buildOrders(ops, committed),
  };
}

function emptyByType(): Record<Completion, ValuesByKey> {
  return { ok: new Map(), fail: new Map(), info: new Map() };
}

/** Ok, or info with any one of its writes read by an ok poll (which proves the whole op). */
function mustHaveCommitted(op: Op, okReads: ValuesByKey): boolean {
  if (op.type === 'ok') return true;
  if (op.type !== 'info') return false;
  for (const [key, sends] of op.writes) {
    const read = okReads.get(key);
    if (read !== undefined && sends.some((send) => read.has(send.value))) return true;
  }
  return false;
}

/** Sends with an offset from ops that must have committed, and every poll pair of every op. */
function buildOrders(ops: readonly Op[], committed: ReadonlySet<Op>): Map<Key, KeyOrder> {
  const logs = new Map<Key, Map<number, Set<Value>>>();
  const place = (key: Key, offset: number | null, value: Value): void => {
    if (offset === null) return;
    addTo(
      getOrCreate(logs, key, () => new Map<number, Set<Value>>()),
      offset,
      value,
    );
  };
  for (const op of ops) {
    if (committed.has(op)) {
      for (const [key, sends] of op.writes) {
        for (const send of sends) place(key, send.offset, send.value);
      }
    }
    for (const [key, pairs] of op.reads) {
      for (const pair of pairs) place(key, pair.offset, pair.value);
    }
  }
  const orders = new Map<Key, KeyOrder>();
  for (const [key, log] of logs) orders.set(key, orderOf(log));
  return orders;
}

function orderOf(log: ReadonlyMap<number, ReadonlySet<Value>>): KeyOrder {
  const offsets = [...log.keys()].sort((a, b) => a - b);
  const byIndex: Value[] = [];
  const byValue = new Map<Value, number>();
  const firstIndex = new Map<Value, number>();
  offsets.forEach((offset, index) => {
    const values = log.get(offset) ?? new Set<Value>();
    for (const value of values) {
      if (byIndex.length === index) byIndex.push(value);
      byValue.set(value, index);
      if (!firstIndex.has(value)) firstIndex.set(value, index);
    }
  });
  return { log, offsets, byIndex, byValue, firstIndex, lastIndex: byValue };
}

/** Δ between two values' dense indexes on a key, 1 when either is unknown (§2.5 item 6). */
function deltaOf(order: KeyOrder | undefined, from: Value, to: Value): number {
  const i = order?.byValue.get(from);
  const j = order?.byValue.get(to);
  return i === undefined || j === undefined ? 1 : j - i;
}

function skippedBetween(order: KeyOrder | undefined, from: Value, to: Value): unknown {
  const i = order?.byValue.get(from);
  const j = order?.byValue.get(to);
  if (order === undefined || i === undefined || j === undefined) return { values: [], count: 0 };
  const values = order.byIndex.slice(i + 1, Math.min(j, i + 1 + DETAIL_VALUES_MAX));
  return { values, count: j - i - 1 };
}

function lastOf<T>(list: readonly T[] | undefined): T | undefined {
  return list === undefined ? undefined : list[list.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Rules (§2.5).

/** §2.5 item 1: an offset holding two or more distinct values. */
function checkInconsistentOffsets(analysis: Analysis, findings: Findings): void {
  for (const [key, order] of analysis.orders) {
    order.offsets.forEach((offset, index) => {
      const values = order.log.get(offset);
      if (values !== undefined && values.size > 1) {
        const sorted = [...values].sort((a, b) => a - b);
        findings.add('inconsistent-offsets', key, { key, offset, index, values: sorted });
      }
    });
  }
}

/** §2.5 item 2: one value at two or more offsets. */
function checkDuplicates(analysis: Analysis, findings: Findings): void {
  for (const [key, order] of analysis.orders) {
    const offsetsOf = new Map<Value, number[]>();
    for (const offset of order.offsets) {
      for (const value of order.log.get(offset) ?? []) appendTo(offsetsOf, value, offset);
    }
    for (const [value, offsets] of offsetsOf) {
      if (offsets.length > 1) {
        findings.add('duplicate', key, { key, value, count: offsets.length, offsets });
      }
    }
  }
}

/**
 * §2.5 item 3: an ok poll reads a value whose send definitely failed. Also: any poll reads a
 * value no send ever carried (see the header).
 */
function checkAbortedReads(analysis: Analysis, findings: Findings): void {
  const failed = analysis.writesByType.fail;
  for (const op of analysis.ops) {
    for (const [key, pairs] of op.reads) {
      const writers = analysis.writerOf.get(key);
      for (const { offset, value } of pairs) {
        const writer = writers?.get(value);
        if (writer === undefined) {
          findings.add('G1a', key, { key, value, offset, writer: null, reader: op.id });
        } else if (op.type === 'ok' && failed.get(key)?.has(value) === true) {
          findings.add('G1a', key, { key, value, offset, writer: writer.id, reader: op.id });
        }
      }
    }
  }
}

/**
 * §2.5 item 5: once an ok poll observed dense index `bound`, every committed write whose last
 * appearance is at or below it must have been read by some ok poll.
 */
function checkLostWrites(analysis: Analysis, findings: Findings): void {
  for (const [key, read] of analysis.readsByType.ok) {
    const order = analysis.orders.get(key);
    if (order === undefined) continue;
    let bound = -1;
    for (const value of read) bound = Math.max(bound, order.firstIndex.get(value) ?? -1);
    const boundValue = order.byIndex[bound];
    for (const [value, last] of order.lastIndex) {
      if (last > bound || read.has(value)) continue;
      const writer = analysis.writerOf.get(key)?.get(value);
      if (writer === undefined || !analysis.committed.has(writer)) continue;
      findings.add('lost-write', key, {
        key,
        value,
        index: order.firstIndex.get(value),
        maxReadIndex: bound,
        maxReadValue: boundValue,
        writer: writer.id,
      });
    }
  }
}

function opsByProcess(ops: readonly Op[]): Map<number, Op[]> {
  const byProcess = new Map<number, Op[]>();
  for (const op of ops) appendTo(byProcess, op.process, op);
  return byProcess;
}

/** An ok or info assign keeps only the entries of the keys it assigns (§2.5 item 6). */
function pruneOnAssign(op: Op, last: Map<Key, Op>): void {
  if (op.type === 'fail') return;
  const kept = new Set(op.assigned);
  for (const key of [...last.keys()]) if (!kept.has(key)) last.delete(key);
}

/** §2.5 item 6: per process, each op's first read of a key follows the last ok read of it. */
function checkPollOrderAcrossOps(analysis: Analysis, findings: Findings): void {
  for (const ops of opsByProcess(analysis.ops).values()) {
    const lastRead = new Map<Key, Op>();
    for (const op of ops) {
      if (op.f === 'assign') {
        pruneOnAssign(op, lastRead);
        continue;
      }
      for (const [key, pairs] of op.reads) {
        const previous = lastRead.get(key);
        const from = lastOf(previous?.reads.get(key))?.value;
        const to = pairs[0]?.value;
        if (previous === undefined || from === undefined || to === undefined) continue;
        const order = analysis.orders.get(key);
        const delta = deltaOf(order, from, to);
        const ops = [previous.id, op.id];
        if (delta > 1) {
          const skipped = skippedBetween(order, from, to);
          findings.add('poll-skip', key, { key, delta, values: [from, to], skipped, ops });
        } else if (delta < 1) {
          findings.add('nonmonotonic-poll', key, { key, values: [from, to], delta, ops });
        }
      }
      if (op.type === 'ok') for (const key of op.reads.keys()) lastRead.set(key, op);
    }
  }
}

/** §2.5 item 7: per process, ok and info sends to a key never go backwards in its order. */
function checkSendOrderAcrossOps(analysis: Analysis, findings: Findings): void {
  for (const ops of opsByProcess(analysis.ops).values()) {
    const lastSend = new Map<Key, Op>();
    for (const op of ops) {
      if (op.type === 'fail') continue;
      if (op.f === 'assign') {
        pruneOnAssign(op, lastSend);
        continue;
      }
      for (const [key, sends] of op.writes) {
        const previous = lastSend.get(key);
        const from = lastOf(previous?.writes.get(key))?.value;
        const to = sends[0]?.value;
        if (from !== undefined && to !== undefined) {
          const delta = deltaOf(analysis.orders.get(key), from, to);
          if (delta < 1) {
            const ops = [previous?.id, op.id];
            findings.add('nonmonotonic-send', key, { key, values: [from, to], delta, ops });
          }
        }
        lastSend.set(key, op);
      }
    }
  }
}

/** §2.5 items 8 and 9: consecutive reads, and consecutive sends, of a key within one op. */
function checkOrderWithinOps(analysis: Analysis, findings: Findings): void {
  for (const op of analysis.ops) {
    for (const [key, pairs] of op.reads) {
      const values = pairs.map((pair) => pair.value);
      checkConsecutive(
        analysis,
        findings,
        op,
        key,
        values,
        'int-poll-skip',
        'int-nonmonotonic-poll',
      );
    }
    for (const [key, sends] of op.writes) {
      const values = sends.map((send) => send.value);
      checkConsecutive(
        analysis,
        findings,
        op,
        key,
        values,
        'int-send-skip',
        'int-nonmonotonic-send',
      );
    }
  }
}

function checkConsecutive(
  analysis: Analysis,
  findings: Findings,
  op: Op,
  key: Key,
  values: readonly Value[],
  skip: AnomalyType,
  nonmonotonic: AnomalyType,
): void {
  const order = analysis.orders.get(key);
  for (let i = 1; i < values.length; i++) {
    const from = values[i - 1]!;
    const to = values[i]!;
    const delta = deltaOf(order, from, to);
    if (delta > 1) {
      const skipped = skippedBetween(order, from, to);
      findings.add(skip, key, { key, values: [from, to], delta, skipped, op: op.id });
    } else if (delta < 1) {
      findings.add(nonmonotonic, key, { key, values: [from, to], delta, op: op.id });
    }
  }
}

interface PlacedSend {
  readonly op: Op;
  readonly value: Value;
  readonly offset: number;
}

/**
 * Brook's real-time order (§7.3): an ok send that completed before another send to the same key
 * was invoked has the lower offset. One sweep per key: sends in invocation order against the
 * highest offset among ok sends completed before each invocation.
 */
function checkRealtimeOffsetOrder(analysis: Analysis, findings: Findings): void {
  for (const [key, sends] of placedSends(analysis)) {
    const earlier = sends
      .filter((send) => send.op.type === 'ok')
      .sort((a, b) => a.op.completedAt - b.op.completedAt);
    const later = [...sends].sort((a, b) => a.op.invokedAt - b.op.invokedAt);
    let next = 0;
    let highest: PlacedSend | undefined;
    for (const send of later) {
      while (next < earlier.length && earlier[next]!.op.completedAt < send.op.invokedAt) {
        const candidate = earlier[next]!;
        if (highest === undefined || candidate.offset > highest.offset) highest = candidate;
        next += 1;
      }
      if (highest !== undefined && highest.offset >= send.offset) {
        findings.add('realtime-offset-order', key, {
          key,
          earlier: { op: highest.op.id, value: highest.value, offset: highest.offset },
          later: { op: send.op.id, value: send.value, offset: send.offset },
        });
      }
    }
  }
}

/** Non-failed sends with a known position: the acknowledged offset, else where a poll saw it. */
function placedSends(analysis: Analysis): Map<Key, PlacedSend[]> {
  const placed = new Map<Key, PlacedSend[]>();
  for (const op of analysis.ops) {
    if (op.type === 'fail') continue;
    for (const [key, sends] of op.writes) {
      const order = analysis.orders.get(key);
      for (const send of sends) {
        const firstIndex = order?.firstIndex.get(send.value);
        const seenAt = firstIndex === undefined ? undefined : order?.offsets[firstIndex];
        const offset = analysis.committed.has(op) && send.offset !== null ? send.offset : seenAt;
        if (offset !== undefined) appendTo(placed, key, { op, value: send.value, offset });
      }
    }
  }
  return placed;
}

/** §2.5 item 11, at the end of the history: values of ok sends that no ok poll returned. */
function checkUnseen(analysis: Analysis, findings: Findings): void {
  for (const [key, sent] of analysis.writesByType.ok) {
    const read = analysis.readsByType.ok.get(key);
    const unseen = [...sent].filter((value) => read?.has(value) !== true).sort((a, b) => a - b);
    if (unseen.length > 0) {
      const values = unseen.slice(0, DETAIL_VALUES_MAX);
      findings.add('unseen', key, { key, count: unseen.length, values });
    }
  }
}

/** Replica divergence after the drain (see the header); returns input errors. */
function checkReplicas(replicas: readonly ReplicaSnapshot[], findings: Findings): string[] {
  const errors: string[] = [];
  const byKey = new Map<Key, Map<number, ReplicaSnapshot>>();
  for (const replica of replicas) {
    const brokers = getOrCreate(byKey, replica.key, () => new Map<number, ReplicaSnapshot>());
    if (brokers.has(replica.broker)) {
      errors.push(`two replica snapshots of key ${replica.key} on broker ${replica.broker}`);
    }
    brokers.set(replica.broker, replica);
  }
  for (const [key, brokers] of byKey) {
    const snapshots = [...brokers.values()].sort((a, b) => a.broker - b.broker);
    const highWatermarks = new Set(snapshots.map((replica) => replica.highWatermark));
    if (highWatermarks.size > 1) {
      const byBroker = Object.fromEntries(snapshots.map((r) => [r.broker, r.highWatermark]));
      findings.add('replica-divergence', key, {
        key,
        reason: 'not settled',
        highWatermarks: byBroker,
      });
    }
    for (const highWatermark of highWatermarks) {
      const same = snapshots.filter((replica) => replica.highWatermark === highWatermark);
      if (new Set(same.map((replica) => replica.digest)).size > 1) {
        const digests = Object.fromEntries(same.map((r) => [r.broker, r.digest]));
        findings.add('replica-divergence', key, {
          key,
          reason: 'digests differ',
          highWatermark,
          digests,
        });
      }
    }
  }
  return errors;
}
