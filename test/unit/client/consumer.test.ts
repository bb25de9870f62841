import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Brook, type Consumer, type ConsumerRecord } from '../../../src/client/index.js';
import { BrookError, isBrookError } from '../../../src/protocol/errors.js';
import { FakeBroker } from './fake-broker.js';

let broker: FakeBroker;
let brook: Brook;

beforeEach(async () => {
  broker = await new FakeBroker().start();
  broker.createTopic('events', 3);
  brook = new Brook({
    bootstrap: [broker.address],
    retry: { retries: 3, initialBackoffMs: 5, maxBackoffMs: 20 },
  });
});

afterEach(async () => {
  await brook.close();
  await broker.stop();
});

/** Reads `count` records, failing the test if they do not come within `timeoutMs`. */
async function take(
  consumer: Consumer,
  count: number,
  timeoutMs = 5_000,
): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  if (count === 0) return out;
  const timer = setTimeout(() => void consumer.close(), timeoutMs);
  try {
    for await (const record of consumer) {
      out.push(record);
      if (out.length === count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

async function produce(count: number, partition?: number, startAt = 0): Promise<void> {
  await brook.producer().sendMany(
    Array.from({ length: count }, (_, index) => ({
      topic: 'events',
      key: `k${(startAt + index) % 7}`,
      value: `v${startAt + index}`,
      ...(partition === undefined ? {} : { partition }),
      timestamp: 1_000_000 + startAt + index,
    })),
  );
}

const all = (from: 'earliest' | 'latest') =>
  [0, 1, 2].map((partition) => ({ topic: 'events', partition, from }));

describe('Consumer', () => {
  it('reads every partition from the earliest offset, each record once, in offset order', async () => {
    await produce(300);
    const consumer = brook.consumer();
    await consumer.assign(all('earliest'));
    const records = await take(consumer, 300);
    expect(new Set(records.map((record) => record.value?.toString())).size).toBe(300);
    for (let partition = 0; partition < 3; partition++) {
      const offsets = records
        .filter((record) => record.partition === partition)
        .map((record) => record.offset);
      expect(offsets).toEqual(offsets.map((_, index) => index));
    }
  });

  it('starts at the high watermark for latest and then sees new records (long poll)', async () => {
    await produce(10, 0);
    const consumer = brook.consumer({ maxWaitMs: 2_000 });
    await consumer.assign([{ topic: 'events', partition: 0, from: 'latest' }]);
    expect(consumer.position({ topic: 'events', partition: 0 })).toBe(10);
    const reading = take(consumer, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await produce(2, 0, 10);
    const records = await reading;
    expect(records.map((record) => record.offset)).toEqual([10, 11]);
  });

  it('starts at an exact offset inside a batch, skipping the records before it', async () => {
    await produce(50, 1);
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'events', partition: 1, from: { offset: 37 } }]);
    const records = await take(consumer, 13);
    expect(records.map((record) => record.offset)).toEqual(
      Array.from({ length: 13 }, (_, index) => 37 + index),
    );
    expect(consumer.position({ topic: 'events', partition: 1 })).toBe(50);
  });

  it('resolves a timestamp to the first record at or after it', async () => {
    await produce(20, 2);
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'events', partition: 2, from: { timestamp: 1_000_015 } }]);
    const [first] = await take(consumer, 1);
    expect(first?.offset).toBe(15);
    expect(first?.timestamp).toBe(1_000_015);
  });

  it('seeks back and reads again from there', async () => {
    await produce(10, 0);
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'events', partition: 0, from: 'earliest' }]);
    const iterator = consumer[Symbol.asyncIterator]();
    const offsets: number[] = [];
    for (let index = 0; index < 5; index++) {
      const next = await iterator.next();
      if (next.done !== true) offsets.push(next.value.offset);
    }
    consumer.seek({ topic: 'events', partition: 0, offset: 2 });
    expect(consumer.position({ topic: 'events', partition: 0 })).toBe(2);
    for (let index = 0; index < 3; index++) {
      const next = await iterator.next();
      if (next.done !== true) offsets.push(next.value.offset);
    }
    expect(offsets).toEqual([0, 1, 2, 3, 4, 2, 3, 4]);
    await consumer.close();
  });

  it('throws OFFSET_OUT_OF_RANGE from the iterator rather than resetting silently', async () => {
    await produce(5, 0);
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'events', partition: 0, from: { offset: 1_000 } }]);
    const error = await take(consumer, 1).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isBrookError(error, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    // A seek repairs the partition.
    consumer.seek({ topic: 'events', partition: 0, offset: 3 });
    expect((await take(consumer, 2)).map((record) => record.offset)).toEqual([3, 4]);
  });

  it('jumps to the earliest offset when onOutOfRange says so', async () => {
    await produce(10, 0);
    broker.truncateBefore('events', 0, 4);
    const consumer = brook.consumer({ onOutOfRange: 'earliest' });
    await consumer.assign([{ topic: 'events', partition: 0, from: { offset: 1 } }]);
    const [first] = await take(consumer, 1);
    expect(first?.offset).toBeGreaterThanOrEqual(4);
  });

  it('retries retriable fetch failures transparently', async () => {
    await produce(3, 0);
    broker.failNext('Fetch', new BrookError('BROKER_UNAVAILABLE', 'restarting'), 2);
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'events', partition: 0, from: 'earliest' }]);
    expect((await take(consumer, 3)).map((record) => record.offset)).toEqual([0, 1, 2]);
  });

  it('stops fetching while nobody pulls (bounded prefetch)', async () => {
    await produce(400, 0);
    const consumer = brook.consumer({ prefetchBytes: 1024, maxBytesPerPartition: 1024 });
    const before = broker.calls.get('Fetch') ?? 0;
    await consumer.assign([{ topic: 'events', partition: 0, from: 'earliest' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // One fetch fills the buffer (the first batch always comes whole); no more while unread.
    expect((broker.calls.get('Fetch') ?? 0) - before).toBeLessThanOrEqual(1);
    expect(await take(consumer, 400)).toHaveLength(400);
  });

  it('ends a pending iteration on close', async () => {
    const consumer = brook.consumer({ maxWaitMs: 5_000 });
    await consumer.assign([{ topic: 'events', partition: 0, from: 'latest' }]);
    const iterator = consumer[Symbol.asyncIterator]();
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await consumer.close();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses unknown topics and partitions at assign', async () => {
    const consumer = brook.consumer();
    const unknown = await consumer
      .assign([{ topic: 'nope', partition: 0 }])
      .catch((error: unknown) => error);
    expect(isBrookError(unknown, 'UNKNOWN_TOPIC')).toBe(true);
    expect((unknown as Error).message).toContain('"nope"');
    const partition = await consumer
      .assign([{ topic: 'events', partition: 3 }])
      .catch((error: unknown) => error);
    expect(isBrookError(partition, 'INVALID_PARTITION')).toBe(true);
    await expect(
      consumer.assign([{ topic: 'events', partition: 0, from: 'middle' as never }]),
    ).rejects.toThrow(/start position/);
  });
});

describe('Admin', () => {
  it('creates, lists, describes and deletes topics, and lists offsets', async () => {
    const admin = brook.admin();
    const created = await admin.createTopic('orders', {
      partitions: 2,
      configs: { 'retention.ms': '1000' },
    });
    expect(created.partitions).toHaveLength(2);
    expect((await admin.listTopics()).map((topic) => topic.name).sort()).toEqual([
      'events',
      'orders',
    ]);
    await brook.producer().sendMany([
      { topic: 'orders', value: 'a', partition: 1 },
      { topic: 'orders', value: 'b', partition: 1 },
    ]);
    expect(await admin.listOffsets('orders', 'latest')).toEqual([
      { partition: 0, offset: 0, timestamp: -1 },
      { partition: 1, offset: 2, timestamp: -1 },
    ]);
    const described = await admin.describeTopic('orders');
    expect(described.partitions[1]?.highWatermark).toBe(2);
    await admin.deleteTopic('orders');
    const error = await admin.describeTopic('orders').catch((caught: unknown) => caught);
    expect(isBrookError(error, 'UNKNOWN_TOPIC')).toBe(true);
    expect((error as Error).message).toContain('"orders"');
    await expect(admin.createTopic('events')).rejects.toMatchObject({
      code: 'TOPIC_ALREADY_EXISTS',
    });
  });
});

describe('Consumer close with a full prefetch buffer', () => {
  it('does not wait for fetchers blocked on buffer room', async () => {
    await produce(300);
    const consumer = brook.consumer({ prefetchBytes: 1024, maxBytesPerPartition: 1024 });
    await consumer.assign(all('earliest'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    await consumer.close();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
