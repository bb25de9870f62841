/**
 * The consumer's options, their defaults and ranges, checked once at construction.
 */
import { defaultLimits, KiB, MiB } from '../util/limits.js';
import { choiceOption, integerOption, invalidOptions, optionBag } from './options.js';
import { retryPolicyOption, type RetryPolicy } from './retry.js';

export type OutOfRangePolicy = 'error' | 'earliest' | 'latest';

export interface ConsumerOptions {
  /** Most bytes one fetch returns per partition (default 1 MiB; a larger first batch still comes whole). */
  readonly maxBytesPerPartition?: number;
  /** How long a fetch waits at the end of the log for new records (default 500 ms). */
  readonly maxWaitMs?: number;
  /** A fetch answers early once this many bytes are there (default 1: any data). */
  readonly minBytes?: number;
  /** Fetched bytes buffered ahead of the iterator before fetching pauses (default 16 MiB). */
  readonly prefetchBytes?: number;
  /**
   * What to do when the position is outside the log (OFFSET_OUT_OF_RANGE): throw it from the
   * iterator ('error', default) or jump to the log start or end.
   */
  readonly onOutOfRange?: OutOfRangePolicy;
  /** Deadline of one request, beyond the fetch wait (defaults to the client's). */
  readonly requestTimeoutMs?: number;
  /** Retries of failed fetches and offset look-ups; defaults to the client's policy. */
  readonly retry?: Partial<RetryPolicy>;
}

export interface ResolvedConsumerOptions {
  readonly maxBytesPerPartition: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly prefetchBytes: number;
  readonly onOutOfRange: OutOfRangePolicy;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
}

const WHAT = 'consumer';
const KEYS = [
  'maxBytesPerPartition',
  'maxWaitMs',
  'minBytes',
  'prefetchBytes',
  'onOutOfRange',
  'requestTimeoutMs',
  'retry',
];

export const consumerDefaults = {
  maxBytesPerPartition: defaultLimits.fetchBytesDefault,
  maxWaitMs: 500,
  minBytes: 1,
  prefetchBytes: 16 * MiB,
} as const;

export function resolveConsumerOptions(
  value: unknown,
  clientDefaults: { readonly requestTimeoutMs: number; readonly retry: RetryPolicy },
): ResolvedConsumerOptions {
  const bag = optionBag(value, WHAT, KEYS);
  const maxBytesPerPartition = integerOption(
    bag,
    'maxBytesPerPartition',
    WHAT,
    { min: 1 * KiB, max: defaultLimits.fetchBytesMax },
    consumerDefaults.maxBytesPerPartition,
  );
  const prefetchBytes = integerOption(
    bag,
    'prefetchBytes',
    WHAT,
    { min: 1 * KiB, max: 4 * 1024 * MiB },
    Math.max(consumerDefaults.prefetchBytes, maxBytesPerPartition),
  );
  if (prefetchBytes < maxBytesPerPartition) {
    throw invalidOptions(
      WHAT,
      `"prefetchBytes" (${prefetchBytes}) must be at least "maxBytesPerPartition" (${maxBytesPerPartition})`,
    );
  }
  return {
    maxBytesPerPartition,
    maxWaitMs: integerOption(
      bag,
      'maxWaitMs',
      WHAT,
      { min: 0, max: defaultLimits.fetchWaitMsMax },
      consumerDefaults.maxWaitMs,
    ),
    minBytes: integerOption(
      bag,
      'minBytes',
      WHAT,
      { min: 0, max: defaultLimits.fetchBytesMax },
      consumerDefaults.minBytes,
    ),
    prefetchBytes,
    onOutOfRange: choiceOption<OutOfRangePolicy>(
      bag,
      'onOutOfRange',
      WHAT,
      ['error', 'earliest', 'latest'],
      'error',
    ),
    requestTimeoutMs: integerOption(
      bag,
      'requestTimeoutMs',
      WHAT,
      { min: 1, max: 3_600_000 },
      clientDefaults.requestTimeoutMs,
    ),
    retry: retryPolicyOption(bag['retry'], WHAT, clientDefaults.retry),
  };
}
