/**
 * What a benchmark run reports, and how: the result of each case as one flat JSON object (the
 * fields every case has, then the case's own), a markdown table of the same figures, and the
 * check that a JSON line read back (by bench:compare, from a child run) has the common fields.
 *
 * Pure: formatting and validation only. Field names follow the peers' JSON (`MB_per_s`,
 * `p50_ms`), so that Brook's and NATS's lines read alike; units are last in every name.
 */
import type { CaseName } from './options.js';

/** The fields of every case. Latency figures are null where the case measures none. */
export interface CommonResult {
  readonly case: CaseName;
  readonly brokers: number;
  readonly replication_factor: number;
  readonly partitions: number;
  readonly record_bytes: number;
  /** Records in the measured phase. */
  readonly records: number;
  /** Length of the measured phase. */
  readonly seconds: number;
  readonly records_per_s: number | null;
  /** Value bytes only (record_bytes × records), in 10^6 bytes per second. */
  readonly MB_per_s: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  /** What p50/p99/p999 measure, in words; null when they are null. */
  readonly latency_of: string | null;
  /** Peak resident memory (VmHWM) of the largest broker. */
  readonly rss_mb_max: number | null;
  /** Peak resident memory (VmHWM) per broker, by broker id. */
  readonly rss_mb: readonly (number | null)[];
  /** CPU per broker over the measured phase, in % of one core (above 100 is possible). */
  readonly broker_cpu_pct: readonly (number | null)[];
}

export interface ProduceResult extends CommonResult {
  readonly case: 'produce';
  readonly chunk: number;
  readonly window: number;
  /** Produce requests in flight per partition (the producer's maxInFlightPerPartition). */
  readonly in_flight: number;
  readonly compression: string;
  readonly warmup_records: number;
  readonly broker_cpu_us_per_record: number | null;
  /** This disk's sequential 1 MiB writes with an fdatasync each, measured in the same run. */
  readonly disk_synced_MB_per_s: number;
  readonly ratio_to_disk: number | null;
}

export interface ConsumeResult extends CommonResult {
  readonly case: 'consume';
  readonly fill_records_per_s: number | null;
  readonly broker_cpu_us_per_record: number | null;
}

export interface LatencyResult extends CommonResult {
  readonly case: 'latency';
  readonly max_ms: number | null;
  readonly e2e_rate_per_s: number;
  readonly e2e_records: number;
  readonly e2e_seconds: number;
  readonly e2e_p50_ms: number | null;
  readonly e2e_p99_ms: number | null;
  readonly e2e_p999_ms: number | null;
  readonly e2e_max_ms: number | null;
  /** Records sent in the end-to-end phase that the consumer had not seen when it stopped. */
  readonly e2e_missing: number;
}

/** One topic size of the partitions case, on a cluster of its own. */
export interface PartitionRow {
  readonly partitions: number;
  /** createTopic call → every partition has a leader and its full ISR. */
  readonly create_ms: number;
  readonly idle_cpu_pct: readonly (number | null)[];
  readonly idle_cpu_pct_max: number | null;
  /** Resident memory per broker after the idle window (VmRSS). */
  readonly idle_rss_mb: readonly (number | null)[];
  readonly records: number;
  readonly seconds: number;
  readonly records_per_s: number | null;
  readonly MB_per_s: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  /** Partitions whose high watermark moved during the produce phase. */
  readonly partitions_written: number;
  readonly rss_mb_max: number | null;
}

export interface PartitionsResult extends CommonResult {
  readonly case: 'partitions';
  readonly idle_seconds: number;
  readonly create_ms: number;
  readonly idle_cpu_pct: readonly (number | null)[];
  readonly rows: readonly PartitionRow[];
}

export interface FailoverResult extends CommonResult {
  readonly case: 'failover';
  readonly trials: number;
  readonly failover_ms: readonly number[];
  readonly failover_median_ms: number;
  readonly failover_p99_ms: number;
  readonly failover_max_ms: number;
  readonly back_in_isr_median_ms: number;
  readonly records_acknowledged: number;
  readonly produce_failures: number;
  /** Every acknowledged offset was read back, each exactly once. */
  readonly verified: boolean;
}

export type BenchResult =
  ProduceResult | ConsumeResult | LatencyResult | PartitionsResult | FailoverResult;

/** The fields bench:compare (and anyone reading `--json`) may rely on in every case. */
export const REQUIRED_FIELDS = [
  'case',
  'brokers',
  'record_bytes',
  'records_per_s',
  'MB_per_s',
  'p50_ms',
  'p99_ms',
  'rss_mb_max',
] as const;

/** The common figures of a result line read back as JSON. */
export interface ResultFigures {
  readonly case: string;
  readonly brokers: number;
  readonly record_bytes: number;
  readonly records_per_s: number | null;
  readonly MB_per_s: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly rss_mb_max: number | null;
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** `round`, passing null (and non-finite values, as null) through. */
export function roundOrNull(value: number | null | undefined, digits: number): number | null {
  return value === null || value === undefined || !Number.isFinite(value)
    ? null
    : round(value, digits);
}

/** The q-quantile (0..1) of ascending values, nearest rank; NaN when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Records per second and MB/s (value bytes) of `records` in `seconds`. */
export function rates(
  records: number,
  recordBytes: number,
  seconds: number,
): { readonly records_per_s: number | null; readonly MB_per_s: number | null } {
  if (!(seconds > 0) || records === 0) return { records_per_s: null, MB_per_s: null };
  return {
    records_per_s: Math.round(records / seconds),
    MB_per_s: round((records * recordBytes) / 1e6 / seconds, 2),
  };
}

/** The largest number, ignoring nulls; null when there is none. */
export function maxOrNull(values: readonly (number | null)[]): number | null {
  const numbers = values.filter((value): value is number => value !== null);
  return numbers.length === 0 ? null : Math.max(...numbers);
}

export function jsonLine(result: BenchResult): string {
  return JSON.stringify(result);
}

/** A markdown table of every field; arrays of objects (the partitions rows) get their own. */
export function renderMarkdown(result: BenchResult): string {
  const scalars: string[] = ['| figure | value |', '|---|---|'];
  const tables: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject)) {
      tables.push(renderRows(key, value));
    } else {
      scalars.push(`| ${key} | ${formatValue(value)} |`);
    }
  }
  return [scalars.join('\n'), ...tables].join('\n\n');
}

/** A table with one column per key of the first row. */
export function renderRows(
  title: string,
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  const columns = Object.keys(rows[0] ?? {});
  const lines = [
    `${title}:`,
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${columns.map((column) => formatValue(row[column])).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '–';
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The result of a `--json` run: its last non-empty stdout line, checked to carry every
 * required field with the right type. Throws naming what is wrong.
 */
export function parseResultLine(stdout: string): ResultFigures {
  const last = stdout.trimEnd().split('\n').at(-1)?.trim() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new Error(`the last stdout line is not JSON: "${last.slice(0, 200)}"`);
  }
  if (!isPlainObject(parsed)) throw new Error('the last stdout line is not a JSON object');
  const problems = REQUIRED_FIELDS.filter((field) => !fieldIsValid(field, parsed[field]));
  if (problems.length > 0) {
    throw new Error(`the result lacks or mistypes: ${problems.join(', ')}`);
  }
  return {
    case: String(parsed['case']),
    brokers: Number(parsed['brokers']),
    record_bytes: Number(parsed['record_bytes']),
    records_per_s: numberOrNull(parsed['records_per_s']),
    MB_per_s: numberOrNull(parsed['MB_per_s']),
    p50_ms: numberOrNull(parsed['p50_ms']),
    p99_ms: numberOrNull(parsed['p99_ms']),
    rss_mb_max: numberOrNull(parsed['rss_mb_max']),
  };
}

function fieldIsValid(field: (typeof REQUIRED_FIELDS)[number], value: unknown): boolean {
  switch (field) {
    case 'case':
      return typeof value === 'string';
    case 'brokers':
    case 'record_bytes':
      return typeof value === 'number';
    case 'records_per_s':
    case 'MB_per_s':
    case 'p50_ms':
    case 'p99_ms':
    case 'rss_mb_max':
      return value === null || typeof value === 'number';
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}
