/**
 * Brook's benchmark: `npm run bench -- produce|consume [flags]`. Each run starts its own broker
 * (a real process, fsync on, acks=all) on a temporary data directory, measures through the
 * TypeScript client, and removes everything afterwards.
 *
 *   produce  sustained produce throughput: records/s, MB/s, and the latency of each sendMany
 *            call from call to acknowledgement (HDR histogram; with several calls in flight
 *            this includes time queued behind them, as any windowed publisher's figure does)
 *   consume  catch-up read of a topic filled beforehand, from the earliest offset
 *
 * Flags: --record-bytes B (100), --records N (200000), --partitions P (1), --chunk C (records
 * per sendMany call, 1000), --window W (sendMany calls in flight, 8), --compression
 * none|gzip|lz4|zstd, --json (the last stdout line is one JSON object).
 *
 * The client uses one promise per sendMany call and, when consuming, per fetched batch
 * (`consumer.batches()`), so the figures measure the broker rather than the client's promises.
 * Figures also come as ratios to a same-command baseline: sequential 1 MiB writes with an
 * fdatasync each, on the same disk.
 */
import { parseArgs } from 'node:util';
import hdr from 'hdr-histogram-js';
import { Brook } from '../src/client/index.js';
import type { CompressionOption, ProducerRecord } from '../src/client/index.js';
import {
  removeDirectory,
  startBroker,
  stopAllBrokers,
  temporaryDirectory,
  type BrokerProcess,
} from '../test/support/broker-process.js';
import { measureSyncedWriteMBps } from './disk-baseline.js';
import { cpuSeconds, peakRssMb } from './process-stats.js';

interface Options {
  readonly case: 'produce' | 'consume';
  readonly recordBytes: number;
  readonly records: number;
  readonly partitions: number;
  readonly chunk: number;
  readonly window: number;
  readonly compression: CompressionOption;
  readonly json: boolean;
}

interface Result {
  readonly case: string;
  readonly brokers: number;
  readonly partitions: number;
  readonly record_bytes: number;
  readonly records: number;
  readonly seconds: number;
  readonly records_per_s: number;
  readonly MB_per_s: number;
  readonly p50_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  readonly rss_mb_max: number;
  readonly broker_cpu_us_per_record: number;
  readonly disk_synced_MB_per_s: number;
  readonly ratio_to_disk: number | null;
}

const USAGE =
  'usage: npm run bench -- produce|consume [--record-bytes B] [--records N] [--partitions P] ' +
  '[--chunk C] [--window W] [--compression none|gzip|lz4|zstd] [--json]';

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new Error(`--${name} must be a positive integer`);
  return parsed;
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'record-bytes': { type: 'string' },
      records: { type: 'string' },
      partitions: { type: 'string' },
      chunk: { type: 'string' },
      window: { type: 'string' },
      compression: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const benchCase = positionals[0];
  if (benchCase !== 'produce' && benchCase !== 'consume') throw new Error(USAGE);
  const compression = values.compression ?? 'none';
  if (!['none', 'gzip', 'lz4', 'zstd'].includes(compression)) throw new Error(USAGE);
  return {
    case: benchCase,
    recordBytes: positiveInteger('record-bytes', values['record-bytes'], 100),
    records: positiveInteger('records', values.records, 200_000),
    partitions: positiveInteger('partitions', values.partitions, 1),
    chunk: positiveInteger('chunk', values.chunk, 1000),
    window: positiveInteger('window', values.window, 8),
    compression: compression as CompressionOption,
    json: values.json ?? false,
  };
}

function progress(label: string, done: number, total: number, startedNs: bigint): void {
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  const rate = Math.round(done / Math.max(seconds, 1e-9));
  process.stderr.write(`\r${label}: ${done}/${total} records, ${rate} records/s   `);
}

/** Produces `total` records in sendMany chunks with `window` calls in flight. */
async function produceAll(
  brook: Brook,
  options: Options,
  topic: string,
  histogram: hdr.Histogram | undefined,
  label: string,
): Promise<void> {
  const producer = brook.producer({ compression: options.compression, lingerMs: 2 });
  const value = Buffer.alloc(options.recordBytes, 120);
  const chunk: ProducerRecord[] = Array.from({ length: options.chunk }, () => ({ topic, value }));
  const started = process.hrtime.bigint();
  let sent = 0;
  let acknowledged = 0;
  let lastReport = 0;
  const sendNext = async (): Promise<void> => {
    while (sent < options.records) {
      const count = Math.min(options.chunk, options.records - sent);
      sent += count;
      const callStarted = process.hrtime.bigint();
      await producer.sendMany(count === chunk.length ? chunk : chunk.slice(0, count));
      const micros = Number(process.hrtime.bigint() - callStarted) / 1000;
      histogram?.recordValueWithCount(Math.max(1, Math.round(micros)), count);
      acknowledged += count;
      if (acknowledged - lastReport >= options.records / 20) {
        lastReport = acknowledged;
        progress(label, acknowledged, options.records, started);
      }
    }
  };
  await Promise.all(Array.from({ length: options.window }, sendNext));
  await producer.close();
  process.stderr.write('\n');
}

/** Reads the topic from the start until `total` records (warm-up and fill) have arrived. */
async function consumeAll(
  brook: Brook,
  options: Options,
  topic: string,
  total: number,
): Promise<void> {
  const consumer = brook.consumer({ prefetchBytes: 64 * 1024 * 1024 });
  const partitions = Array.from({ length: options.partitions }, (_, partition) => partition);
  await consumer.assign(partitions.map((partition) => ({ topic, partition, from: 'earliest' })));
  const started = process.hrtime.bigint();
  let received = 0;
  let lastReport = 0;
  for await (const batch of consumer.batches()) {
    received += batch.length;
    if (received - lastReport >= total / 20) {
      lastReport = received;
      progress('consume', received, total, started);
    }
    if (received >= total) break;
  }
  process.stderr.write('\n');
}

async function run(options: Options): Promise<Result> {
  const dataDir = temporaryDirectory('brook-bench-');
  let broker: BrokerProcess | undefined;
  try {
    const diskMBps = measureSyncedWriteMBps(dataDir);
    broker = await startBroker({ dataDir });
    const brook = new Brook({ bootstrap: [broker.address] });
    const topic = 'bench';
    await brook.admin().createTopic(topic, { partitions: options.partitions });
    const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000 });
    // Warm-up (not measured): JIT, connections, metadata, the first segment's allocation.
    const warmupRecords = Math.min(50_000, Math.ceil(options.records / 5));
    await produceAll(brook, { ...options, records: warmupRecords }, topic, undefined, 'warm-up');
    if (options.case === 'consume') await produceAll(brook, options, topic, undefined, 'fill');
    // Consuming reads everything in the topic, warm-up records included.
    const measured = options.case === 'consume' ? warmupRecords + options.records : options.records;
    const cpuBefore = cpuSeconds(broker.pid);
    const started = process.hrtime.bigint();
    if (options.case === 'produce') await produceAll(brook, options, topic, histogram, 'produce');
    else await consumeAll(brook, options, topic, measured);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuUsed = cpuSeconds(broker.pid) - cpuBefore;
    const rssMb = peakRssMb(broker.pid);
    await brook.close();
    const MBps = (measured * options.recordBytes) / 1e6 / seconds;
    const latency = options.case === 'produce';
    return {
      case: options.case,
      brokers: 1,
      partitions: options.partitions,
      record_bytes: options.recordBytes,
      records: measured,
      seconds: round(seconds, 3),
      records_per_s: Math.round(measured / seconds),
      MB_per_s: round(MBps, 2),
      p50_ms: latency ? round(histogram.getValueAtPercentile(50) / 1000, 3) : null,
      p99_ms: latency ? round(histogram.getValueAtPercentile(99) / 1000, 3) : null,
      p999_ms: latency ? round(histogram.getValueAtPercentile(99.9) / 1000, 3) : null,
      rss_mb_max: round(rssMb, 1),
      broker_cpu_us_per_record: round((cpuUsed * 1e6) / measured, 2),
      disk_synced_MB_per_s: round(diskMBps, 1),
      // A read has no synced-write baseline to compare with.
      ratio_to_disk: options.case === 'produce' ? round(MBps / diskMBps, 3) : null,
    };
  } finally {
    await broker?.stop();
    await stopAllBrokers();
    removeDirectory(dataDir);
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function table(result: Result): string {
  const rows = Object.entries(result).map(([key, value]) => `| ${key} | ${String(value)} |`);
  return ['| figure | value |', '|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const result = await run(options);
  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${table(result)}\n`);
}

await main();
