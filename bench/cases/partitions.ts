/**
 * partitions: what a topic's partition count costs. For each --partition-counts entry, on a
 * fresh cluster (so that neither the idle CPU, the peak RSS nor the throughput of one count
 * carries the partitions of the one before):
 *
 * 1. create the topic (replication factor = brokers) and time it until every partition has a
 *    leader and its full ISR;
 * 2. watch the brokers idle for --idle-seconds: CPU per broker in % of one core, RSS after;
 * 3. produce with records assigned to the partitions in turn (record i → partition i mod
 *    count, as keyed traffic spreads), so every partition gets data; one window of calls as a
 *    warm-up first. Throughput, the latency of each sendMany call, and how many partitions
 *    received records (high watermarks from the leaders, before and after).
 *
 * The result's top-level figures are those of the largest count; `rows` holds every count.
 */
import { BenchCluster } from '../bench-cluster.js';
import type { BenchOptions } from '../options.js';
import { produceLoad, roundRobinChunkSource } from '../produce-load.js';
import { log, Progress, waitWithProgress } from '../progress.js';
import {
  maxOrNull,
  type CommonResult,
  type PartitionRow,
  type PartitionsResult,
} from '../report.js';
import { commonFields, cpuPercent, loadProducer, measureProduce, TOPIC } from './common.js';

/** Longest warm-up before a count's produce phase. */
const WARMUP_SECONDS_MAX = 2;

interface CountOutcome {
  readonly row: PartitionRow;
  readonly common: CommonResult & { readonly case: 'partitions' };
}

export async function runPartitions(options: BenchOptions): Promise<PartitionsResult> {
  const outcomes: CountOutcome[] = [];
  for (const count of options.partitionCounts) {
    log(`--- ${count} partitions (replication factor ${options.replicationFactor})`);
    outcomes.push(await measureCount(options, count));
  }
  const largest = outcomes.reduce((best, outcome) =>
    outcome.row.partitions >= best.row.partitions ? outcome : best,
  );
  return {
    ...largest.common,
    idle_seconds: options.idleSeconds,
    create_ms: largest.row.create_ms,
    idle_cpu_pct: largest.row.idle_cpu_pct,
    rows: outcomes.map((outcome) => outcome.row),
  };
}

/** Longest wait for the leaders to be on their preferred replicas before the idle window. */
const BALANCE_TIMEOUT_MS = 120_000;

async function measureCount(options: BenchOptions, count: number): Promise<CountOutcome> {
  return BenchCluster.with(options.brokers, async (cluster) => {
    const brook = cluster.client();
    log(`creating ${TOPIC} with ${count} partitions...`);
    const createMs = await cluster.createTopic(brook, TOPIC, count, options.replicationFactor);
    log(`every partition led and fully in sync after ${createMs.toFixed(0)} ms`);
    // Idle means settled: the controller moves leaders back to their preferred replicas after a
    // mass creation (elections race while replicas open), and that is not idle work.
    const balancedMs = await cluster.waitForPreferredLeaders(TOPIC, BALANCE_TIMEOUT_MS);
    log(
      balancedMs === null
        ? `leaders not all on their preferred replicas after ${BALANCE_TIMEOUT_MS} ms; measuring anyway`
        : `leaders on their preferred replicas after ${balancedMs.toFixed(0)} ms more`,
    );

    const idleBefore = cluster.cpuSnapshot();
    const idleStartedMs = performance.now();
    await waitWithProgress(`idle, ${count} partitions`, options.idleSeconds);
    const idleSeconds = (performance.now() - idleStartedMs) / 1000;
    const idleCpu = cpuPercent(cluster.cpuSecondsSince(idleBefore), idleSeconds);
    const idleRss = cluster.residentMb();

    const producer = loadProducer(brook, options);
    const source = roundRobinChunkSource(TOPIC, options.recordBytes, count);
    // One window of calls: it reaches every partition's leader, which is what needs warming.
    const warmup = { records: options.chunk * options.window, seconds: WARMUP_SECONDS_MAX };
    const warmupProgress = new Progress('warm-up', warmup.records);
    await produceLoad(producer, source, options, warmup, { progress: warmupProgress });
    warmupProgress.end();
    const before = await brook.admin().listOffsets(TOPIC, 'latest');

    const phase = await measureProduce(
      cluster,
      producer,
      source,
      options,
      `produce over ${count} partitions`,
      'sendMany call -> every record acknowledged',
    );
    await producer.close();
    // High watermarks from each partition's leader (a description may carry older reports).
    const after = await brook.admin().listOffsets(TOPIC, 'latest');
    const earlier = new Map(before.map((entry) => [entry.partition, entry.offset]));
    const written = after.filter(
      (entry) => entry.offset > (earlier.get(entry.partition) ?? 0),
    ).length;

    const common = commonFields('partitions', { ...options, partitions: count }, cluster, phase);
    const row: PartitionRow = {
      partitions: count,
      create_ms: Math.round(createMs),
      idle_cpu_pct: idleCpu,
      idle_cpu_pct_max: maxOrNull(idleCpu),
      idle_rss_mb: idleRss,
      records: common.records,
      seconds: common.seconds,
      records_per_s: common.records_per_s,
      MB_per_s: common.MB_per_s,
      p50_ms: common.p50_ms,
      p99_ms: common.p99_ms,
      partitions_written: written,
      rss_mb_max: common.rss_mb_max,
    };
    return { row, common };
  });
}
