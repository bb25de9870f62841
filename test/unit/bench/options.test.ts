import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  parseBenchArgs,
  UsageError,
  USAGE,
  type BenchOptions,
} from '../../../bench/options.js';

function options(argv: readonly string[]): BenchOptions {
  const outcome = parseBenchArgs(argv);
  if (outcome.kind !== 'run') throw new Error('expected a run');
  return outcome.options;
}

function usageError(argv: readonly string[]): string {
  try {
    parseBenchArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseBenchArgs', () => {
  it('fills the defaults of each case', () => {
    const produce = options(['produce']);
    expect(produce).toMatchObject({
      case: 'produce',
      brokers: 3,
      replicationFactor: 3,
      recordBytes: 100,
      partitions: 1,
      chunk: 1000,
      window: 8,
      inFlight: 5,
      compression: 'none',
      json: false,
    });
    expect(produce.limits).toEqual(DEFAULT_LIMITS.produce);
    expect(options(['partitions']).partitionCounts).toEqual([10, 100, 1000]);
    expect(options(['partitions']).idleSeconds).toBe(10);
    expect(options(['failover']).trials).toBe(10);
    expect(options(['latency']).ratePerSecond).toBe(1000);
  });

  it('takes the flags, in both --flag value and --flag=value forms', () => {
    const parsed = options([
      'produce',
      '--brokers',
      '1',
      '--record-bytes=1024',
      '--records',
      '5000',
      '--partitions',
      '4',
      '--chunk',
      '500',
      '--window=2',
      '--in-flight',
      '1',
      '--compression',
      'lz4',
      '--json',
    ]);
    expect(parsed).toMatchObject({
      brokers: 1,
      replicationFactor: 1,
      recordBytes: 1024,
      partitions: 4,
      chunk: 500,
      window: 2,
      inFlight: 1,
      compression: 'lz4',
      json: true,
    });
  });

  it('stops on whichever of --records and --seconds is given, or both', () => {
    expect(options(['produce', '--records', '100']).limits).toEqual({
      records: 100,
      seconds: undefined,
    });
    expect(options(['produce', '--seconds', '2.5']).limits).toEqual({
      records: undefined,
      seconds: 2.5,
    });
    expect(options(['produce', '--records', '100', '--seconds', '3']).limits).toEqual({
      records: 100,
      seconds: 3,
    });
  });

  it('validates --records, --seconds and --brokers', () => {
    expect(usageError(['produce', '--records', '0'])).toMatch(/--records must be an integer/);
    expect(usageError(['produce', '--records', '1e3'])).toMatch(/--records/);
    expect(usageError(['produce', '--records', '-5'])).toMatch(/--records/);
    expect(usageError(['produce', '--records', 'many'])).toMatch(/--records/);
    expect(usageError(['produce', '--seconds', '0'])).toMatch(/--seconds must be a number above 0/);
    expect(usageError(['produce', '--seconds', 'soon'])).toMatch(/--seconds/);
    expect(usageError(['produce', '--brokers', '2'])).toMatch(/--brokers must be 1 or 3/);
    expect(usageError(['produce', '--brokers', '5'])).toMatch(/--brokers must be 1 or 3/);
  });

  it('refuses unknown flags, cases and arguments', () => {
    expect(usageError(['produce', '--bogus'])).toBe('unknown flag --bogus');
    expect(usageError(['produce', '--records'])).toMatch(/--records/);
    expect(usageError([])).toMatch(/missing CASE/);
    expect(usageError(['publish'])).toMatch(/unknown case "publish"/);
    expect(usageError(['produce', 'extra'])).toMatch(/unexpected argument "extra"/);
    expect(usageError(['produce', '--compression', 'brotli'])).toMatch(/--compression/);
  });

  it('refuses flags that do not apply to the case', () => {
    expect(usageError(['produce', '--trials', '3'])).toMatch(
      /--trials does not apply to the produce/,
    );
    expect(usageError(['latency', '--chunk', '10'])).toMatch(/--chunk does not apply/);
    expect(usageError(['partitions', '--partitions', '10'])).toMatch(/--partitions does not apply/);
    expect(usageError(['failover', '--records', '10'])).toMatch(/--records does not apply/);
  });

  it('checks the case-specific constraints', () => {
    expect(usageError(['failover', '--brokers', '1'])).toMatch(/failover case needs --brokers 3/);
    expect(usageError(['latency', '--record-bytes', '8'])).toMatch(/at least 16/);
    expect(options(['latency', '--record-bytes', '16']).recordBytes).toBe(16);
    expect(options(['partitions', '--partition-counts', '10, 20']).partitionCounts).toEqual([
      10, 20,
    ]);
    expect(usageError(['partitions', '--partition-counts', '10,,20'])).toMatch(
      /--partition-counts/,
    );
    expect(usageError(['partitions', '--partition-counts', '10,x'])).toMatch(/--partition-counts/);
  });

  it('answers --help without a case', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ kind: 'help' });
    expect(USAGE).toMatch(/^usage: npm run bench -- CASE/);
  });
});
