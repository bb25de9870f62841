/**
 * Partition: acknowledgement modes against a disk whose fsync we hold, the high watermark
 * following durability (a partition of one replica commits once its entry is fsynced), and
 * long-poll waiters that never leak.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/broker/broker.js';
import { fetch } from '../../../src/broker/fetch.js';
import { produce, type AcksMode } from '../../../src/broker/produce.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { openMemoryBroker, type MemoryBroker } from '../../support/memory-broker.js';
import { SeededRandom } from '../../support/seeded-random.js';

let fs: MemoryFileSystem;
let running: MemoryBroker;
let broker: Broker;
/** Fsyncs of the partition's segment logs wait here until the test releases them. */
let heldSyncs: (() => void)[] = [];
let holdSyncs = false;

beforeEach(async () => {
  fs = new MemoryFileSystem(new SeededRandom(7));
  running = await openMemoryBroker({ fs });
  broker = running.broker;
  await broker.createTopic({ name: 'events', partitions: 1 });
  heldSyncs = [];
  holdSyncs = false;
  fs.setOperationDelay((operation) => {
    const partitionLog = operation.path.includes('/topics/') && operation.path.endsWith('.log');
    if (!holdSyncs || operation.kind !== 'sync' || !partitionLog) return undefined;
    return new Promise<void>((resolve) => heldSyncs.push(resolve));
  });
});

afterEach(async () => {
  holdSyncs = false;
  for (const release of heldSyncs.splice(0)) release();
  await running.stop();
});

const send = (acks: AcksMode) =>
  produce(broker, {
    topic: 'events',
    partition: 0,
    acks,
    timeoutMs: 0,
    data: { records: [{ key: null, value: Buffer.from('v') }] },
  });

async function settle(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let turn = 0; turn < 50; turn++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('Partition acknowledgements', () => {
  it('acks=leader answers once written, before the fsync completes; the HW waits for it', async () => {
    holdSyncs = true;
    const result = await send('leader');
    expect(result.baseOffset).toBe(0);
    expect(heldSyncs.length).toBeGreaterThan(0);
    expect(broker.partition('events', 0).highWatermark).toBe(0);
    holdSyncs = false;
    for (const release of heldSyncs.splice(0)) release();
    await settle(Promise.resolve());
    expect(broker.partition('events', 0).highWatermark).toBe(1);
  });

  it('acks=all does not answer until the fsync completes', async () => {
    holdSyncs = true;
    const pending = send('all');
    expect(await settle(pending)).toBe(false);
    expect(heldSyncs.length).toBeGreaterThan(0);
    holdSyncs = false;
    for (const release of heldSyncs.splice(0)) release();
    await expect(pending).resolves.toMatchObject({ baseOffset: 0, lastOffset: 0 });
    expect(broker.partition('events', 0).highWatermark).toBe(1);
  });

  it('acks=none answers at once without offsets', async () => {
    holdSyncs = true;
    await expect(send('none')).resolves.toMatchObject({ baseOffset: -1, lastOffset: -1 });
  });
});

describe('Partition long-poll waiters', () => {
  it('a fetch that gives up (client gone) leaves no waiter behind', async () => {
    const controller = new AbortController();
    const pending = fetch(
      broker,
      {
        topic: 'events',
        partition: 0,
        offset: 0,
        bytesMax: 0,
        waitMsMax: 30_000,
        bytesMin: 0,
        format: 'records',
      },
      controller.signal,
    );
    await settle(Promise.resolve());
    expect(broker.partition('events', 0).waiterCount).toBe(1);
    controller.abort();
    await expect(pending).resolves.toMatchObject({ records: [] });
    expect(broker.partition('events', 0).waiterCount).toBe(0);
  });

  it('a fetch woken by new data leaves no waiter behind', async () => {
    const pending = fetch(
      broker,
      {
        topic: 'events',
        partition: 0,
        offset: 0,
        bytesMax: 0,
        waitMsMax: 30_000,
        bytesMin: 0,
        format: 'records',
      },
      new AbortController().signal,
    );
    await settle(Promise.resolve());
    await send('all');
    const result = await pending;
    expect(result.records.map((record) => record.offset)).toEqual([0]);
    expect(broker.partition('events', 0).waiterCount).toBe(0);
  });
});
