/**
 * What the cases share: the topic name, the warm-up limits, the load producer, and the fields of
 * every result that come from the options and the cluster.
 */
import type { Brook, Producer } from '../../src/client/index.js';
import type { BenchCluster } from '../bench-cluster.js';
import { LatencyRecorder, type LatencySummary } from '../latency-histogram.js';
import type { BenchOptions, RunLimits } from '../options.js';
import { produceLoad, type ChunkSource } from '../produce-load.js';
import { Progress } from '../progress.js';
import { maxOrNull, rates, round, type CommonResult } from '../report.js';

export const TOPIC = 'bench';

/** Longest warm-up of a produce phase. */
const WARMUP_SECONDS_MAX = 3;
/** Most records of a produce warm-up. */
const WARMUP_RECORDS_MAX = 50_000;

/**
 * Warm-up (not measured) before a produce phase: JIT, connections, metadata, the first
 * segment's allocation. A fifth of the measured phase, at most 50,000 records or 3 s.
 */
export function warmupLimits(limits: RunLimits): RunLimits {
  return {
    records:
      limits.records === undefined
        ? WARMUP_RECORDS_MAX
        : Math.min(WARMUP_RECORDS_MAX, Math.ceil(limits.records / 5)),
    seconds:
      limits.seconds === undefined
        ? WARMUP_SECONDS_MAX
        : Math.min(WARMUP_SECONDS_MAX, limits.seconds / 5),
  };
}

/** Partition numbers 0..count-1. */
export function partitionsOf(count: number): number[] {
  return Array.from({ length: count }, (_, partition) => partition);
}

export interface MeasuredPhase {
  readonly records: number;
  readonly seconds: number;
  readonly latency: LatencySummary | undefined;
  /** What the latency figures measure (null when there are none). */
  readonly latencyOf: string | null;
  /** CPU seconds per broker over the phase, read right when it ended. */
  readonly cpuSeconds: readonly (number | null)[];
}

/** The common fields, with the resources read from the brokers now. */
export function commonFields<C extends BenchOptions['case']>(
  benchCase: C,
  options: BenchOptions,
  cluster: BenchCluster,
  phase: MeasuredPhase,
): CommonResult & { readonly case: C } {
  const rss = cluster.peakRssMb();
  return {
    case: benchCase,
    brokers: options.brokers,
    replication_factor: options.replicationFactor,
    partitions: options.partitions,
    record_bytes: options.recordBytes,
    records: phase.records,
    seconds: round(phase.seconds, 3),
    ...rates(phase.records, options.recordBytes, phase.seconds),
    p50_ms: phase.latency?.p50_ms ?? null,
    p99_ms: phase.latency?.p99_ms ?? null,
    p999_ms: phase.latency?.p999_ms ?? null,
    latency_of: phase.latency === undefined ? null : phase.latencyOf,
    rss_mb_max: maxOrNull(rss),
    rss_mb: rss,
    broker_cpu_pct: cpuPercent(phase.cpuSeconds, phase.seconds),
  };
}

/** CPU seconds as % of one core over `seconds`, per broker. */
export function cpuPercent(
  cpuSeconds: readonly (number | null)[],
  seconds: number,
): (number | null)[] {
  return cpuSeconds.map((used) =>
    used === null || !(seconds > 0) ? null : round((used / seconds) * 100, 1),
  );
}

/** Broker CPU (all brokers together) per record, in microseconds. */
export function cpuMicrosPerRecord(
  cpuSeconds: readonly (number | null)[],
  records: number,
): number | null {
  if (records === 0 || cpuSeconds.some((seconds) => seconds === null)) return null;
  const total = cpuSeconds.reduce<number>((sum, seconds) => sum + (seconds ?? 0), 0);
  return round((total * 1e6) / records, 2);
}

/**
 * The producer of the throughput cases: batches linger 2 ms, and `--in-flight` produce
 * requests may be outstanding per partition.
 */
export function loadProducer(brook: Brook, options: BenchOptions): Producer {
  return brook.producer({
    compression: options.compression,
    lingerMs: 2,
    maxInFlightPerPartition: options.inFlight,
  });
}

/**
 * The measured phase of a throughput case: `producer` sends from `source` within the run's
 * limits, with a latency histogram, a progress line labelled `label`, and the brokers' CPU.
 */
export async function measureProduce(
  cluster: BenchCluster,
  producer: Producer,
  source: ChunkSource,
  options: BenchOptions,
  label: string,
  latencyOf: string,
): Promise<MeasuredPhase> {
  const latency = new LatencyRecorder();
  const progress = new Progress(label, options.limits.records);
  const cpuBefore = cluster.cpuSnapshot();
  const outcome = await produceLoad(producer, source, options, options.limits, {
    latency,
    progress,
  });
  const cpuSeconds = cluster.cpuSecondsSince(cpuBefore);
  progress.end();
  return { ...outcome, latency: latency.summary(), latencyOf, cpuSeconds };
}
