/**
 * The per-partition log settings (Kafka's topic configs of the same meaning), their defaults and
 * their validation. Validated at the boundary: an unknown key or an out-of-range value is an
 * INVALID_CONFIG error, never a silent default.
 *
 * Limits that follow from the on-disk format: an index entry holds a 32-bit position, so a
 * segment stays below 2 GiB (a segment may exceed `segmentBytes` by one batch).
 */
import { BrookError } from '../protocol/errors.js';
import { GiB } from '../util/limits.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface LogConfig {
  /** Roll to a new segment before the active one would exceed this (Kafka segment.bytes). */
  readonly segmentBytes: number;
  /** Roll once the active segment is this old (Kafka segment.ms). */
  readonly segmentMs: number;
  /** Bytes of log between offset index entries (Kafka index.interval.bytes). */
  readonly indexIntervalBytes: number;
  /** Delete segments whose newest timestamp is older than this; -1 keeps them forever. */
  readonly retentionMs: number;
  /** Delete the oldest segments while the log is larger than this; -1 means no size limit. */
  readonly retentionBytes: number;
}

export const defaultLogConfig: LogConfig = {
  segmentBytes: 1 * GiB,
  segmentMs: 7 * DAY_MS,
  indexIntervalBytes: 4096,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
};

/** Largest segment size the 32-bit index positions allow, with room for one large batch. */
export const segmentBytesMax = 2 * GiB - 1;

const bounds: Record<keyof LogConfig, readonly [number, number]> = {
  segmentBytes: [1, segmentBytesMax],
  segmentMs: [1, Number.MAX_SAFE_INTEGER],
  indexIntervalBytes: [0, segmentBytesMax],
  retentionMs: [-1, Number.MAX_SAFE_INTEGER],
  retentionBytes: [-1, Number.MAX_SAFE_INTEGER],
};

function isConfigKey(key: string): key is keyof LogConfig {
  return Object.hasOwn(bounds, key);
}

/** `base` with `overrides` applied, after checking every override. */
export function resolveLogConfig(
  overrides: Partial<LogConfig> = {},
  base: LogConfig = defaultLogConfig,
): LogConfig {
  const resolved: Record<string, number> = { ...base };
  // Read as unknown: callers outside TypeScript's reach (config files) may pass anything.
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (!isConfigKey(key)) {
      throw new BrookError('INVALID_CONFIG', `unknown log config key ${JSON.stringify(key)}`);
    }
    if (value === undefined) continue;
    const [min, max] = bounds[key];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new BrookError(
        'INVALID_CONFIG',
        `log config ${key} = ${JSON.stringify(value)} is not an integer in [${min}, ${max}]`,
        { details: { key } },
      );
    }
    resolved[key] = value;
  }
  return resolved as unknown as LogConfig;
}
