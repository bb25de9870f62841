/**
 * The benchmark's command line: `npm run bench -- CASE [flags]`, parsed and checked into one
 * resolved `BenchOptions` value (defaults filled in per case).
 *
 * Pure: no I/O, no process state. A bad flag or value throws `UsageError`, which the entry point
 * turns into a message, the usage text and exit code 2 before any broker is started. A flag that
 * does not apply to the chosen case (say `--trials` with `produce`) is refused the same way, so a
 * typo never silently measures something else.
 */
import { parseArgs } from 'node:util';
import type { CompressionOption } from '../src/client/index.js';

export const CASE_NAMES = ['produce', 'latency', 'consume', 'partitions', 'failover'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

export type BrokerCount = 1 | 3;

const COMPRESSIONS: readonly CompressionOption[] = ['none', 'gzip', 'lz4', 'zstd'];

/** When a measured phase stops: after `records`, after `seconds`, whichever comes first. */
export interface RunLimits {
  readonly records: number | undefined;
  readonly seconds: number | undefined;
}

export interface BenchOptions {
  readonly case: CaseName;
  readonly brokers: BrokerCount;
  /** Follows the broker count: 1 broker → 1, 3 brokers → 3. */
  readonly replicationFactor: number;
  readonly recordBytes: number;
  /** At least one of the two is set. */
  readonly limits: RunLimits;
  readonly partitions: number;
  /** Records per sendMany call. */
  readonly chunk: number;
  /** sendMany calls in flight. */
  readonly window: number;
  /** The producer's maxInFlightPerPartition (produce requests outstanding per partition). */
  readonly inFlight: number;
  readonly compression: CompressionOption;
  /** latency: the fixed rate of the end-to-end phase. */
  readonly ratePerSecond: number;
  /** partitions: the topic sizes to measure, in the order given. */
  readonly partitionCounts: readonly number[];
  /** partitions: how long the brokers are watched idle per count. */
  readonly idleSeconds: number;
  /** failover: leader kills. */
  readonly trials: number;
  readonly json: boolean;
}

export type ParseOutcome =
  { readonly kind: 'run'; readonly options: BenchOptions } | { readonly kind: 'help' };

/** A bad command line: the entry point prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run bench -- CASE [flags] [--json]

cases (each starts its own cluster of real broker processes on 127.0.0.1, fsync on, acks=all):
  produce     sustained produce throughput; latency of each sendMany call
  latency     one record in flight (send -> ack), then produce -> consume at a fixed --rate
  consume     catch-up read of a topic filled beforehand (the fill is not measured)
  partitions  per --partition-counts entry, on a fresh cluster: topic creation time, idle broker
              CPU and RSS, then produce throughput over all partitions
  failover    kill -9 of the partition leader under load -> next acknowledged record

common flags:
  --brokers 1|3          brokers, and the replication factor (default 3)
  --record-bytes B       value size in bytes (default 100; latency needs at least 16)
  --records N            stop a measured phase after N records
  --seconds S            stop a measured phase after S seconds (with --records: whichever first)
  --partitions P         partitions of the topic (default 1; not for the partitions case)
  --json                 the last line on stdout is one JSON object (otherwise a markdown table)
  --help                 this text

case flags:
  produce, consume, partitions:
    --chunk C            records per sendMany call (default 1000)
    --window W           sendMany calls in flight (default 8)
    --in-flight N        produce requests in flight per partition (default 5, as Kafka's
                         max.in.flight.requests.per.connection; the client's own default is 1)
    --compression none|gzip|lz4|zstd (default none)
  latency:
    --rate R             records/s of the end-to-end phase (default 1000)
  partitions:
    --partition-counts L comma-separated topic sizes (default 10,100,1000)
    --idle-seconds S     idle window per count (default 10)
  failover:
    --trials N           leader kills (default 10; needs --brokers 3; no --records/--seconds)

defaults when neither --records nor --seconds is given:
  produce 200000 records or 20 s; latency 5000 records or 10 s per phase; consume a fill of
  200000 records, read within 60 s; partitions 50000 records or 5 s per count.`;

type FlagName =
  | 'brokers'
  | 'record-bytes'
  | 'records'
  | 'seconds'
  | 'partitions'
  | 'chunk'
  | 'window'
  | 'in-flight'
  | 'compression'
  | 'rate'
  | 'partition-counts'
  | 'idle-seconds'
  | 'trials'
  | 'json'
  | 'help';

const FLAG_TYPES: Record<FlagName, 'string' | 'boolean'> = {
  brokers: 'string',
  'record-bytes': 'string',
  records: 'string',
  seconds: 'string',
  partitions: 'string',
  chunk: 'string',
  window: 'string',
  'in-flight': 'string',
  compression: 'string',
  rate: 'string',
  'partition-counts': 'string',
  'idle-seconds': 'string',
  trials: 'string',
  json: 'boolean',
  help: 'boolean',
};

const COMMON_FLAGS: readonly FlagName[] = [
  'brokers',
  'record-bytes',
  'records',
  'seconds',
  'partitions',
  'json',
  'help',
];
const LOAD_FLAGS: readonly FlagName[] = ['chunk', 'window', 'in-flight', 'compression'];

/** Which flags each case takes. */
export const CASE_FLAGS: Readonly<Record<CaseName, readonly FlagName[]>> = {
  produce: [...COMMON_FLAGS, ...LOAD_FLAGS],
  consume: [...COMMON_FLAGS, ...LOAD_FLAGS],
  latency: [...COMMON_FLAGS, 'rate'],
  partitions: [
    ...COMMON_FLAGS.filter((flag) => flag !== 'partitions'),
    ...LOAD_FLAGS,
    'partition-counts',
    'idle-seconds',
  ],
  failover: ['brokers', 'record-bytes', 'partitions', 'json', 'help', 'trials'],
};

/** Per case, the limits used when neither --records nor --seconds is given. */
export const DEFAULT_LIMITS: Readonly<Record<CaseName, RunLimits>> = {
  produce: { records: 200_000, seconds: 20 },
  latency: { records: 5_000, seconds: 10 },
  consume: { records: 200_000, seconds: 60 },
  partitions: { records: 50_000, seconds: 5 },
  failover: { records: undefined, seconds: undefined },
};

const RECORD_BYTES_MAX = 512 * 1024;
/** The latency case writes an 8-byte send time and an 8-byte sequence into each value. */
export const LATENCY_RECORD_BYTES_MIN = 16;

/** Parses `argv` (without node and the script); throws UsageError on anything wrong. */
export function parseBenchArgs(argv: readonly string[]): ParseOutcome {
  const { values, positionals } = parseFlags(argv);
  if (values.has('help')) return { kind: 'help' };
  const benchCase = caseOf(positionals);
  const allowed = CASE_FLAGS[benchCase];
  for (const flag of values.keys()) {
    if (!allowed.includes(flag)) {
      throw new UsageError(`--${flag} does not apply to the ${benchCase} case`);
    }
  }
  return { kind: 'run', options: resolve(benchCase, values) };
}

interface ParsedFlags {
  /** The flags given, in order. */
  readonly values: ReadonlyMap<FlagName, string | boolean>;
  readonly positionals: readonly string[];
}

function parseFlags(argv: readonly string[]): ParsedFlags {
  const options = Object.fromEntries(
    Object.entries(FLAG_TYPES).map(([name, type]) => [name, { type }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error));
  }
  const values = new Map<FlagName, string | boolean>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (isFlagName(name) && (typeof value === 'string' || typeof value === 'boolean')) {
      values.set(name, value);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** node:util's messages, without their advice about positionals that start with a dash. */
export function parseErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown?.[1] !== undefined) return `unknown flag ${unknown[1]}`;
  return message.split('. To specify')[0] ?? message;
}

function isFlagName(name: string): name is FlagName {
  return Object.hasOwn(FLAG_TYPES, name);
}

function caseOf(positionals: readonly string[]): CaseName {
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError(`missing CASE (one of ${CASE_NAMES.join(', ')})`);
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest.join(' ')}"`);
  const found = CASE_NAMES.find((name) => name === first);
  if (found === undefined) {
    throw new UsageError(`unknown case "${first}" (one of ${CASE_NAMES.join(', ')})`);
  }
  return found;
}

function resolve(
  benchCase: CaseName,
  values: ReadonlyMap<FlagName, string | boolean>,
): BenchOptions {
  const text = (name: FlagName): string | undefined => {
    const value = values.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const brokers = brokerCount(text('brokers'));
  const recordBytes = integer('record-bytes', text('record-bytes'), 1, RECORD_BYTES_MAX) ?? 100;
  if (benchCase === 'latency' && recordBytes < LATENCY_RECORD_BYTES_MIN) {
    throw new UsageError(
      `--record-bytes must be at least ${LATENCY_RECORD_BYTES_MIN} for the latency case (the value carries a send time)`,
    );
  }
  if (benchCase === 'failover' && brokers !== 3) {
    throw new UsageError(
      'the failover case needs --brokers 3 (a leader to kill and a quorum left)',
    );
  }
  return {
    case: benchCase,
    brokers,
    replicationFactor: brokers,
    recordBytes,
    limits: limitsOf(benchCase, text('records'), text('seconds')),
    partitions: integer('partitions', text('partitions'), 1, 10_000) ?? 1,
    chunk: integer('chunk', text('chunk'), 1, 100_000) ?? 1000,
    window: integer('window', text('window'), 1, 1024) ?? 8,
    inFlight: integer('in-flight', text('in-flight'), 1, 64) ?? 5,
    compression: compressionOf(text('compression')),
    ratePerSecond: decimal('rate', text('rate'), 100_000) ?? 1000,
    partitionCounts: partitionCountsOf(text('partition-counts')),
    idleSeconds: decimal('idle-seconds', text('idle-seconds'), 600) ?? 10,
    trials: integer('trials', text('trials'), 1, 1000) ?? 10,
    json: values.get('json') === true,
  };
}

function limitsOf(
  benchCase: CaseName,
  recordsText: string | undefined,
  secondsText: string | undefined,
): RunLimits {
  const records = integer('records', recordsText, 1, 1_000_000_000);
  const seconds = decimal('seconds', secondsText, 3600);
  if (records === undefined && seconds === undefined) return DEFAULT_LIMITS[benchCase];
  return { records, seconds };
}

function brokerCount(value: string | undefined): BrokerCount {
  if (value === undefined || value === '3') return 3;
  if (value === '1') return 1;
  throw new UsageError(`--brokers must be 1 or 3, got "${value}"`);
}

function compressionOf(value: string | undefined): CompressionOption {
  if (value === undefined) return 'none';
  const found = COMPRESSIONS.find((name) => name === value);
  if (found === undefined) {
    throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')}, got "${value}"`);
  }
  return found;
}

function partitionCountsOf(value: string | undefined): readonly number[] {
  if (value === undefined) return [10, 100, 1000];
  return value.split(',').map((part) => {
    const count = integer('partition-counts', part.trim(), 1, 10_000);
    if (count === undefined) throw new UsageError('--partition-counts needs a value');
    return count;
  });
}

/** A decimal integer from `min` to `max`, or undefined when the flag is absent. */
export function integer(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

/** A positive decimal number up to `max`, or undefined when the flag is absent. */
export function decimal(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > max) {
    throw new UsageError(`--${name} must be a number above 0 and at most ${max}, got "${value}"`);
  }
  return parsed;
}
