/**
 * The producer's options: their defaults, their ranges and the relations between them, checked
 * once when the producer is made so that a bad combination fails at construction, not at the
 * first large batch.
 */
import { Compression, type CompressionCode } from '../protocol/compression.js';
import { defaultLimits, KiB, MiB } from '../util/limits.js';
import {
  choiceOption,
  integerOption,
  invalidOptions,
  optionBag,
  type OptionBag,
} from './options.js';
import type { PartitionerFunction } from './partitioner.js';
import { retryPolicyOption, type RetryPolicy } from './retry.js';

export type AcksOption = 'all' | 'leader' | 'none';
export type CompressionOption = 'none' | 'gzip' | 'lz4' | 'zstd';

export interface ProducerOptions {
  /** How long a batch waits for more records before it is sent (default 5 ms). */
  readonly lingerMs?: number;
  /**
   * Target size of a batch in (estimated, uncompressed) bytes; default 1 MiB - 4 KiB. Batches
   * are also kept within the topic's max.message.bytes, which is the hard limit for one record.
   */
  readonly batchBytes?: number;
  /** Most record bytes waiting to be acknowledged; `send` waits when they are reached (32 MiB). */
  readonly bufferBytes?: number;
  /** Most bytes of batches in one produce request (default 4 MiB; brokers accept 8 MiB). */
  readonly requestBytes?: number;
  /** When the broker acknowledges: committed ('all', default), appended ('leader'), at once ('none'). */
  readonly acks?: AcksOption;
  readonly compression?: CompressionOption;
  /**
   * Produce requests outstanding per partition (default 1). Above 1, a retried request can land
   * after a later one: records may be reordered (there is no idempotence yet).
   */
  readonly maxInFlightPerPartition?: number;
  /** Longest `send` waits for buffer space before failing with RESOURCE_EXHAUSTED (60 s). */
  readonly maxBlockMs?: number;
  /** Deadline of one produce request (defaults to the client's requestTimeoutMs). */
  readonly requestTimeoutMs?: number;
  /**
   * Longest time from a record's batch being opened to its acknowledgement, retries included
   * (default 120 s, like Kafka's delivery.timeout.ms). Retriable failures (NOT_LEADER,
   * NOT_ENOUGH_REPLICAS, BROKER_UNAVAILABLE, REQUEST_TIMED_OUT, ...) are retried until then;
   * after it the records fail with the last error.
   */
  readonly deliveryTimeoutMs?: number;
  /**
   * Backoff between produce retries; defaults to the client's policy with its ceiling lowered
   * to 250 ms. The number of retries is unbounded (only `deliveryTimeoutMs` ends them) unless
   * `retries` is given here.
   */
  readonly retry?: Partial<RetryPolicy>;
  /** 'murmur2' (default, Kafka-compatible) or a function for records without a partition. */
  readonly partitioner?: 'murmur2' | PartitionerFunction;
}

export interface ResolvedProducerOptions {
  readonly lingerMs: number;
  readonly batchBytes: number;
  readonly bufferBytes: number;
  readonly requestBytes: number;
  readonly acks: 'ACKS_ALL' | 'ACKS_LEADER' | 'ACKS_NONE';
  readonly compression: CompressionCode;
  readonly maxInFlightPerPartition: number;
  readonly maxBlockMs: number;
  readonly requestTimeoutMs: number;
  readonly deliveryTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly partitioner: PartitionerFunction | undefined;
}

const WHAT = 'producer';
const KEYS = [
  'lingerMs',
  'batchBytes',
  'bufferBytes',
  'requestBytes',
  'acks',
  'compression',
  'maxInFlightPerPartition',
  'maxBlockMs',
  'requestTimeoutMs',
  'deliveryTimeoutMs',
  'retry',
  'partitioner',
];

export const producerDefaults = {
  lingerMs: 5,
  batchBytes: defaultLimits.batchBytesMax - 4 * KiB,
  bufferBytes: 32 * MiB,
  requestBytes: 4 * MiB,
  maxInFlightPerPartition: 1,
  maxBlockMs: 60_000,
  deliveryTimeoutMs: 120_000,
} as const;

/** Produce retries when the producer's own `retry.retries` is not set: the deadline decides. */
const RETRIES_UNTIL_DEADLINE = Number.MAX_SAFE_INTEGER;
/**
 * Longest wait between produce retries unless set: a partition whose leader died has a new one
 * within about a second (an election timeout), and a producer backing off for longer than
 * that only adds to the failover time the application sees.
 */
const PRODUCER_BACKOFF_MAX_MS = 250;

const ACKS = { all: 'ACKS_ALL', leader: 'ACKS_LEADER', none: 'ACKS_NONE' } as const;

export function resolveProducerOptions(
  value: unknown,
  clientDefaults: { readonly requestTimeoutMs: number; readonly retry: RetryPolicy },
): ResolvedProducerOptions {
  const bag = optionBag(value, WHAT, KEYS);
  const batchBytes = integerOption(
    bag,
    'batchBytes',
    WHAT,
    { min: 1 * KiB, max: 64 * MiB },
    producerDefaults.batchBytes,
  );
  const requestBytes = integerOption(
    bag,
    'requestBytes',
    WHAT,
    { min: 1 * KiB, max: 64 * MiB },
    Math.max(producerDefaults.requestBytes, batchBytes),
  );
  const bufferBytes = integerOption(
    bag,
    'bufferBytes',
    WHAT,
    { min: 1 * KiB, max: 4 * 1024 * MiB },
    Math.max(producerDefaults.bufferBytes, requestBytes),
  );
  if (requestBytes < batchBytes) {
    throw invalidOptions(
      WHAT,
      `"requestBytes" (${requestBytes}) must be at least "batchBytes" (${batchBytes})`,
    );
  }
  if (bufferBytes < requestBytes) {
    throw invalidOptions(
      WHAT,
      `"bufferBytes" (${bufferBytes}) must be at least "requestBytes" (${requestBytes})`,
    );
  }
  const acks = choiceOption<AcksOption>(bag, 'acks', WHAT, ['all', 'leader', 'none'], 'all');
  const compression = choiceOption<CompressionOption>(
    bag,
    'compression',
    WHAT,
    ['none', 'gzip', 'lz4', 'zstd'],
    'none',
  );
  return {
    lingerMs: integerOption(
      bag,
      'lingerMs',
      WHAT,
      { min: 0, max: 60_000 },
      producerDefaults.lingerMs,
    ),
    batchBytes,
    bufferBytes,
    requestBytes,
    acks: ACKS[acks],
    compression: Compression[compression],
    maxInFlightPerPartition: integerOption(
      bag,
      'maxInFlightPerPartition',
      WHAT,
      { min: 1, max: 64 },
      producerDefaults.maxInFlightPerPartition,
    ),
    maxBlockMs: integerOption(
      bag,
      'maxBlockMs',
      WHAT,
      { min: 0, max: 3_600_000 },
      producerDefaults.maxBlockMs,
    ),
    requestTimeoutMs: integerOption(
      bag,
      'requestTimeoutMs',
      WHAT,
      { min: 1, max: defaultLimits.produceTimeoutMsMax },
      clientDefaults.requestTimeoutMs,
    ),
    deliveryTimeoutMs: integerOption(
      bag,
      'deliveryTimeoutMs',
      WHAT,
      { min: 1, max: 86_400_000 },
      producerDefaults.deliveryTimeoutMs,
    ),
    retry: retryPolicyOption(bag['retry'], WHAT, {
      ...clientDefaults.retry,
      retries: RETRIES_UNTIL_DEADLINE,
      maxBackoffMs: Math.max(
        clientDefaults.retry.initialBackoffMs,
        Math.min(clientDefaults.retry.maxBackoffMs, PRODUCER_BACKOFF_MAX_MS),
      ),
    }),
    partitioner: partitionerOption(bag),
  };
}

function partitionerOption(bag: OptionBag): PartitionerFunction | undefined {
  const value = bag['partitioner'];
  if (value === undefined || value === 'murmur2') return undefined;
  if (typeof value === 'function') return value as PartitionerFunction;
  throw invalidOptions(WHAT, `"partitioner" must be "murmur2" or a function`);
}
