/**
 * failover: how long the partition is unavailable when its leader dies.
 *
 * A producer sends to partition 0 continuously, one record at a time with acks=all, through the
 * client's default retry policy and leader hints. Each trial waits until every replica is in
 * sync and the leadership is back on the preferred replica, kill -9s the partition's current
 * leader (confirmed by that broker), and measures the time from the kill signal to
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
  // The broker restarted by the trial before is the preferred leader: once it is back in sync,
  // the controller moves the leadership back to it. Kill only after that move, and the broker
  // that says itself it leads (another broker's describe may not know of the move yet).
  if ((await cluster.waitForPreferredLeaders(TOPIC, ISR_TIMEOUT_MS)) === null) {
    log(`the leader is not on its preferred replica after ${ISR_TIMEOUT_MS} ms; going on`);
  }
  const leader = await confirmedLeader(cluster);
  // Let the producer settle on the current leader first.
  await steady.firstAckAfter(performance.now());
  const killedAtMs = performance.now();
  const killedAtWallMs = Date.now();
  await cluster.cluster.kill9(leader);
  const goneAtMs = performance.now();
  const ackedAtMs = await steady.firstAckAfter(goneAtMs);
  const takeover = await takeoverAfter(cluster, leader, killedAtWallMs);
  const newLeader = takeover?.broker ?? (await cluster.cluster.leaderOf(TOPIC, 0, leader));
  const electedMs = takeover?.afterMs ?? null;
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

/** The leader of partition 0 as named by a describe and confirmed by that broker itself. */
function confirmedLeader(cluster: BenchCluster): Promise<number> {
  return waitFor(
    `a leader of ${TOPIC}-0 that confirms it leads`,
    async () => {
      const named = await cluster.cluster.leaderOf(TOPIC, 0);
      const address = cluster.cluster.brokers.get(named)?.address;
      if (address === undefined) return undefined;
      const own = await cluster.cluster.describeTopic(TOPIC, address).catch(() => undefined);
      return own?.partitions[0]?.leader === named ? named : undefined;
    },
    ISR_TIMEOUT_MS,
  );
}

interface LogLine {
  readonly time?: unknown;
  readonly topic?: unknown;
  readonly partition?: unknown;
}

function parseLogLine(line: string): LogLine | null {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return null;
  }
}

/** Longest wait for the new leader's log line to reach this process (the pipe lags). */
const TAKEOVER_LOG_WAIT_MS = 3_000;

/**
 * Which broker took partition 0 over after the kill, and when, from the first "leading the
 * partition" line (wall-clock ms) any other broker logged after it, as ms after the kill; null
 * when none arrives within `TAKEOVER_LOG_WAIT_MS`.
 */
async function takeoverAfter(
  cluster: BenchCluster,
  killed: number,
  killedAtWallMs: number,
): Promise<{ broker: number; afterMs: number } | null> {
  const deadline = performance.now() + TAKEOVER_LOG_WAIT_MS;
  for (;;) {
    let first: { broker: number; afterMs: number } | null = null;
    for (const broker of cluster.cluster.brokers.keys()) {
      if (broker === killed) continue;
      for (const line of cluster.cluster.output(broker).split('\n')) {
        if (!line.includes('"leading the partition"')) continue;
        const entry = parseLogLine(line);
        if (entry === null) continue; // a line still arriving
        if (entry.topic !== TOPIC || entry.partition !== 0 || typeof entry.time !== 'number') {
          continue;
        }
        const afterMs = entry.time - killedAtWallMs;
        if (afterMs >= 0 && (first === null || afterMs < first.afterMs))
          first = { broker, afterMs };
      }
    }
    if (first !== null || performance.now() > deadline) return first;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
