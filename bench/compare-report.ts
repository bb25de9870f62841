/**
 * The pure half of `npm run bench:compare`: which Brook runs face which NATS JetStream cases,
 * the targets of each figure, the parsing of NATS's figures (the JSON lines of
 * nats-baseline.sh, or the reference table in RESULTS.md section 1), the ratios and the table.
 *
 * Ratios are "above 1 = Brook better" in both kinds of figure: Brook/NATS for throughput,
 * NATS/Brook for latency. Latency targets are absolute (Brook's p50 and p99 of one record in
 * flight), throughput targets are ratios.
 */
import { formatValue, round, type ResultFigures } from './report.js';

/** A Brook run of the comparison: a bench case as a child process, with its own cluster. */
export interface BrookRun {
  readonly id: string;
  readonly args: readonly string[];
}

export const BROOK_RUNS: readonly BrookRun[] = [
  { id: 'r3-produce-100B', args: ['produce', '--brokers', '3', '--record-bytes', '100'] },
  { id: 'r3-produce-1KiB', args: ['produce', '--brokers', '3', '--record-bytes', '1024'] },
  { id: 'r3-latency-100B', args: ['latency', '--brokers', '3', '--record-bytes', '100'] },
  { id: 'r3-consume-100B', args: ['consume', '--brokers', '3', '--record-bytes', '100'] },
  { id: 'r3-consume-1KiB', args: ['consume', '--brokers', '3', '--record-bytes', '1024'] },
  { id: 'r1-produce-100B', args: ['produce', '--brokers', '1', '--record-bytes', '100'] },
];

/** The NATS case labels of nats-baseline.sh that the comparison reads. */
export const NATS_CASES = [
  'r3-lean-100B',
  'r3-lean-1KiB',
  'r3-sync-100B',
  'r3-fetch1000-100B',
  'r3-fetch1000-1KiB',
  'r1-lean-100B',
] as const;
export type NatsCase = (typeof NATS_CASES)[number];

/** One NATS figure set, as nats-baseline.sh prints it (medians over its runs). */
export interface NatsFigures {
  readonly case: string;
  readonly msgs_per_s: number | null;
  readonly MB_per_s: number | null;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly error: string | null;
}

type Target =
  | { readonly kind: 'ratio-at-least'; readonly ratio: number }
  | { readonly kind: 'ms-at-most'; readonly ms: number };

interface Comparison {
  readonly figure: string;
  readonly brookRun: string;
  readonly brookField: 'records_per_s' | 'MB_per_s' | 'p50_ms' | 'p99_ms';
  readonly natsCase: NatsCase;
  readonly natsField: 'msgs_per_s' | 'MB_per_s' | 'p50_ms' | 'p99_ms';
  readonly kind: 'throughput' | 'latency';
  readonly target: Target | undefined;
}

/** The issue's targets, figure by figure. */
export const COMPARISONS: readonly Comparison[] = [
  {
    figure: 'produce R3 100 B (records/s) vs NATS lean R3',
    brookRun: 'r3-produce-100B',
    brookField: 'records_per_s',
    natsCase: 'r3-lean-100B',
    natsField: 'msgs_per_s',
    kind: 'throughput',
    target: { kind: 'ratio-at-least', ratio: 5 },
  },
  {
    figure: 'produce R3 1 KiB (MB/s) vs NATS lean R3',
    brookRun: 'r3-produce-1KiB',
    brookField: 'MB_per_s',
    natsCase: 'r3-lean-1KiB',
    natsField: 'MB_per_s',
    kind: 'throughput',
    target: { kind: 'ratio-at-least', ratio: 4 },
  },
  {
    figure: 'one in flight R3 100 B, p50 (ms) vs NATS sync',
    brookRun: 'r3-latency-100B',
    brookField: 'p50_ms',
    natsCase: 'r3-sync-100B',
    natsField: 'p50_ms',
    kind: 'latency',
    target: { kind: 'ms-at-most', ms: 0.45 },
  },
  {
    figure: 'one in flight R3 100 B, p99 (ms) vs NATS sync',
    brookRun: 'r3-latency-100B',
    brookField: 'p99_ms',
    natsCase: 'r3-sync-100B',
    natsField: 'p99_ms',
    kind: 'latency',
    target: { kind: 'ms-at-most', ms: 1.5 },
  },
  {
    figure: 'consume R3 100 B (records/s) vs NATS fetch 1000',
    brookRun: 'r3-consume-100B',
    brookField: 'records_per_s',
    natsCase: 'r3-fetch1000-100B',
    natsField: 'msgs_per_s',
    kind: 'throughput',
    target: { kind: 'ratio-at-least', ratio: 5 },
  },
  {
    figure: 'consume R3 1 KiB (MB/s) vs NATS fetch 1000',
    brookRun: 'r3-consume-1KiB',
    brookField: 'MB_per_s',
    natsCase: 'r3-fetch1000-1KiB',
    natsField: 'MB_per_s',
    kind: 'throughput',
    target: { kind: 'ratio-at-least', ratio: 5 },
  },
  {
    figure: 'produce R1 100 B (records/s) vs NATS lean R1',
    brookRun: 'r1-produce-100B',
    brookField: 'records_per_s',
    natsCase: 'r1-lean-100B',
    natsField: 'msgs_per_s',
    kind: 'throughput',
    target: undefined,
  },
];

export interface ComparisonRow {
  readonly figure: string;
  readonly brook: number | null;
  readonly nats: number | null;
  /** Above 1 = Brook better: Brook/NATS for throughput, NATS/Brook for latency. */
  readonly ratio: number | null;
  readonly ratio_of: 'Brook/NATS' | 'NATS/Brook';
  readonly target: string;
  /** Whether Brook meets the target; null without a target or a figure. */
  readonly met: boolean | null;
}

/**
 * The ratio "above 1 = Brook better", 2 decimals; null when a figure is missing or would
 * divide by zero.
 */
export function ratioOf(
  kind: 'throughput' | 'latency',
  brook: number | null,
  nats: number | null,
): number | null {
  if (brook === null || nats === null) return null;
  const [numerator, denominator] = kind === 'throughput' ? [brook, nats] : [nats, brook];
  return denominator > 0 ? round(numerator / denominator, 2) : null;
}

export function targetText(target: Target | undefined): string {
  if (target === undefined) return '–';
  return target.kind === 'ratio-at-least' ? `≥ ${target.ratio}× NATS` : `≤ ${target.ms} ms`;
}

function targetMet(
  target: Target | undefined,
  brook: number | null,
  ratio: number | null,
): boolean | null {
  if (target === undefined) return null;
  if (target.kind === 'ratio-at-least') return ratio === null ? null : ratio >= target.ratio;
  return brook === null ? null : brook <= target.ms;
}

export function compareRows(
  brook: ReadonlyMap<string, ResultFigures>,
  nats: ReadonlyMap<string, NatsFigures>,
): ComparisonRow[] {
  return COMPARISONS.map((comparison) => {
    const brookValue = brook.get(comparison.brookRun)?.[comparison.brookField] ?? null;
    const natsValue = nats.get(comparison.natsCase)?.[comparison.natsField] ?? null;
    const ratio = ratioOf(comparison.kind, brookValue, natsValue);
    return {
      figure: comparison.figure,
      brook: brookValue,
      nats: natsValue,
      ratio,
      ratio_of: comparison.kind === 'throughput' ? 'Brook/NATS' : 'NATS/Brook',
      target: targetText(comparison.target),
      met: targetMet(comparison.target, brookValue, ratio),
    };
  });
}

/**
 * The figures in nats-baseline.sh's stdout: one JSON object per line, by case label. Lines
 * that are not such objects are skipped; a case with an `error` keeps it.
 */
export function parseNatsOutput(stdout: string): Map<string, NatsFigures> {
  const figures = new Map<string, NatsFigures>();
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null) continue;
    const entry = parsed as Readonly<Record<string, unknown>>;
    const label = entry['case'];
    if (typeof label !== 'string') continue;
    const error = entry['error'];
    figures.set(label, {
      case: label,
      msgs_per_s: finiteOrNull(entry['msgs_per_s']),
      MB_per_s: finiteOrNull(entry['MB_per_s']),
      p50_ms: finiteOrNull(entry['p50_ms']),
      p99_ms: finiteOrNull(entry['p99_ms']),
      error: typeof error === 'string' ? error : null,
    });
  }
  return figures;
}

/** How each NATS case's row reads in RESULTS.md section 1 (bold markers removed). */
const REFERENCE_ROWS: Readonly<Record<NatsCase, RegExp>> = {
  'r3-lean-100B': /R3 async, 100 B, w512, lean/,
  'r3-lean-1KiB': /R3 async, 1 KiB, w512, lean/,
  'r3-sync-100B': /R3 sync \(1 in flight\), 100 B, js\.publish/,
  'r3-fetch1000-100B': /R3 consume, 100 B, `fetch\(\)` batch 1000 \(sequential pulls\), ack none/,
  'r3-fetch1000-1KiB': /R3 consume, 1 KiB, fetch 1000, ack none/,
  'r1-lean-100B': /R1 async, 100 B, w512, lean/,
};

/**
 * The reference figures of RESULTS.md section 1 ("NATS JetStream (peer)"), for the cases of
 * the comparison: rate from "N msg/s[, M MB/s]", latency from "p50 / p99 ms". A case whose row
 * is not found is left out.
 */
export function parseReferenceResults(markdown: string): Map<string, NatsFigures> {
  const section = sectionOne(markdown);
  const figures = new Map<string, NatsFigures>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.replaceAll('**', '').trim());
    const [label, figure, , latency] = cells;
    if (label === undefined || figure === undefined) continue;
    const natsCase = NATS_CASES.find((name) => REFERENCE_ROWS[name].test(label));
    if (natsCase === undefined || figures.has(natsCase)) continue;
    const rate = /([\d,]+) msg\/s(?:, ([\d.]+) MB\/s)?/.exec(figure);
    const ms = /([\d.]+) \/ ([\d.]+) ms/.exec(latency ?? '');
    figures.set(natsCase, {
      case: natsCase,
      msgs_per_s: rate?.[1] === undefined ? null : Number(rate[1].replaceAll(',', '')),
      MB_per_s: rate?.[2] === undefined ? null : Number(rate[2]),
      p50_ms: ms?.[1] === undefined ? null : Number(ms[1]),
      p99_ms: ms?.[2] === undefined ? null : Number(ms[2]),
      error: null,
    });
  }
  return figures;
}

function sectionOne(markdown: string): string {
  const start = markdown.search(/^## 1\./m);
  if (start < 0) return '';
  const rest = markdown.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function renderCompareTable(rows: readonly ComparisonRow[], natsSource: string): string {
  const met = (value: boolean | null): string => (value === null ? '–' : value ? 'yes' : 'no');
  return [
    `Brook vs NATS JetStream (NATS figures: ${natsSource})`,
    '',
    '| figure | Brook | NATS | ratio | ratio of | target | met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.figure} | ${formatValue(row.brook)} | ${formatValue(row.nats)} | ` +
        `${row.ratio === null ? '–' : `${row.ratio}×`} | ${row.ratio_of} | ${row.target} | ${met(row.met)} |`,
    ),
    '',
    'ratio: above 1 means Brook is better (Brook/NATS for throughput, NATS/Brook for latency).',
  ].join('\n');
}
