/**
 * latency: two phases on one cluster and topic.
 *
 * 1. One record in flight: `producer.send` one record, wait for its acknowledgement (acks=all),
 *    repeat. p50/p99/p999 of send → ack; records_per_s is how many such round trips a second.
 * 2. End to end at a fixed rate (--rate): a consumer reads every partition from the latest
 *    offset while records are sent on a schedule; each value carries its send time
 *    (process.hrtime, same process) and a sequence number, and the consumer records
 *    receive time − send time. The schedule does not wait for acknowledgements, so a slow
 *    broker shows up as latency, not as a lower rate.
 *
 * Both phases stop at --records or --seconds (each phase on its own). The producer lingers 0 ms.
 */
import type { Brook, Producer } from '../../src/client/index.js';
import { BenchCluster } from '../bench-cluster.js';
import { LatencyRecorder, type LatencySummary } from '../latency-histogram.js';
import type { BenchOptions, RunLimits } from '../options.js';
import { Progress } from '../progress.js';
import { round, type LatencyResult } from '../report.js';
import { commonFields, partitionsOf, TOPIC } from './common.js';

/** Unmeasured round trips before phase 1. */
const WARMUP_LIMITS: RunLimits = { records: 500, seconds: 2 };
/** After the last send, how long the consumer may take to see the last records. */
const DRAIN_TIMEOUT_MS = 10_000;

interface PhaseOutcome {
  readonly records: number;
  readonly seconds: number;
}

interface EndToEndOutcome extends PhaseOutcome {
  readonly latency: LatencySummary | undefined;
  readonly missing: number;
}

export async function runLatency(options: BenchOptions): Promise<LatencyResult> {
  return BenchCluster.with(options.brokers, async (cluster) => {
    const brook = cluster.client();
    await cluster.createTopic(brook, TOPIC, options.partitions, options.replicationFactor);
    const producer = brook.producer({ lingerMs: 0 });
    const warmupProgress = new Progress('warm-up (one in flight)', WARMUP_LIMITS.records);
    await oneInFlight(producer, options.recordBytes, WARMUP_LIMITS, undefined, warmupProgress);
    warmupProgress.end();

    const latency = new LatencyRecorder();
    const progress = new Progress('one in flight', options.limits.records);
    const cpuBefore = cluster.cpuSnapshot();
    const phase = await oneInFlight(
      producer,
      options.recordBytes,
      options.limits,
      latency,
      progress,
    );
    const cpuSeconds = cluster.cpuSecondsSince(cpuBefore);
    progress.end();

    const e2e = await endToEnd(brook, producer, options);
    await producer.close();
    const summary = latency.summary();
    return {
      ...commonFields('latency', options, cluster, {
        ...phase,
        latency: summary,
        latencyOf: 'send -> ack, one record in flight (acks=all)',
        cpuSeconds,
      }),
      max_ms: summary?.max_ms ?? null,
      e2e_rate_per_s: options.ratePerSecond,
      e2e_records: e2e.records,
      e2e_seconds: round(e2e.seconds, 3),
      e2e_p50_ms: e2e.latency?.p50_ms ?? null,
      e2e_p99_ms: e2e.latency?.p99_ms ?? null,
      e2e_p999_ms: e2e.latency?.p999_ms ?? null,
      e2e_max_ms: e2e.latency?.max_ms ?? null,
      e2e_missing: e2e.missing,
    };
  });
}

/** Sends one record at a time until `limits`; each send → ack goes to `latency`. */
async function oneInFlight(
  producer: Producer,
  recordBytes: number,
  limits: RunLimits,
  latency: LatencyRecorder | undefined,
  progress: Progress,
): Promise<PhaseOutcome> {
  const value = Buffer.alloc(recordBytes, 120);
  const startedNs = process.hrtime.bigint();
  const deadlineNs = deadlineOf(startedNs, limits.seconds);
  let records = 0;
  let lastNs = startedNs;
  while (limits.records === undefined || records < limits.records) {
    if (deadlineNs !== undefined && lastNs >= deadlineNs) break;
    const sentNs = process.hrtime.bigint();
    await producer.send({ topic: TOPIC, value });
    lastNs = process.hrtime.bigint();
    latency?.recordNanoseconds(lastNs - sentNs);
    records += 1;
    progress.add(1);
  }
  return { records, seconds: Number(lastNs - startedNs) / 1e9 };
}

async function endToEnd(
  brook: Brook,
  producer: Producer,
  options: BenchOptions,
): Promise<EndToEndOutcome> {
  const consumer = brook.consumer();
  await consumer.assign(
    partitionsOf(options.partitions).map((partition) => ({
      topic: TOPIC,
      partition,
      from: 'latest',
    })),
  );
  const latency = new LatencyRecorder();
  const progress = new Progress(`end to end at ${options.ratePerSecond}/s`, options.limits.records);
  const counts = { sent: 0, received: 0, sendingDone: false };
  const receiving = (async () => {
    for await (const batch of consumer.batches()) {
      const receivedNs = process.hrtime.bigint();
      for (const record of batch) {
        if (record.value === null || record.value.length < 8) continue;
        latency.recordNanoseconds(receivedNs - record.value.readBigUInt64BE(0));
        counts.received += 1;
      }
      progress.add(batch.length);
      if (counts.sendingDone && counts.received >= counts.sent) break;
    }
  })();
  const sending = await sendOnSchedule(producer, options, counts);
  counts.sendingDone = true;
  const drainedBy = performance.now() + DRAIN_TIMEOUT_MS;
  while (counts.received < counts.sent && performance.now() < drainedBy) {
    await sleepMs(10);
  }
  await consumer.close();
  await receiving;
  progress.end();
  if (sending.failures > 0) {
    throw new Error(`${sending.failures} of ${counts.sent} end-to-end sends failed`);
  }
  return {
    records: counts.sent,
    seconds: sending.seconds,
    latency: latency.summary(),
    missing: Math.max(0, counts.sent - counts.received),
  };
}

/**
 * Sends records at `ratePerSecond` (catching up in bursts when a timer fires late), each value
 * stamped with its send time and sequence number; waits for every acknowledgement at the end.
 */
async function sendOnSchedule(
  producer: Producer,
  options: BenchOptions,
  counts: { sent: number },
): Promise<{ readonly seconds: number; readonly failures: number }> {
  const { records } = options.limits;
  const intervalNs = 1e9 / options.ratePerSecond;
  const startedNs = process.hrtime.bigint();
  const deadlineNs = deadlineOf(startedNs, options.limits.seconds);
  let failures = 0;
  const onFailure = (): void => {
    failures += 1;
  };
  for (;;) {
    const nowNs = process.hrtime.bigint();
    if (deadlineNs !== undefined && nowNs >= deadlineNs) break;
    const due = Math.floor(Number(nowNs - startedNs) / intervalNs) + 1;
    const target = records === undefined ? due : Math.min(due, records);
    while (counts.sent < target) {
      const value = Buffer.alloc(options.recordBytes, 120);
      value.writeBigUInt64BE(process.hrtime.bigint(), 0);
      value.writeBigUInt64BE(BigInt(counts.sent), 8);
      producer.send({ topic: TOPIC, value }).then(undefined, onFailure);
      counts.sent += 1;
    }
    if (records !== undefined && counts.sent >= records) break;
    const nextNs = startedNs + BigInt(Math.ceil(counts.sent * intervalNs));
    await sleepMs(Number(nextNs - process.hrtime.bigint()) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
  await producer.flush();
  return { seconds, failures };
}

function deadlineOf(startedNs: bigint, seconds: number | undefined): bigint | undefined {
  return seconds === undefined ? undefined : startedNs + BigInt(Math.round(seconds * 1e9));
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
