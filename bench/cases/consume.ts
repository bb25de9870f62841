/**
 * consume: catch-up read of a topic filled beforehand. The fill (--records, produced with the
 * same lean load as the produce case) is not measured; then a short warm-up read, then a fresh
 * consumer reads every partition from the earliest offset with one promise per fetched batch
 * (`consumer.batches()`), until it has every record or --seconds have passed.
 */
import type { Brook } from '../../src/client/index.js';
import { BenchCluster } from '../bench-cluster.js';
import { DEFAULT_LIMITS, type BenchOptions } from '../options.js';
import { fixedChunkSource, produceLoad } from '../produce-load.js';
import { Progress } from '../progress.js';
import { rates, type ConsumeResult } from '../report.js';
import { commonFields, cpuMicrosPerRecord, loadProducer, partitionsOf, TOPIC } from './common.js';

/** How much the consumer buffers ahead of the loop: enough for several full fetches. */
const PREFETCH_BYTES = 64 * 1024 * 1024;
/** Records of the unmeasured warm-up read (at most). */
const WARMUP_READ_RECORDS_MAX = 20_000;
/** A read with no batch for this long has stalled: the run fails rather than hangs. */
const STALL_TIMEOUT_MS = 30_000;

export interface ReadOutcome {
  readonly records: number;
  readonly seconds: number;
}

export async function runConsume(options: BenchOptions): Promise<ConsumeResult> {
  const fillRecords = options.limits.records ?? DEFAULT_LIMITS.consume.records ?? 200_000;
  return BenchCluster.with(options.brokers, async (cluster) => {
    const brook = cluster.client();
    await cluster.createTopic(brook, TOPIC, options.partitions, options.replicationFactor);
    const producer = loadProducer(brook, options);
    const fillProgress = new Progress('fill (not measured)', fillRecords);
    const fill = await produceLoad(
      producer,
      fixedChunkSource(TOPIC, options.recordBytes, options.chunk),
      options,
      { records: fillRecords, seconds: undefined },
      { progress: fillProgress },
    );
    fillProgress.end();
    await producer.close();

    const warmupRecords = Math.min(WARMUP_READ_RECORDS_MAX, Math.ceil(fillRecords / 10));
    const warmupProgress = new Progress('warm-up read', warmupRecords);
    await readTopic(brook, options.partitions, warmupRecords, undefined, warmupProgress);
    warmupProgress.end();

    const progress = new Progress('consume', fillRecords);
    const cpuBefore = cluster.cpuSnapshot();
    const read = await readTopic(
      brook,
      options.partitions,
      fillRecords,
      options.limits.seconds,
      progress,
    );
    const cpuSeconds = cluster.cpuSecondsSince(cpuBefore);
    progress.end();
    return {
      ...commonFields('consume', options, cluster, {
        ...read,
        latency: undefined,
        latencyOf: null,
        cpuSeconds,
      }),
      fill_records_per_s: rates(fill.records, options.recordBytes, fill.seconds).records_per_s,
      broker_cpu_us_per_record: cpuMicrosPerRecord(cpuSeconds, read.records),
    };
  });
}

/**
 * Reads the topic from the earliest offset with a new consumer until `expected` records have
 * arrived or `seconds` have passed; fails when no batch arrives for STALL_TIMEOUT_MS.
 */
export async function readTopic(
  brook: Brook,
  partitions: number,
  expected: number,
  seconds: number | undefined,
  progress: Progress,
): Promise<ReadOutcome> {
  const consumer = brook.consumer({ prefetchBytes: PREFETCH_BYTES });
  await consumer.assign(
    partitionsOf(partitions).map((partition) => ({ topic: TOPIC, partition, from: 'earliest' })),
  );
  const startedNs = process.hrtime.bigint();
  let lastBatchMs = performance.now();
  // Set by the timers below (an object, so that the check after the loop is not narrowed away).
  const stop = { stalled: false, timedOut: false };
  const watchdog = setInterval(() => {
    if (performance.now() - lastBatchMs > STALL_TIMEOUT_MS) {
      stop.stalled = true;
      void consumer.close();
    }
  }, 1000);
  const deadline =
    seconds === undefined
      ? undefined
      : setTimeout(() => {
          stop.timedOut = true;
          void consumer.close();
        }, seconds * 1000);
  let received = 0;
  let lastNs = startedNs;
  try {
    for await (const batch of consumer.batches()) {
      lastNs = process.hrtime.bigint();
      lastBatchMs = performance.now();
      received += batch.length;
      progress.add(batch.length);
      if (received >= expected) break;
    }
  } finally {
    clearInterval(watchdog);
    clearTimeout(deadline);
    await consumer.close();
  }
  if (stop.stalled && !stop.timedOut) {
    throw new Error(`the read stalled: no records for ${STALL_TIMEOUT_MS} ms after ${received}`);
  }
  return { records: received, seconds: Number(lastNs - startedNs) / 1e9 };
}
