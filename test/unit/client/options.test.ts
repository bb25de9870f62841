import { describe, expect, it } from 'vitest';
import { Brook, parseBootstrap } from '../../../src/client/brook.js';
import { resolveConsumerOptions } from '../../../src/client/consumer-options.js';
import { resolveProducerOptions } from '../../../src/client/producer-options.js';
import { defaultRetryPolicy } from '../../../src/client/retry.js';
import { isBrookError } from '../../../src/protocol/errors.js';

const clientDefaults = { requestTimeoutMs: 30_000, retry: defaultRetryPolicy };

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('producer options', () => {
  it('has the documented defaults', () => {
    const options = resolveProducerOptions(undefined, clientDefaults);
    expect(options.lingerMs).toBe(5);
    expect(options.batchBytes).toBeLessThan(1024 * 1024);
    expect(options.batchBytes).toBeGreaterThan(1000 * 1024);
    expect(options.bufferBytes).toBe(32 * 1024 * 1024);
    expect(options.acks).toBe('ACKS_ALL');
    expect(options.compression).toBe(0);
    expect(options.maxInFlightPerPartition).toBe(1);
    // Produce retries are bounded by the delivery timeout, not by a count (as in Kafka).
    expect(options.retry).toEqual({
      ...defaultRetryPolicy,
      retries: Number.MAX_SAFE_INTEGER,
      maxBackoffMs: 250,
    });
    expect(options.deliveryTimeoutMs).toBe(120_000);
  });

  it('refuses unknown keys, naming them and the known ones', () => {
    const error = errorOf(() => resolveProducerOptions({ lingerMS: 5 }, clientDefaults));
    expect(isBrookError(error, 'INVALID_REQUEST')).toBe(true);
    expect((error as Error).message).toMatch(/unknown key "lingerMS".*lingerMs/);
  });

  it.each([
    [{ lingerMs: -1 }, /lingerMs/],
    [{ lingerMs: 1.5 }, /lingerMs/],
    [{ batchBytes: '1mb' }, /batchBytes/],
    [{ acks: 'one' }, /"acks" must be one of "all", "leader", "none"/],
    [{ compression: 'snappy' }, /compression/],
    [{ maxInFlightPerPartition: 0 }, /maxInFlightPerPartition/],
    [{ batchBytes: 2048, bufferBytes: 4096, requestBytes: 8192 }, /bufferBytes/],
    [{ batchBytes: 8192, requestBytes: 4096 }, /requestBytes/],
    [{ retry: { retries: -1 } }, /retries/],
    [{ retry: { tries: 3 } }, /unknown key "tries"/],
    [{ partitioner: 'random' }, /partitioner/],
  ])('refuses %j', (options, message) => {
    const error = errorOf(() => resolveProducerOptions(options, clientDefaults));
    expect(isBrookError(error, 'INVALID_REQUEST')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('takes valid values', () => {
    const options = resolveProducerOptions(
      { lingerMs: 0, acks: 'none', compression: 'zstd', batchBytes: 16_384, retry: { retries: 0 } },
      clientDefaults,
    );
    expect(options).toMatchObject({
      lingerMs: 0,
      acks: 'ACKS_NONE',
      compression: 4,
      batchBytes: 16_384,
    });
    expect(options.retry.retries).toBe(0);
  });
});

describe('consumer options', () => {
  it('has the documented defaults and refuses unknown keys', () => {
    const options = resolveConsumerOptions(undefined, clientDefaults);
    expect(options).toMatchObject({
      maxBytesPerPartition: 1024 * 1024,
      maxWaitMs: 500,
      onOutOfRange: 'error',
    });
    expect(() => resolveConsumerOptions({ fromBeginning: true }, clientDefaults)).toThrow(
      /unknown key "fromBeginning"/,
    );
    expect(() => resolveConsumerOptions({ onOutOfRange: 'reset' }, clientDefaults)).toThrow(
      /onOutOfRange/,
    );
    expect(() =>
      resolveConsumerOptions({ prefetchBytes: 2048, maxBytesPerPartition: 4096 }, clientDefaults),
    ).toThrow(/prefetchBytes/);
  });
});

describe('client options', () => {
  it('parses bootstrap lists', () => {
    expect(parseBootstrap('127.0.0.1:9092')).toEqual(['127.0.0.1:9092']);
    expect(parseBootstrap('a:1, b:2')).toEqual(['a:1', 'b:2']);
    expect(parseBootstrap(['[::1]:9092', 'broker-1.example.com:9092'])).toEqual([
      '[::1]:9092',
      'broker-1.example.com:9092',
    ]);
  });

  it.each([[undefined], [''], [[]], ['localhost'], ['host:99999'], [[42]], ['a:1,,b']])(
    'refuses bootstrap %j',
    (bootstrap) => {
      expect(() => parseBootstrap(bootstrap)).toThrow(/bootstrap/);
    },
  );

  it('refuses unknown keys and bad values in the constructor', async () => {
    expect(() => new Brook({ bootstrap: 'a:1', requestTimeout: 5 } as never)).toThrow(
      /unknown key "requestTimeout"/,
    );
    expect(() => new Brook({ bootstrap: 'a:1', requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
    expect(() => new Brook({ bootstrap: 'a:1', logger: console } as never)).toThrow(/logger/);
    const brook = new Brook({ bootstrap: ['127.0.0.1:1'] });
    expect(() => brook.producer({ linger: 1 } as never)).toThrow(/unknown key "linger"/);
    expect(() => brook.consumer({ groupId: 'g' } as never)).toThrow(/unknown key "groupId"/);
    await brook.close();
    expect(() => brook.producer()).toThrow(/closed/);
  });
});
