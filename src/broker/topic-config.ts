/**
 * Topic configuration: the keys a topic may override, their parsing and validation, and the
 * effective configuration (overrides on top of the broker's defaults). Keys and meanings follow
 * Kafka's so that operators can carry their habits over; unknown keys are refused rather than
 * silently ignored, because a typo in `retention.ms` would otherwise keep data forever.
 */
import { BrookError } from '../protocol/errors.js';
import { defaultLimits, GiB, KiB, MiB } from '../util/limits.js';

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

export interface TopicConfig {
  /** Delete whole segments whose newest record is older than this; -1 = keep forever. */
  readonly retentionMs: number;
  /** Delete the oldest whole segments while the partition is larger than this; -1 = no limit. */
  readonly retentionBytes: number;
  /** Roll to a new segment once the active one reaches this size. */
  readonly segmentBytes: number;
  /** Roll to a new segment once the active one is this old. */
  readonly segmentMs: number;
  /** Largest record batch accepted (Kafka applies max.message.bytes to a batch). */
  readonly maxMessageBytes: number;
  /** Whose clock stamps records: the producer's (CreateTime) or the broker's. */
  readonly timestampType: TimestampTypeName;
  /** Bytes of log between two sparse offset-index entries. */
  readonly indexIntervalBytes: number;
}

export const DEFAULT_TOPIC_CONFIG: TopicConfig = {
  retentionMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  segmentBytes: 1 * GiB,
  segmentMs: 7 * 24 * 3600 * 1000,
  maxMessageBytes: defaultLimits.batchBytesMax,
  timestampType: 'CreateTime',
  indexIntervalBytes: 4 * KiB,
};

interface KeySpec {
  readonly field: keyof TopicConfig;
  parse(value: string, key: string): TopicConfig[keyof TopicConfig];
}

function integer(min: number, max: number): KeySpec['parse'] {
  return (value, key) => {
    if (!/^-?\d+$/.test(value.trim())) throw invalid(key, value, 'an integer');
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw invalid(key, value, `an integer from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** An integer that may also be -1 (unlimited). */
function integerOrUnlimited(min: number, max: number): KeySpec['parse'] {
  const parse = integer(min, max);
  return (value, key) => (value.trim() === '-1' ? -1 : parse(value, key));
}

function invalid(key: string, value: string, expected: string): BrookError {
  return new BrookError(
    'INVALID_CONFIG',
    `config ${key}=${value} is invalid: expected ${expected}`,
    {
      details: { key, value },
    },
  );
}

const MAX_INT32 = 2 ** 31 - 1;

const KEYS: Readonly<Record<string, KeySpec>> = {
  'retention.ms': { field: 'retentionMs', parse: integerOrUnlimited(1, Number.MAX_SAFE_INTEGER) },
  'retention.bytes': {
    field: 'retentionBytes',
    parse: integerOrUnlimited(1, Number.MAX_SAFE_INTEGER),
  },
  'segment.bytes': { field: 'segmentBytes', parse: integer(1 * KiB, MAX_INT32) },
  'segment.ms': { field: 'segmentMs', parse: integer(1, Number.MAX_SAFE_INTEGER) },
  'max.message.bytes': { field: 'maxMessageBytes', parse: integer(128, 64 * MiB) },
  'index.interval.bytes': { field: 'indexIntervalBytes', parse: integer(1, MAX_INT32) },
  'message.timestamp.type': {
    field: 'timestampType',
    parse: (value, key) => {
      if (value === 'CreateTime' || value === 'LogAppendTime') return value;
      throw invalid(key, value, 'CreateTime or LogAppendTime');
    },
  },
};

export const TOPIC_CONFIG_KEYS = Object.keys(KEYS).sort();

function specOf(key: string): KeySpec {
  // Own keys only: "toString" or "__proto__" must be unknown keys, not Object.prototype members.
  const spec = Object.hasOwn(KEYS, key) ? KEYS[key] : undefined;
  if (spec === undefined) {
    throw new BrookError(
      'INVALID_CONFIG',
      `unknown topic config ${key}; known keys: ${TOPIC_CONFIG_KEYS.join(', ')}`,
      { details: { key } },
    );
  }
  return spec;
}

/** Checks overrides and returns them normalised (trimmed values); throws INVALID_CONFIG. */
export function validateOverrides(
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const normalised: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    specOf(key).parse(value, key);
    normalised[key] = value.trim();
  }
  return normalised;
}

/** The configuration in force: `overrides` (already validated) on top of `defaults`. */
export function effectiveConfig(
  defaults: TopicConfig,
  overrides: Readonly<Record<string, string>>,
): TopicConfig {
  const config: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const spec = specOf(key);
    config[spec.field] = spec.parse(value, key);
  }
  return config as unknown as TopicConfig;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  readonly isDefault: boolean;
}

export function describeConfig(
  defaults: TopicConfig,
  overrides: Readonly<Record<string, string>>,
): ConfigEntry[] {
  const config = effectiveConfig(defaults, overrides);
  return TOPIC_CONFIG_KEYS.map((name) => {
    const spec = specOf(name);
    return { name, value: String(config[spec.field]), isDefault: !(name in overrides) };
  });
}

/** Broker-level defaults use the same keys as topic overrides (Kafka prefixes them `log.`). */
export function topicDefaultsFrom(overrides: Readonly<Record<string, string>>): TopicConfig {
  return effectiveConfig(DEFAULT_TOPIC_CONFIG, validateOverrides(overrides));
}
