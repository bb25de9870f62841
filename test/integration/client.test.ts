/**
 * The client library against a real broker process: admin, producer (keys, batching,
 * compression, limits), consumer (start positions, long polling), and riding out a broker
 * restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Brook,
  isBrookError,
  partitionForKey,
  type Consumer,
  type ConsumerRecord,
} from '../../src/client/index.js';
import {
  removeDirectory,
  startBroker,
  stopAllBrokers,
  type BrokerProcess,
} from '../support/broker-process.js';

let broker: BrokerProcess;
let brook: Brook;

beforeAll(async () => {
  broker = await startBroker();
  brook = new Brook({ bootstrap: [broker.address], clientId: 'integration' });
});

afterAll(async () => {
  await brook.close();
  await broker.stop();
  await stopAllBrokers();
  removeDirectory(broker.dataDir);
});

/**
 * Reads `count` records through the iterator without leaving a for-await loop early (which
 * would close the consumer); closes the consumer if they do not come within `timeoutMs`.
 */
async function take(
  consumer: Consumer,
  count: number,
  timeoutMs = 15_000,
): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  const timer = setTimeout(() => void consumer.close(), timeoutMs);
  const iterator = consumer[Symbol.asyncIterator]();
  try {
    while (out.length < count) {
      const next = await iterator.next();
      if (next.done === true) break;
      out.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

describe('client against a broker', () => {
  it('creates and describes topics; refuses duplicates and unknown names', async () => {
    const admin = brook.admin();
    const created = await admin.createTopic('orders', {
      partitions: 4,
      configs: { 'retention.ms': '3600000' },
    });
    expect(created.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2, 3]);
    expect(created.configs.find((entry) => entry.name === 'retention.ms')).toMatchObject({
      value: '3600000',
      isDefault: false,
    });
    await expect(admin.createTopic('orders')).rejects.toMatchObject({
      code: 'TOPIC_ALREADY_EXISTS',
    });
    await expect(admin.describeTopic('missing')).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
    expect((await admin.listTopics()).map((topic) => topic.name)).toContain('orders');
    const metadata = await admin.metadata(['orders']);
    expect(metadata.brokers).toHaveLength(1);
    expect(metadata.topics[0]?.partitions).toHaveLength(4);
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThan(0);
  });

  it('produces keyed records to their murmur2 partitions and reads them back in order', async () => {
    const producer = brook.producer();
    const records = Array.from({ length: 5_000 }, (_, index) => ({
      topic: 'orders',
      key: `customer-${index % 50}`,
      value: JSON.stringify({ index }),
      headers: [{ key: 'seq', value: String(index) }],
    }));
    const results = await producer.sendMany(records);
    results.forEach((result, index) => {
      expect(result.partition).toBe(partitionForKey(Buffer.from(`customer-${index % 50}`), 4));
    });
    const consumer = brook.consumer();
    await consumer.assign(
      [0, 1, 2, 3].map((partition) => ({ topic: 'orders', partition, from: 'earliest' as const })),
    );
    const read = await take(consumer, 5_000);
    await consumer.close();
    expect(read).toHaveLength(5_000);
    const byKey = new Map<string, number[]>();
    for (const record of read) {
      const index = (JSON.parse(record.value?.toString() ?? '{}') as { index: number }).index;
      expect(record.headers).toEqual([{ key: 'seq', value: Buffer.from(String(index)) }]);
      const key = record.key?.toString() ?? '';
      byKey.set(key, [...(byKey.get(key) ?? []), index]);
    }
    for (const indexes of byKey.values())
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    const latest = await brook.admin().listOffsets('orders', 'latest');
    expect(latest.reduce((sum, entry) => sum + entry.offset, 0)).toBe(5_000);
  });

  it.each(['gzip', 'lz4', 'zstd'] as const)(
    'round-trips %s-compressed batches',
    async (compression) => {
      const topic = `compressed-${compression}`;
      await brook.admin().createTopic(topic);
      const producer = brook.producer({ compression });
      const value = 'compressible '.repeat(100);
      await producer.sendMany(
        Array.from({ length: 200 }, (_, index) => ({ topic, key: `${index}`, value })),
      );
      const consumer = brook.consumer();
      await consumer.assign([{ topic, partition: 0, from: 'earliest' }]);
      const read = await take(consumer, 200);
      await consumer.close();
      expect(read.map((record) => record.offset)).toEqual(read.map((_, index) => index));
      expect(read.every((record) => record.value?.toString() === value)).toBe(true);
    },
  );

  it('fails cleanly for unknown topics and records above max.message.bytes', async () => {
    const producer = brook.producer();
    const unknown = await producer
      .send({ topic: 'nowhere', value: 'x' })
      .catch((error: unknown) => error);
    expect(isBrookError(unknown, 'UNKNOWN_TOPIC')).toBe(true);
    expect((unknown as Error).message).toContain('nowhere');
    const tooLarge = await producer
      .send({ topic: 'orders', value: Buffer.alloc(2 * 1024 * 1024) })
      .catch((error: unknown) => error);
    expect(isBrookError(tooLarge, 'RECORD_TOO_LARGE')).toBe(true);
    await expect(
      producer.send({ topic: 'orders', value: 'still fine', partition: 0 }),
    ).resolves.toMatchObject({ partition: 0 });
  });

  it('starts at latest and at a timestamp; long-polls for new records', async () => {
    await brook.admin().createTopic('clock');
    const producer = brook.producer();
    await producer.sendMany([
      { topic: 'clock', value: 'old', timestamp: 1_000 },
      { topic: 'clock', value: 'middle', timestamp: 2_000 },
    ]);
    const byTime = brook.consumer();
    await byTime.assign([{ topic: 'clock', partition: 0, from: { timestamp: 1_500 } }]);
    expect((await take(byTime, 1)).map((record) => record.value?.toString())).toEqual(['middle']);
    await byTime.close();

    const tail = brook.consumer({ maxWaitMs: 5_000 });
    await tail.assign([{ topic: 'clock', partition: 0, from: 'latest' }]);
    expect(tail.position({ topic: 'clock', partition: 0 })).toBe(2);
    const reading = take(tail, 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sentAt = Date.now();
    await producer.send({ topic: 'clock', value: 'new' });
    const [record] = await reading;
    expect(record?.value?.toString()).toBe('new');
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    await tail.close();
  });

  it('surfaces OFFSET_OUT_OF_RANGE from the iterator', async () => {
    const consumer = brook.consumer();
    await consumer.assign([{ topic: 'clock', partition: 0, from: { offset: 1_000 } }]);
    const error = await take(consumer, 1).catch((caught: unknown) => caught);
    expect(isBrookError(error, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    await consumer.close();
  });

  it('rides out a broker restart: sends retry and the consumer continues', async () => {
    await brook.admin().createTopic('durable', { partitions: 2 });
    const producer = brook.producer();
    await producer.sendMany(
      Array.from({ length: 100 }, (_, index) => ({
        topic: 'durable',
        key: `${index}`,
        value: `a${index}`,
      })),
    );
    const consumer = brook.consumer();
    await consumer.assign(
      [0, 1].map((partition) => ({ topic: 'durable', partition, from: 'earliest' as const })),
    );
    expect(await take(consumer, 100)).toHaveLength(100);

    await broker.stop();
    const sending = producer.sendMany(
      Array.from({ length: 100 }, (_, index) => ({
        topic: 'durable',
        key: `${index}`,
        value: `b${index}`,
      })),
    );
    broker = await broker.restart();
    const results = await sending;
    expect(results).toHaveLength(100);
    const after = await take(consumer, 100);
    expect(after.map((record) => record.value?.toString()).sort()).toEqual(
      Array.from({ length: 100 }, (_, index) => `b${index}`).sort(),
    );
    await consumer.close();
  });
});
