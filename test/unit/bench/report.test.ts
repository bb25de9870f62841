import { describe, expect, it } from 'vitest';
import {
  jsonLine,
  parseResultLine,
  quantile,
  rates,
  renderMarkdown,
  REQUIRED_FIELDS,
  type PartitionsResult,
  type ProduceResult,
} from '../../../bench/report.js';

const produce: ProduceResult = {
  case: 'produce',
  brokers: 3,
  replication_factor: 3,
  partitions: 1,
  record_bytes: 100,
  records: 50_000,
  seconds: 0.5,
  ...rates(50_000, 100, 0.5),
  p50_ms: 12.5,
  p99_ms: 30.1,
  p999_ms: 41,
  latency_of: 'sendMany call -> every record acknowledged (acks=all)',
  rss_mb_max: 130.2,
  rss_mb: [120.1, 130.2, null],
  broker_cpu_pct: [80, 40.5, 39],
  chunk: 1000,
  window: 8,
  in_flight: 5,
  compression: 'none',
  warmup_records: 10_000,
  broker_cpu_us_per_record: 3.2,
  disk_synced_MB_per_s: 500,
  ratio_to_disk: 0.02,
};

const row = {
  partitions: 10,
  create_ms: 500,
  idle_cpu_pct: [5, 6, 7],
  idle_cpu_pct_max: 7,
  idle_rss_mb: [90, 91, 92],
  records: 1000,
  seconds: 1,
  records_per_s: 1000,
  MB_per_s: 0.1,
  p50_ms: 1,
  p99_ms: 2,
  partitions_written: 10,
  rss_mb_max: 100,
};

const partitions: PartitionsResult = {
  ...produce,
  case: 'partitions',
  partitions: 100,
  idle_seconds: 10,
  create_ms: 3000,
  idle_cpu_pct: [19, 18, 20],
  rows: [row, { ...row, partitions: 100, create_ms: 3000 }],
};

describe('rates', () => {
  it('gives records/s and MB/s of value bytes, null without time or records', () => {
    expect(rates(50_000, 100, 0.5)).toEqual({ records_per_s: 100_000, MB_per_s: 10 });
    expect(rates(1000, 1024, 0)).toEqual({ records_per_s: null, MB_per_s: null });
    expect(rates(0, 100, 1)).toEqual({ records_per_s: null, MB_per_s: null });
  });
});

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(sorted, 0.5)).toBe(5);
    expect(quantile(sorted, 0.99)).toBe(10);
    expect(quantile([7], 0.5)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('the JSON result', () => {
  it('is one line with every required field, and reads back', () => {
    const line = jsonLine(produce);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    for (const field of REQUIRED_FIELDS) expect(parsed).toHaveProperty(field);
    expect(parseResultLine(`progress\n${line}\n`)).toEqual({
      case: 'produce',
      brokers: 3,
      record_bytes: 100,
      records_per_s: 100_000,
      MB_per_s: 10,
      p50_ms: 12.5,
      p99_ms: 30.1,
      rss_mb_max: 130.2,
    });
  });

  it('keeps the partitions rows as an array under a "partitions" case', () => {
    const parsed = JSON.parse(jsonLine(partitions)) as { case: string; rows: unknown[] };
    expect(parsed.case).toBe('partitions');
    expect(parsed.rows).toHaveLength(2);
  });

  it('accepts null latencies and refuses lines that lack or mistype a field', () => {
    const consume = { ...produce, case: 'consume', p50_ms: null, p99_ms: null };
    expect(parseResultLine(JSON.stringify(consume)).p50_ms).toBeNull();
    const { rss_mb_max: _dropped, ...withoutRss } = produce;
    expect(() => parseResultLine(JSON.stringify(withoutRss))).toThrow(/rss_mb_max/);
    expect(() => parseResultLine(JSON.stringify({ ...produce, brokers: '3' }))).toThrow(/brokers/);
    expect(() => parseResultLine('| a table |')).toThrow(/not JSON/);
    expect(() => parseResultLine('[1,2]')).toThrow(/not a JSON object/);
  });
});

describe('renderMarkdown', () => {
  it('prints one row per figure, arrays joined and nulls as a dash', () => {
    const table = renderMarkdown(produce).split('\n');
    expect(table.slice(0, 3)).toEqual(['| figure | value |', '|---|---|', '| case | produce |']);
    expect(table).toContain('| records_per_s | 100000 |');
    expect(table).toContain('| rss_mb | 120.1, 130.2, – |');
    expect(table).toContain('| p999_ms | 41 |');
  });

  it('gives the partitions rows a table of their own', () => {
    const text = renderMarkdown(partitions);
    expect(text).not.toContain('| rows |');
    expect(text).toContain('rows:');
    expect(text).toContain(
      '| partitions | create_ms | idle_cpu_pct | idle_cpu_pct_max | idle_rss_mb | records | seconds | records_per_s | MB_per_s | p50_ms | p99_ms | partitions_written | rss_mb_max |',
    );
    expect(text).toContain('| 100 | 3000 | 5, 6, 7 | 7 |');
  });
});
