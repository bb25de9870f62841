/**
 * The lean produce load shared by the cases: `window` sendMany calls in flight, each of `chunk`
 * records, one promise per call (not per record), until a record count or a time limit is
 * reached. The latency of each call (call → every record acknowledged) goes to an optional
 * histogram, weighted by the records it carried; with several calls in flight it includes the
 * time a call queues behind the others, as any windowed publisher's figure does.
 */
import type { Producer, ProducerRecord } from '../src/client/index.js';
import type { LatencyRecorder } from './latency-histogram.js';
import type { RunLimits } from './options.js';
import type { Progress } from './progress.js';

/** The records of the next call: `count` of them (at most the chunk size). */
export type ChunkSource = (count: number) => readonly ProducerRecord[];

export interface LoadShape {
  readonly chunk: number;
  readonly window: number;
}

export interface LoadOutcome {
  /** Records acknowledged. */
  readonly records: number;
  /** From the first call to the last acknowledgement. */
  readonly seconds: number;
}

/**
 * The same `chunk` records every call (values are one shared buffer): the cheapest source,
 * so the client's own cost stays out of the figures. Records go where the producer's sticky
 * partitioner puts them.
 */
export function fixedChunkSource(topic: string, recordBytes: number, chunk: number): ChunkSource {
  const value = Buffer.alloc(recordBytes, 120);
  const records: ProducerRecord[] = Array.from({ length: chunk }, () => ({ topic, value }));
  return (count) => (count === records.length ? records : records.slice(0, count));
}

/** Records spread over every partition in turn, so each partition receives data. */
export function roundRobinChunkSource(
  topic: string,
  recordBytes: number,
  partitions: number,
): ChunkSource {
  const value = Buffer.alloc(recordBytes, 120);
  let next = 0;
  return (count) =>
    Array.from({ length: count }, () => {
      const partition = next;
      next = (next + 1) % partitions;
      return { topic, partition, value };
    });
}

/** Produces until `limits` is reached (whichever of records and seconds comes first). */
export async function produceLoad(
  producer: Producer,
  source: ChunkSource,
  shape: LoadShape,
  limits: RunLimits,
  observers: { readonly latency?: LatencyRecorder; readonly progress?: Progress } = {},
): Promise<LoadOutcome> {
  const startedNs = process.hrtime.bigint();
  const deadlineNs =
    limits.seconds === undefined ? undefined : startedNs + BigInt(Math.round(limits.seconds * 1e9));
  let sent = 0;
  let acknowledged = 0;
  let lastAckNs = startedNs;
  const nextCount = (): number => {
    if (deadlineNs !== undefined && process.hrtime.bigint() >= deadlineNs) return 0;
    return limits.records === undefined
      ? shape.chunk
      : Math.min(shape.chunk, limits.records - sent);
  };
  const worker = async (): Promise<void> => {
    for (let count = nextCount(); count > 0; count = nextCount()) {
      sent += count;
      const callNs = process.hrtime.bigint();
      await producer.sendMany(source(count));
      lastAckNs = process.hrtime.bigint();
      observers.latency?.recordNanoseconds(lastAckNs - callNs, count);
      observers.progress?.add(count);
      acknowledged += count;
    }
  };
  await Promise.all(Array.from({ length: shape.window }, worker));
  return { records: acknowledged, seconds: Number(lastAckNs - startedNs) / 1e9 };
}
