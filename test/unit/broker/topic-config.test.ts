import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_TOPIC_CONFIG,
  TOPIC_CONFIG_KEYS,
  describeConfig,
  effectiveConfig,
  topicDefaultsFrom,
  validateOverrides,
  type TopicConfig,
} from '../../../src/broker/topic-config.js';
import { expectBrookError } from '../../support/expect-brook-error.js';

const MAX_INT32 = 2 ** 31 - 1;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Each integer key: its field, bounds, and whether -1 means unlimited. */
const INTEGER_KEYS: readonly {
  key: string;
  field: keyof TopicConfig;
  min: number;
  max: number;
  unlimited: boolean;
}[] = [
  { key: 'retention.ms', field: 'retentionMs', min: 1, max: MAX_SAFE, unlimited: true },
  { key: 'retention.bytes', field: 'retentionBytes', min: 1, max: MAX_SAFE, unlimited: true },
  { key: 'segment.bytes', field: 'segmentBytes', min: 1024, max: MAX_INT32, unlimited: false },
  { key: 'segment.ms', field: 'segmentMs', min: 1, max: MAX_SAFE, unlimited: false },
  {
    key: 'max.message.bytes',
    field: 'maxMessageBytes',
    min: 128,
    max: 64 * 1024 * 1024,
    unlimited: false,
  },
  {
    key: 'index.interval.bytes',
    field: 'indexIntervalBytes',
    min: 1,
    max: MAX_INT32,
    unlimited: false,
  },
];

/** The config in force with a single override. */
function withOverride(key: string, value: string): TopicConfig {
  return effectiveConfig(DEFAULT_TOPIC_CONFIG, validateOverrides({ [key]: value }));
}

describe('topic config keys', () => {
  test('are exactly the supported Kafka keys, sorted', () => {
    expect(TOPIC_CONFIG_KEYS).toEqual([
      'index.interval.bytes',
      'max.message.bytes',
      'message.timestamp.type',
      'retention.bytes',
      'retention.ms',
      'segment.bytes',
      'segment.ms',
    ]);
  });

  test('defaults are Kafka’s: 7 days, unlimited bytes, 1 GiB segments, 1 MiB batches, 4 KiB index', () => {
    expect(DEFAULT_TOPIC_CONFIG).toEqual({
      retentionMs: 604_800_000,
      retentionBytes: -1,
      segmentBytes: 1_073_741_824,
      segmentMs: 604_800_000,
      maxMessageBytes: 1_048_576,
      timestampType: 'CreateTime',
      indexIntervalBytes: 4096,
    });
  });
});

describe.each(INTEGER_KEYS)('$key', ({ key, field, min, max, unlimited }) => {
  test.each([String(min), String(max), String(Math.floor((min + max) / 2))])(
    'accepts %s (bounds and middle)',
    (value) => {
      expect(withOverride(key, value)[field]).toBe(Number(value));
    },
  );

  test.each([
    String(min - 1),
    String(max + 1),
    '-2',
    '0',
    '1.5',
    '1e3',
    '+5',
    '0x10',
    'abc',
    '',
    ' ',
    '9'.repeat(30),
  ])('refuses %j with INVALID_CONFIG naming the key and value', (value) => {
    const error = expectBrookError(() => validateOverrides({ [key]: value }), 'INVALID_CONFIG');
    expect(error.details).toEqual({ key, value });
    expect(error.message).toContain(key);
  });

  test(unlimited ? 'accepts -1 (unlimited)' : 'refuses -1 (no unlimited value)', () => {
    if (unlimited) {
      expect(withOverride(key, '-1')[field]).toBe(-1);
    } else {
      expectBrookError(() => validateOverrides({ [key]: '-1' }), 'INVALID_CONFIG');
    }
  });

  test('accepts every integer in range and refuses every one outside', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const inRange = (value >= min && value <= max) || (unlimited && value === -1);
        if (inRange) {
          expect(withOverride(key, String(value))[field]).toBe(value);
        } else {
          expectBrookError(() => validateOverrides({ [key]: String(value) }), 'INVALID_CONFIG');
        }
      }),
    );
  });

  test('trims surrounding whitespace and returns the trimmed value', () => {
    expect(validateOverrides({ [key]: ` ${min} ` })).toEqual({ [key]: String(min) });
  });
});

describe('message.timestamp.type', () => {
  test.each(['CreateTime', 'LogAppendTime'] as const)('accepts %s', (value) => {
    expect(withOverride('message.timestamp.type', value).timestampType).toBe(value);
  });

  test.each(['createtime', 'LOGAPPENDTIME', 'Create Time', '', '1'])('refuses %j', (value) => {
    const error = expectBrookError(
      () => validateOverrides({ 'message.timestamp.type': value }),
      'INVALID_CONFIG',
    );
    expect(error.details).toEqual({ key: 'message.timestamp.type', value });
  });
});

describe('unknown keys', () => {
  // Object.prototype names must not be mistaken for known keys.
  test.each([
    'retention.msx',
    'cleanup.policy',
    'log.retention.ms',
    'RETENTION.MS',
    '',
    'toString',
    'constructor',
    'hasOwnProperty',
    '__proto__',
  ])('%j is refused with INVALID_CONFIG naming it', (key) => {
    const overrides = Object.fromEntries([[key, '1']]) as Record<string, string>;
    const error = expectBrookError(() => validateOverrides(overrides), 'INVALID_CONFIG');
    expect(error.details).toEqual({ key });
    expect(error.message).toContain(`unknown topic config ${key}`);
    expectBrookError(() => effectiveConfig(DEFAULT_TOPIC_CONFIG, overrides), 'INVALID_CONFIG');
  });

  test('one unknown key among valid ones refuses the whole set', () => {
    expectBrookError(
      () => validateOverrides({ 'retention.ms': '1000', 'retention.mss': '1000' }),
      'INVALID_CONFIG',
    );
  });
});

describe('effectiveConfig and describeConfig', () => {
  test('no overrides is the defaults', () => {
    expect(effectiveConfig(DEFAULT_TOPIC_CONFIG, {})).toEqual(DEFAULT_TOPIC_CONFIG);
  });

  test('overrides replace only their own fields, on top of the given defaults', () => {
    const defaults: TopicConfig = {
      ...DEFAULT_TOPIC_CONFIG,
      retentionMs: 5000,
      segmentBytes: 2048,
    };
    const config = effectiveConfig(defaults, {
      'retention.ms': '-1',
      'message.timestamp.type': 'LogAppendTime',
    });
    expect(config).toEqual({ ...defaults, retentionMs: -1, timestampType: 'LogAppendTime' });
  });

  test('describeConfig lists every key with its value and whether it is the default', () => {
    const entries = describeConfig(DEFAULT_TOPIC_CONFIG, {
      'retention.ms': '1000',
      'segment.bytes': String(DEFAULT_TOPIC_CONFIG.segmentBytes),
    });
    expect(entries).toEqual([
      { name: 'index.interval.bytes', value: '4096', isDefault: true },
      { name: 'max.message.bytes', value: '1048576', isDefault: true },
      { name: 'message.timestamp.type', value: 'CreateTime', isDefault: true },
      { name: 'retention.bytes', value: '-1', isDefault: true },
      { name: 'retention.ms', value: '1000', isDefault: false },
      // Set explicitly, even if to the default value: an override, as Kafka reports it.
      { name: 'segment.bytes', value: '1073741824', isDefault: false },
      { name: 'segment.ms', value: '604800000', isDefault: true },
    ]);
  });

  test('describeConfig agrees with effectiveConfig for any valid overrides', () => {
    const overridesArbitrary = fc.record(
      {
        'retention.ms': fc.oneof(fc.constant(-1), fc.integer({ min: 1 })).map(String),
        'segment.bytes': fc.integer({ min: 1024, max: MAX_INT32 }).map(String),
        'max.message.bytes': fc.integer({ min: 128, max: 64 * 1024 * 1024 }).map(String),
        'message.timestamp.type': fc.constantFrom('CreateTime', 'LogAppendTime'),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(overridesArbitrary, (raw) => {
        const overrides = validateOverrides(raw);
        const entries = describeConfig(DEFAULT_TOPIC_CONFIG, overrides);
        expect(entries.map((entry) => entry.name)).toEqual(TOPIC_CONFIG_KEYS);
        for (const entry of entries) {
          expect(entry.isDefault).toBe(!(entry.name in overrides));
          if (!entry.isDefault) expect(entry.value).toBe(overrides[entry.name]);
        }
      }),
    );
  });

  test('topicDefaultsFrom validates broker-level defaults with the same keys', () => {
    expect(topicDefaultsFrom({ 'segment.bytes': '1048576' }).segmentBytes).toBe(1_048_576);
    expectBrookError(() => topicDefaultsFrom({ 'segment.bytes': '1' }), 'INVALID_CONFIG');
    expectBrookError(() => topicDefaultsFrom({ 'log.segment.bytes': '1048576' }), 'INVALID_CONFIG');
  });
});
