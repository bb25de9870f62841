/**
 * The client against a cluster, with fake brokers: NOT_LEADER answers that name the new leader
 * route the retry there at once; the producer retries retriable errors until its delivery
 * timeout (not a retry count) and then fails with a message that says what happened; the admin
 * methods of the cluster RPCs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Brook, type ConsumerRecord } from '../../../src/client/index.js';
import { BrookError, isBrookError } from '../../../src/protocol/errors.js';
import { FakeBroker } from './fake-broker.js';

let first: FakeBroker;
let second: FakeBroker;
let brook: Brook;

/** Backoff long enough that a retry made at once is obvious. */
const SLOW_BACKOFF = { retries: 3, initialBackoffMs: 2_000, maxBackoffMs: 2_000 };

beforeEach(async () => {
  first = await new FakeBroker().start();
  second = await new FakeBroker().start();
  first.createTopic('events', 1);
  second.createTopic('events', 1);
});

afterEach(async () => {
  await brook.close();
  await first.stop();
  await second.stop();
});

function movedTo(broker: FakeBroker, id = '2'): BrookError {
  return new BrookError('NOT_LEADER', 'this broker no longer leads events/0', {
    details: { 'leader-id': id, 'leader-address': broker.address },
  });
}

describe('NOT_LEADER with a leader hint', () => {
  it('sends the produce retry straight to the named leader, without backing off', async () => {
    brook = new Brook({ bootstrap: [first.address], retry: SLOW_BACKOFF });
    const producer = brook.producer({ lingerMs: 0 });
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    first.failNext('Produce', movedTo(second));
    const started = Date.now();
    const sent = await producer.send({ topic: 'events', value: 'moved', partition: 0 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sent.offset).toBe(0);
    expect(await second.records('events', 0)).toEqual([{ offset: 0, key: null, value: 'moved' }]);
    // Later records follow the hint too (the fake metadata still names the first broker).
    await producer.send({ topic: 'events', value: 'next', partition: 0 });
    expect((await second.records('events', 0)).map((record) => record.value)).toEqual([
      'moved',
      'next',
    ]);
  });

  it('sends the fetch retry straight to the named leader', async () => {
    brook = new Brook({ bootstrap: [first.address], retry: SLOW_BACKOFF });
    const writer = new Brook({ bootstrap: [second.address] });
    await writer.producer().send({ topic: 'events', value: 'on the new leader', partition: 0 });
    await writer.close();
    first.failNext('Fetch', movedTo(second));
    const consumer = brook.consumer({ maxWaitMs: 100 });
    await consumer.assign([{ topic: 'events', partition: 0, from: { offset: 0 } }]);
    const started = Date.now();
    const iterator = consumer[Symbol.asyncIterator]();
    const next: IteratorResult<ConsumerRecord> = await iterator.next();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(next.done).toBe(false);
    expect((next.value as ConsumerRecord).value?.toString()).toBe('on the new leader');
    await consumer.close();
  });

  it('routes around a leader it cannot reach: the retry goes to another replica', async () => {
    // The metadata (from the second broker) still names the first as leader, as a cluster's
    // does for a moment after its leader died; the other replica knows better.
    second.metadataCluster = {
      brokers: [
        { id: 1, address: first.address },
        { id: 2, address: second.address },
      ],
      leader: 1,
      replicas: [1, 2],
    };
    brook = new Brook({
      bootstrap: [second.address],
      retry: { retries: 3, initialBackoffMs: 10, maxBackoffMs: 10 },
    });
    const producer = brook.producer({ lingerMs: 0 });
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    expect(await first.records('events', 0)).toHaveLength(1);
    first.failNext('Produce', new BrookError('BROKER_UNAVAILABLE', 'connection refused'), 3);
    await producer.send({ topic: 'events', value: 'detour', partition: 0 });
    expect((await second.records('events', 0)).map((record) => record.value)).toEqual(['detour']);
    expect(await first.records('events', 0)).toHaveLength(1);
  });

  it('backs off when brokers keep naming each other', async () => {
    brook = new Brook({
      bootstrap: [first.address],
      retry: { retries: 3, initialBackoffMs: 300, maxBackoffMs: 300 },
    });
    const producer = brook.producer({ lingerMs: 0 });
    await producer.send({ topic: 'events', value: 'warm-up', partition: 0 });
    for (let round = 0; round < 3; round++) {
      first.failNext('Produce', movedTo(second));
      second.failNext('Produce', movedTo(first, '1'));
    }
    const started = Date.now();
    await producer.send({ topic: 'events', value: 'eventually', partition: 0 });
    // Two immediate retries at most in a row, then the backoff (about 150-300 ms) kicks in.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('producer delivery timeout', () => {
  it('retries retriable errors past the client retry count, within the delivery timeout', async () => {
    brook = new Brook({
      bootstrap: [first.address],
      retry: { retries: 2, initialBackoffMs: 5, maxBackoffMs: 10 },
    });
    const producer = brook.producer({ lingerMs: 0, deliveryTimeoutMs: 10_000 });
    first.failNext('Produce', new BrookError('BROKER_UNAVAILABLE', 'restarting'), 4);
    first.failNext('Produce', new BrookError('NOT_ENOUGH_REPLICAS', 'too few in sync'), 4);
    await expect(
      producer.send({ topic: 'events', value: 'patient', partition: 0 }),
    ).resolves.toMatchObject({ offset: 0 });
  });

  it('fails after the delivery timeout with a message naming the partition and the cause', async () => {
    brook = new Brook({
      bootstrap: [first.address],
      retry: { retries: 2, initialBackoffMs: 10, maxBackoffMs: 50 },
    });
    const producer = brook.producer({ lingerMs: 0, deliveryTimeoutMs: 600 });
    first.failNext('Produce', new BrookError('NOT_ENOUGH_REPLICAS', 'only 1 of 3 in sync'), 1_000);
    const started = Date.now();
    const error = await producer.send({ topic: 'events', value: 'lost cause', partition: 0 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const elapsedMs = Date.now() - started;
    expect(isBrookError(error, 'NOT_ENOUGH_REPLICAS')).toBe(true);
    expect((error as BrookError).retriable).toBe(true);
    expect((error as Error).message).toMatch(
      /^partition events-0 could not reach a quorum of its replicas within 600 ms; gave up after \d+ attempts \(last error NOT_ENOUGH_REPLICAS: only 1 of 3 in sync\)$/,
    );
    expect(elapsedMs).toBeGreaterThanOrEqual(500);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('surfaces a non-retriable error as it came', async () => {
    brook = new Brook({ bootstrap: [first.address] });
    const producer = brook.producer({ lingerMs: 0, deliveryTimeoutMs: 5_000 });
    first.failNext('Produce', new BrookError('INVALID_RECORD', 'bad record'));
    const error = await producer.send({ topic: 'events', value: 'x', partition: 0 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect((error as Error).message).toBe('bad record');
  });
});

describe('admin: cluster RPCs', () => {
  it('adds partitions and refuses to remove any', async () => {
    brook = new Brook({ bootstrap: [first.address] });
    const admin = brook.admin();
    const grown = await admin.createPartitions('events', 4);
    expect(grown.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2, 3]);
    const error = await admin.createPartitions('events', 2).catch((failure: unknown) => failure);
    expect(isBrookError(error, 'INVALID_PARTITIONS')).toBe(true);
    // The producer sees the new partitions (the metadata cache was dropped).
    await expect(
      brook.producer().send({ topic: 'events', value: 'p3', partition: 3 }),
    ).resolves.toMatchObject({ partition: 3 });
  });

  it('checks a reassignment before sending it', async () => {
    brook = new Brook({ bootstrap: [first.address] });
    const admin = brook.admin();
    await expect(admin.reassignPartition('events', 0, [1, 1])).rejects.toThrow(/distinct/);
    await expect(admin.reassignPartition('events', -1, [1])).rejects.toThrow(/partition/);
    const described = await admin.reassignPartition('events', 0, [1]);
    expect(described.name).toBe('events');
    expect(first.calls.get('ReassignPartition')).toBe(1);
  });

  it('describes the cluster with its health counters', async () => {
    brook = new Brook({ bootstrap: [first.address] });
    const cluster = await brook.admin().describeCluster();
    expect(cluster).toMatchObject({
      clusterId: 'fake',
      controllerId: 1,
      offlinePartitions: 0,
      underReplicatedPartitions: 0,
    });
    expect(cluster.brokers).toEqual([{ id: 1, address: first.address, alive: true }]);
  });
});
