import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BROOK_RUNS,
  COMPARISONS,
  compareRows,
  NATS_CASES,
  parseNatsOutput,
  parseReferenceResults,
  ratioOf,
  renderCompareTable,
} from '../../../bench/compare-report.js';
import type { ResultFigures } from '../../../bench/report.js';

const NATS_STDOUT = [
  '{"system":"nats-jetstream","case":"r3-lean-100B","msgs_per_s":50000,"MB_per_s":5,"p50_ms":7.3,"p99_ms":25.5,"runs":1,"server":"nats-server 2.9.10"}',
  '{"system":"nats-jetstream","case":"r3-lean-1KiB","msgs_per_s":30000,"MB_per_s":30.72,"p50_ms":14,"p99_ms":33,"runs":1,"server":"nats-server 2.9.10"}',
  'not json at all',
  '{"system":"nats-jetstream","case":"r3-sync-100B","msgs_per_s":2000,"MB_per_s":0.2,"p50_ms":0.4,"p99_ms":1.6,"runs":1,"server":"nats-server 2.9.10"}',
  '{"system":"nats-jetstream","case":"r3-fetch1000-100B","msgs_per_s":100000,"MB_per_s":10,"p50_ms":null,"p99_ms":null,"runs":1}',
  '{"system":"nats-jetstream","case":"r3-fetch1000-1KiB","msgs_per_s":null,"MB_per_s":null,"p50_ms":null,"p99_ms":null,"runs":0,"server":null,"error":"no successful run"}',
].join('\n');

function figures(partial: Partial<ResultFigures>): ResultFigures {
  return {
    case: 'produce',
    brokers: 3,
    record_bytes: 100,
    records_per_s: null,
    MB_per_s: null,
    p50_ms: null,
    p99_ms: null,
    rss_mb_max: 100,
    ...partial,
  };
}

describe('parseNatsOutput', () => {
  it('reads one figure set per JSON line, skipping other lines and keeping errors', () => {
    const parsed = parseNatsOutput(NATS_STDOUT);
    expect([...parsed.keys()]).toEqual([
      'r3-lean-100B',
      'r3-lean-1KiB',
      'r3-sync-100B',
      'r3-fetch1000-100B',
      'r3-fetch1000-1KiB',
    ]);
    expect(parsed.get('r3-lean-100B')).toEqual({
      case: 'r3-lean-100B',
      msgs_per_s: 50000,
      MB_per_s: 5,
      p50_ms: 7.3,
      p99_ms: 25.5,
      error: null,
    });
    expect(parsed.get('r3-fetch1000-100B')?.p50_ms).toBeNull();
    expect(parsed.get('r3-fetch1000-1KiB')?.error).toBe('no successful run');
  });

  it('gives nothing for output without JSON', () => {
    expect(parseNatsOutput('').size).toBe(0);
    expect(parseNatsOutput('{broken\n[]\n{"no":"case"}').size).toBe(0);
  });
});

describe('parseReferenceResults', () => {
  const markdown = [
    '# anchors',
    '## 1. NATS JetStream (peer)',
    '| case | figure (median of 3) | min..max msg/s | ack latency p50 / p99 | CPU |',
    '|---|---|---|---|---|',
    "| 1a'' R3 async, 100 B, w512, **lean** | **55,448 msg/s, 5.5 MB/s** | 48,031..66,068 | 7.3 / 25.5 ms | x |",
    '| **1b** R3 sync (1 in flight), 100 B, js.publish | **2,144 msg/s** | 1,803..2,207 | **0.42 / 1.47 ms** | x |',
    '| **1d** R3 consume, 1 KiB, fetch 1000, ack none | **87,574 msg/s, 89.7 MB/s** | 66,521..87,702 | – | x |',
    '## 2. Raw limits',
    "| 1c'' R1 async, 100 B, w512, **lean** | **1 msg/s, 1 MB/s** | | 1 / 1 ms | |",
  ].join('\n');

  it('reads the rows of section 1 only', () => {
    const parsed = parseReferenceResults(markdown);
    expect(parsed.get('r3-lean-100B')).toMatchObject({
      msgs_per_s: 55448,
      MB_per_s: 5.5,
      p50_ms: 7.3,
      p99_ms: 25.5,
    });
    expect(parsed.get('r3-sync-100B')).toMatchObject({
      msgs_per_s: 2144,
      MB_per_s: null,
      p50_ms: 0.42,
      p99_ms: 1.47,
    });
    expect(parsed.get('r3-fetch1000-1KiB')).toMatchObject({ MB_per_s: 89.7, p50_ms: null });
    expect(parsed.has('r1-lean-100B')).toBe(false);
  });

  it('finds every compared case in the real RESULTS.md, when it is there', () => {
    let text: string;
    try {
      text = readFileSync(
        resolve(import.meta.dirname, '../../../../shared/peers/RESULTS.md'),
        'utf8',
      );
    } catch {
      return; // a checkout without the shared folder
    }
    const parsed = parseReferenceResults(text);
    for (const name of NATS_CASES) expect(parsed.has(name), name).toBe(true);
  });
});

describe('ratioOf', () => {
  it('is Brook/NATS for throughput and NATS/Brook for latency: above 1 = Brook better', () => {
    expect(ratioOf('throughput', 250_000, 50_000)).toBe(5);
    expect(ratioOf('throughput', 10_000, 30_000)).toBe(0.33);
    expect(ratioOf('latency', 0.2, 0.4)).toBe(2);
    expect(ratioOf('latency', 4, 0.42)).toBe(0.11);
  });

  it('is null without both figures or with a zero denominator', () => {
    expect(ratioOf('throughput', null, 5)).toBeNull();
    expect(ratioOf('throughput', 5, null)).toBeNull();
    expect(ratioOf('throughput', 5, 0)).toBeNull();
    expect(ratioOf('latency', 0, 0.4)).toBeNull();
  });
});

describe('compareRows', () => {
  const brook = new Map<string, ResultFigures>([
    ['r3-produce-100B', figures({ records_per_s: 300_000, MB_per_s: 30 })],
    ['r3-produce-1KiB', figures({ record_bytes: 1024, records_per_s: 100_000, MB_per_s: 102.4 })],
    ['r3-latency-100B', figures({ case: 'latency', p50_ms: 0.3, p99_ms: 2 })],
    ['r3-consume-100B', figures({ case: 'consume', records_per_s: 400_000, MB_per_s: 40 })],
  ]);
  const rows = compareRows(brook, parseNatsOutput(NATS_STDOUT));

  it('has one row per comparison, every Brook run and NATS case named', () => {
    expect(rows).toHaveLength(COMPARISONS.length);
    const runs = new Set(BROOK_RUNS.map((run) => run.id));
    for (const comparison of COMPARISONS) {
      expect(runs.has(comparison.brookRun), comparison.brookRun).toBe(true);
      expect(NATS_CASES).toContain(comparison.natsCase);
    }
  });

  it('computes ratios and checks the targets', () => {
    const [produce100, produce1k, p50, p99, consume100, consume1k, r1] = rows;
    expect(produce100).toMatchObject({ brook: 300_000, nats: 50_000, ratio: 6, met: true });
    expect(produce1k).toMatchObject({ brook: 102.4, nats: 30.72, ratio: 3.33, met: false });
    expect(p50).toMatchObject({ brook: 0.3, nats: 0.4, ratio: 1.33, ratio_of: 'NATS/Brook' });
    expect(p50?.met).toBe(true);
    expect(p99).toMatchObject({ brook: 2, nats: 1.6, ratio: 0.8, target: '≤ 1.5 ms', met: false });
    expect(consume100).toMatchObject({ ratio: 4, met: false, target: '≥ 5× NATS' });
    // NATS had no figure for the 1 KiB read, Brook none for R1.
    expect(consume1k).toMatchObject({ brook: null, nats: null, ratio: null, met: null });
    expect(r1).toMatchObject({ brook: null, ratio: null, target: '–', met: null });
  });

  it('renders a markdown table saying where the NATS figures come from', () => {
    const table = renderCompareTable(rows, 'reference figures from RESULTS.md section 1');
    const lines = table.split('\n');
    expect(lines[0]).toContain('reference figures from RESULTS.md section 1');
    expect(lines).toContain('| figure | Brook | NATS | ratio | ratio of | target | met |');
    expect(table).toContain(
      '| produce R3 100 B (records/s) vs NATS lean R3 | 300000 | 50000 | 6× | Brook/NATS | ≥ 5× NATS | yes |',
    );
    expect(table).toContain('| – | – | – | Brook/NATS | ≥ 5× NATS | – |');
  });
});
