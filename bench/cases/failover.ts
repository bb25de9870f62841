/**
 * failover: how long the partition is unavailable when its leader dies.
 *
 * A producer sends to partition 0 continuously, one record at a time with acks=all, through the
 * client's default retry policy and leader hints. Each trial waits until every replica is in
 * sync, kill -9s the partition's current leader, and measures the time from the kill signal to
 * the first acknowledgement received after the process is gone (a record acknowledged by the
 * new leader); then restarts the killed broker and waits until it is back in the ISR. At the end
 * every acknowledged offset must read back exactly once, or the run fails.
 *
 * p50_ms/p99_ms of the result are the failover times (median and p99 over the trials).
 */
import { performance } from 'node:perf_hooks';
import type { Brook, Producer } from '../../src/client/index.js';
import { waitFor } from '../../test/support/cluster-process.js';
import { BenchCluster } from '../bench-cluster.js';
import type { BenchOptions } from '../options.js';
import { log, Progress } from '../progress.js';
import { maxOrNull, quantile, rates, round, type FailoverResult } from '../report.js';
import { cpuPercent, TOPIC } from './common.js';

/** Longest wait for the ISR to be full again, or for a restarted broker to rejoin it. */
const ISR_TIMEOUT_MS = 60_000;
/** A record is retried for this long before the steady producer counts it as failed. */
const DELIVERY_TIMEOUT_MS = 120_000;

interface Trial {
  readonly killed: number;
  readonly newLeader: number;
  readonly failoverMs: number;
  /** Kill → the new leader's "leading the partition" log line (null if not found). */
  readonly electedMs: number | null;
  readonly backInIsrMs: number;
}

/** Produces one record at a time to partition 0, remembering when each was acknowledged. */
class SteadyProducer {
  readonly acknowledged: { readonly offset: number; readonly atMs: number }[] = [];
  failures = 0;
  private running = true;
  private readonly done: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly value: Buffer,
    private readonly progress: Progress,
  ) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const { offset } = await this.producer.send({
          topic: TOPIC,
          partition: 0,
          value: this.value,
        });
        this.acknowledged.push({ offset, atMs: performance.now() });
        this.progress.add(1);
        for (const wake of this.waiters.splice(0)) wake();
      } catch (error) {
        this.failures += 1;
        log(`produce failed (going on): ${String(error)}`);
      }
    }
  }

  /** The time of the first acknowledgement after `afterMs`. */
  async firstAckAfter(afterMs: number): Promise<number> {
    for (;;) {
      let first: number | undefined;
      for (let index = this.acknowledged.length - 1; index >= 0; index--) {
        const atMs = this.acknowledged[index]?.atMs ?? 0;
        if (atMs <= afterMs) break;
        first = atMs;
      }
      if (first !== undefined) return first;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

export async function runFailover(options: BenchOptions): Promise<FailoverResult> {
  return BenchCluster.with(options.brokers, async (cluster) => {
    const brook = cluster.client();
    await cluster.createTopic(brook, TOPIC, options.partitions, options.replicationFactor);
    const producer = brook.producer({ lingerMs: 0, deliveryTimeoutMs: DELIVERY_TIMEOUT_MS });
    const progress = new Progress(`acknowledged during ${options.trials} trials`, undefined);
    const steady = new SteadyProducer(producer, Buffer.alloc(options.recordBytes, 120), progress);
    const startedMs = performance.now();
    const cpuBefore = cluster.cpuSnapshot();
    const peakRss: (number | null)[] = cluster.ids.map(() => null);
    const trials: Trial[] = [];
    for (let index = 0; index < options.trials; index++) {
      notePeaks(peakRss, cluster.peakRssMb());
      const trial = await runTrial(cluster, steady);
      trials.push(trial);
      log(
        `trial ${index + 1}/${options.trials}: killed leader ${trial.killed}, new leader ${trial.newLeader}, ` +
          `failover ${trial.failoverMs.toFixed(0)} ms (elected after ${String(trial.electedMs)} ms), back in ISR after ${trial.backInIsrMs.toFixed(0)} ms`,
      );
    }
    await steady.stop();
    progress.end();
    const seconds = (performance.now() - startedMs) / 1000;
    // CPU of a killed broker restarts from zero, so only the brokers never killed have a figure.
    const cpuSeconds = cluster.cpuSecondsSince(cpuBefore);
    notePeaks(peakRss, cluster.peakRssMb());
    await producer.close();
    const offsets = steady.acknowledged.map((entry) => entry.offset);
    await verify(brook, offsets);
    log(`all ${offsets.length} acknowledged records read back, each once`);

    const sorted = trials.map((trial) => trial.failoverMs).sort((left, right) => left - right);
    const median = Math.round(quantile(sorted, 0.5));
    const p99 = Math.round(quantile(sorted, 0.99));
    const backInIsr = trials.map((trial) => trial.backInIsrMs).sort((left, right) => left - right);
    return {
      case: 'failover',
      brokers: options.brokers,
      replication_factor: options.replicationFactor,
      partitions: options.partitions,
      record_bytes: options.recordBytes,
      records: offsets.length,
      seconds: round(seconds, 3),
      ...rates(offsets.length, options.recordBytes, seconds),
      p50_ms: median,
      p99_ms: p99,
      p999_ms: null,
      latency_of: 'kill -9 of the leader -> next acknowledged record (median, p99 over trials)',
      rss_mb_max: maxOrNull(peakRss),
      rss_mb: peakRss,
      broker_cpu_pct: cpuPercent(cpuSeconds, seconds),
      trials: trials.length,
      failover_ms: sorted.map((ms) => Math.round(ms)),
      failover_median_ms: median,
      failover_p99_ms: p99,
      failover_max_ms: Math.round(sorted.at(-1) ?? Number.NaN),
      back_in_isr_median_ms: Math.round(quantile(backInIsr, 0.5)),
      records_acknowledged: offsets.length,
      produce_failures: steady.failures,
      verified: true,
    };
  });
}

/** Keeps the largest peak seen per broker (a killed broker's own peak is lost with it). */
function notePeaks(peaks: (number | null)[], now: readonly (number | null)[]): void {
  now.forEach((value, index) => {
    if (value !== null) peaks[index] = Math.max(peaks[index] ?? 0, value);
  });
}

async function runTrial(cluster: BenchCluster, steady: SteadyProducer): Promise<Trial> {
  await cluster.cluster.waitForFullIsr(TOPIC, ISR_TIMEOUT_MS);
  const leader = await cluster.cluster.leaderOf(TOPIC, 0);
  // Let the producer settle on the current leader first.
  await steady.firstAckAfter(performance.now());
  const killedAtMs = performance.now();
  const killedAtWallMs = Date.now();
  await cluster.cluster.kill9(leader);
  const goneAtMs = performance.now();
  const ackedAtMs = await steady.firstAckAfter(goneAtMs);
  const newLeader = await cluster.cluster.leaderOf(TOPIC, 0, leader);
  const electedMs = electedAfter(cluster, newLeader, killedAtWallMs);
  const restartedAtMs = performance.now();
  await cluster.cluster.restart(leader);
  await waitFor(
    `broker ${leader} back in the ISR`,
    async () => {
      const partition = (await cluster.cluster.describeTopic(TOPIC)).partitions[0];
      return partition?.isr.includes(leader) === true ? true : undefined;
    },
    ISR_TIMEOUT_MS,
  );
  return {
    killed: leader,
    newLeader,
    failoverMs: ackedAtMs - killedAtMs,
    electedMs,
    backInIsrMs: performance.now() - restartedAtMs,
  };
}

/**
 * When the new leader took over, from its log ("leading the partition", wall-clock ms), as ms
 * after the kill; null when not found.
 */
function electedAfter(
  cluster: BenchCluster,
  leader: number,
  killedAtWallMs: number,
): number | null {
  for (const line of cluster.cluster.output(leader).split('\n')) {
    if (!line.includes('"leading the partition"') || !line.includes(`"topic":"${TOPIC}"`)) continue;
    const time = (JSON.parse(line) as { time?: unknown }).time;
    if (typeof time === 'number' && time >= killedAtWallMs) return time - killedAtWallMs;
  }
  return null;
}

/** Reads partition 0 from the start; throws unless every acknowledged offset is there once. */
async function verify(brook: Brook, acknowledged: readonly number[]): Promise<void> {
  if (acknowledged.length === 0) throw new Error('no record was acknowledged');
  const consumer = brook.consumer({ maxWaitMs: 200 });
  await consumer.assign([{ topic: TOPIC, partition: 0, from: 'earliest' }]);
  const last = acknowledged.reduce((max, offset) => Math.max(max, offset), -1);
  const seen = new Map<number, number>();
  for await (const batch of consumer.batches()) {
    for (const record of batch) seen.set(record.offset, (seen.get(record.offset) ?? 0) + 1);
    if ((batch.at(-1)?.offset ?? -1) >= last) break;
  }
  await consumer.close();
  const missing = acknowledged.filter((offset) => seen.get(offset) !== 1);
  if (missing.length > 0) {
    throw new Error(`acknowledged offsets missing or repeated: ${missing.slice(0, 10).join(',')}`);
  }
}
