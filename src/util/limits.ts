/**
 * Named limits and defaults (ARCHITECTURE.md, decision 8: bounded everything). Each one is a
 * config value with this default; the relations between them are asserted by `assertLimits`
 * at start-up so that a bad combination fails loudly instead of at the first large request.
 */
import { assert } from './assert.js';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export const defaultLimits = {
  /**
   * Default of the topic config `max.message.bytes`: the largest record batch a topic accepts
   * (as in Kafka, it applies to a batch).
   */
  batchBytesMax: 1 * MiB,
  /** Largest gRPC request a broker accepts; checked by grpc-js from the frame header. */
  requestBytesMax: 8 * MiB,
  /** Largest fetch response, whatever the client asks for. */
  fetchBytesMax: 16 * MiB,
  /**
   * HTTP/2 receive window (per stream and per connection) of the broker's gRPC server: how much
   * a producer or a replicating leader may send ahead of the broker's reads.
   */
  receiveWindowBytes: 4 * MiB,
  /** Fetch size when the client does not say (Kafka's `max.partition.fetch.bytes`). */
  fetchBytesDefault: 1 * MiB,
  /** Longest a fetch may long-poll for new data. */
  fetchWaitMsMax: 30_000,
  /** Longest a produce waits for its acknowledgement condition. */
  produceTimeoutMsMax: 300_000,
  /** Most records in one plain-record produce request. */
  produceRecordsMax: 100_000,
  /** Most open subscribe streams on one broker. */
  subscriptionsMax: 10_000,
  /** Most partitions in one topic. */
  partitionsPerTopicMax: 10_000,
  /** Kafka's rule for topic names. */
  topicNameLengthMax: 249,
} as const;

export type Limits = { -readonly [K in keyof typeof defaultLimits]: number };

export function assertLimits(limits: Limits): void {
  assert(limits.batchBytesMax > 0, 'batchBytesMax must be positive');
  assert(
    limits.requestBytesMax >= limits.batchBytesMax,
    'requestBytesMax must be at least batchBytesMax, or no full batch could be produced',
  );
  assert(
    limits.fetchBytesMax >= limits.batchBytesMax,
    'fetchBytesMax must be at least batchBytesMax, or a full batch could never be fetched',
  );
  assert(
    limits.fetchBytesDefault <= limits.fetchBytesMax,
    'fetchBytesDefault exceeds fetchBytesMax',
  );
  assert(limits.fetchWaitMsMax >= 0, 'fetchWaitMsMax must not be negative');
  assert(
    Number.isInteger(limits.receiveWindowBytes) &&
      limits.receiveWindowBytes >= 65_535 &&
      limits.receiveWindowBytes <= 2 ** 31 - 1,
    'receiveWindowBytes must be an integer from 65535 (the HTTP/2 default) to 2^31-1',
  );
}
