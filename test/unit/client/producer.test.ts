import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Brook, type RecordMetadata } from '../../../src/client/index.js';
import { partitionForKey } from '../../../src/client/partitioner.js';
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
  broker.produceGate = undefined;
  await brook.close();
  await broker.stop();
});

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('Producer', () => {
  it('routes keyed records by murmur2, keeps per-key order, and reports offsets', async () => {
    const producer = brook.producer();
    const records = Array.from({ length: 300 }, (_, index) => ({
      topic: 'events',
      key: `user-${index % 17}`,
      value: `${index}`,
    }));
    const results = await producer.sendMany(records);
    expect(results).toHaveLength(300);
    results.forEach((result, index) => {
      expect(result.topic).toBe('events');
      expect(result.partition).toBe(partitionForKey(Buffer.from(`user-${index % 17}`), 3));
    });
    for (let partition = 0; partition < 3; partition++) {
      const stored = await broker.records('events', partition);
      expect(stored.map((record) => record.offset)).toEqual(stored.map((_, index) => index));
      const mine = results
        .filter((result) => result.partition === partition)
        .map((result) => result.offset);
      expect(mine).toEqual(stored.map((record) => record.offset));
      // Per key, values come back in the order they were sent.
      const valuesByKey = new Map<string, number[]>();
      for (const record of stored) {
        const list = valuesByKey.get(record.key ?? '') ?? [];
        list.push(Number(record.value));
        valuesByKey.set(record.key ?? '', list);
      }
      for (const values of valuesByKey.values())
        expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });

  it('batches a call into few requests rather than one per record', async () => {
    const producer = brook.producer();
    await producer.sendMany(
      Array.from({ length: 1000 }, (_, index) => ({
        topic: 'events',
        value: `v${index}`,
        partition: 0,
      })),
    );
    const requests = broker.produced.filter((request) => request.partition === 0);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests.reduce((sum, request) => sum + request.recordCount, 0)).toBe(1000);
  });

  it('cuts batches at batchBytes and sends several batches in one request', async () => {
    const producer = brook.producer({ batchBytes: 4096, lingerMs: 50 });
    const value = Buffer.alloc(1000, 1);
    await producer.sendMany(
      Array.from({ length: 20 }, () => ({ topic: 'events', value, partition: 1 })),
    );
    const batches = broker.produced.reduce((sum, request) => sum + request.batchCount, 0);
    expect(batches).toBeGreaterThanOrEqual(5);
    expect(broker.produced.length).toBeLessThan(batches);
    for (const request of broker.produced)
      expect(request.bytes / request.batchCount).toBeLessThanOrEqual(4096);
  });

  it('waits lingerMs to fill a batch, then sends the records together', async () => {
    const producer = brook.producer({ lingerMs: 100 });
    const started = Date.now();
    const sends = [0, 1, 2, 3].map((index) =>
      producer.send({ topic: 'events', value: `v${index}`, partition: 2 }),
    );
    const results = await Promise.all(sends);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(broker.produced).toHaveLength(1);
    expect(results.map((result) => result.offset)).toEqual([0, 1, 2, 3]);
  });

  it('sticks keyless records to one partition per batch', async () => {
    const producer = brook.producer({ lingerMs: 20 });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        producer.send({ topic: 'events', value: `v${index}` }),
      ),
    );
    expect(new Set(results.map((result) => result.partition)).size).toBe(1);
  });

  it('honours an explicit partition and refuses one that does not exist', async () => {
    const producer = brook.producer();
    const result = await producer.send({ topic: 'events', key: 'k', value: 'v', partition: 2 });
    expect(result.partition).toBe(2);
    const error = await caught(producer.send({ topic: 'events', value: 'v', partition: 3 }));
    expect(isBrookError(error, 'INVALID_PARTITION')).toBe(true);
    expect((error as Error).message).toMatch(/events.*3/);
  });

  it('fails a send to an unknown topic with UNKNOWN_TOPIC naming it', async () => {
    const error = await caught(brook.producer().send({ topic: 'nope', value: 'v' }));
    expect(isBrookError(error, 'UNKNOWN_TOPIC')).toBe(true);
    expect((error as Error).message).toContain('"nope"');
  });

  it('refuses a record above max.message.bytes with sizes in the message, without poisoning others', async () => {
    broker.maxMessageBytes = 100_000;
    const producer = brook.producer();
    const small = producer.send({ topic: 'events', value: 'fine', partition: 0 });
    const error = await caught(
      producer.sendMany([
        { topic: 'events', value: 'also fine', partition: 0 },
        { topic: 'events', value: Buffer.alloc(200_000), partition: 0 },
      ]),
    );
    expect(isBrookError(error, 'RECORD_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toMatch(
      /record too large: about 2000\d\d bytes.*"events".*100000/,
    );
    await expect(small).resolves.toMatchObject({ offset: 0 });
    await expect(
      producer.send({ topic: 'events', value: 'after', partition: 0 }),
    ).resolves.toMatchObject({ offset: 1 });
    // Nothing of the refused call was written.
    expect((await broker.records('events', 0)).map((record) => record.value)).toEqual([
      'fine',
      'after',
    ]);
  });

  it('gives a record larger than batchBytes (but allowed by the topic) a batch of its own', async () => {
    const producer = brook.producer({ batchBytes: 2048 });
    const result = await producer.send({
      topic: 'events',
      value: Buffer.alloc(10_000),
      partition: 0,
    });
    expect(result.offset).toBe(0);
  });

  it('makes send wait when bufferBytes are queued, and fails it after maxBlockMs', async () => {
    let open!: () => void;
    broker.produceGate = new Promise((resolve) => {
      open = resolve;
    });
    const producer = brook.producer({
      bufferBytes: 8192,
      batchBytes: 2048,
      requestBytes: 4096,
      maxBlockMs: 300,
    });
    const value = Buffer.alloc(1000, 2);
    const started = Date.now();
    const outcomes = Array.from({ length: 30 }, (_, index) =>
      producer.send({ topic: 'events', value, partition: 0 }).then(
        (result: RecordMetadata) => ({ index, result }),
        (error: unknown) => ({ index, error, afterMs: Date.now() - started }),
      ),
    );
    setTimeout(() => open(), 500);
    const settled = await Promise.all(outcomes);
    const accepted = settled.filter((outcome) => 'result' in outcome);
    const refused = settled.filter((outcome) => 'error' in outcome);
    // At most bufferBytes of records were ever accepted while the broker held its answers.
    expect(accepted.length * 1000).toBeLessThanOrEqual(8192);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBe(30 - accepted.length);
    for (const outcome of refused) {
      expect(isBrookError(outcome.error, 'RESOURCE_EXHAUSTED')).toBe(true);
      expect(outcome.afterMs).toBeGreaterThanOrEqual(290);
    }
  });

  it('lets waiting sends through as acknowledgements free the buffer', async () => {
    let open!: () => void;
    broker.produceGate = new Promise((resolve) => {
      open = resolve;
    });
    const producer = brook.producer({ bufferBytes: 8192, batchBytes: 2048, requestBytes: 4096 });
    const sending = producer.sendMany(
      Array.from({ length: 100 }, () => ({
        topic: 'events',
        value: Buffer.alloc(500),
        partition: 1,
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broker.produced).toHaveLength(0);
    open();
    const results = await sending;
    expect(results.map((result) => result.offset)).toEqual(results.map((_, index) => index));
    for (const request of broker.produced) expect(request.bytes).toBeLessThanOrEqual(4096 + 1024);
  });

  it('retries retriable failures and re-reads metadata after NOT_LEADER', async () => {
    const producer = brook.producer();
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    const metadataCalls = broker.calls.get('GetMetadata') ?? 0;
    broker.failNext('Produce', new BrookError('NOT_LEADER', 'not the leader'), 2);
    await expect(
      producer.send({ topic: 'events', value: 'v', partition: 0 }),
    ).resolves.toMatchObject({ offset: 1 });
    expect(broker.calls.get('GetMetadata')).toBeGreaterThan(metadataCalls);
  });

  it('surfaces a non-retriable failure at once', async () => {
    const producer = brook.producer();
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    const before = broker.calls.get('Produce') ?? 0;
    broker.failNext('Produce', new BrookError('INVALID_RECORD', 'bad record'));
    const error = await caught(producer.send({ topic: 'events', value: 'v', partition: 0 }));
    expect(isBrookError(error, 'INVALID_RECORD')).toBe(true);
    expect(broker.calls.get('Produce')).toBe(before + 1);
  });

  it('queues calls in call order even when an earlier call waits longer for metadata', async () => {
    broker.createTopic('other', 1);
    const producer = brook.producer();
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    const first = producer.sendMany([
      { topic: 'other', value: 'x' },
      { topic: 'events', value: 'first', partition: 0 },
    ]);
    const second = producer.send({ topic: 'events', value: 'second', partition: 0 });
    await Promise.all([first, second]);
    expect((await broker.records('events', 0)).map((record) => record.value)).toEqual([
      'warm-up',
      'first',
      'second',
    ]);
  });

  it('flush sends lingering records at once; close flushes and refuses new sends', async () => {
    const producer = brook.producer({ lingerMs: 60_000 });
    const pending = producer.send({ topic: 'events', value: 'v', partition: 0 });
    await producer.flush();
    await expect(pending).resolves.toMatchObject({ offset: 0 });
    const another = producer.send({ topic: 'events', value: 'w', partition: 0 });
    await producer.close();
    await expect(another).resolves.toMatchObject({ offset: 1 });
    const error = await caught(producer.send({ topic: 'events', value: 'late' }));
    expect(isBrookError(error, 'INVALID_REQUEST')).toBe(true);
  });

  it('accepts Buffer, Uint8Array, string and null, plus headers as a list or an object', async () => {
    const producer = brook.producer({ acks: 'leader' });
    await producer.sendMany([
      {
        topic: 'events',
        key: new Uint8Array([104, 105]),
        value: Buffer.from('buffer'),
        partition: 0,
        headers: { a: 'b' },
      },
      {
        topic: 'events',
        key: null,
        value: null,
        partition: 0,
        headers: [{ key: 'a', value: null }],
      },
      { topic: 'events', value: 'string', partition: 0, timestamp: new Date(1_000) },
    ]);
    expect(await broker.records('events', 0)).toEqual([
      { offset: 0, key: 'hi', value: 'buffer' },
      { offset: 1, key: null, value: null },
      { offset: 2, key: null, value: 'string' },
    ]);
    const error = await caught(producer.send({ topic: 'events', value: 42 as never }));
    expect(isBrookError(error, 'INVALID_RECORD')).toBe(true);
  });

  it('reports offset -1 with acks none', async () => {
    const result = await brook
      .producer({ acks: 'none' })
      .send({ topic: 'events', value: 'v', partition: 0 });
    expect(result.offset).toBe(-1);
  });
});
