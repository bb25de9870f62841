/**
 * Regression test; the bug it guards against (found in review, now fixed): checkProducedBatch does not look inside compressed batches. So the broker stores
 * (1) a compressed batch whose header claims more records than it holds: every reader that
 *     decodes it fails with CORRUPT_MESSAGE (retriable), so consumers are stuck at that offset
 *     forever (a poison pill written by any one client);
 * (2) a zstd "bomb": 16 KiB that inflate to 512 MiB. zstd/lz4 decompression in compression.ts
 *     allocates the whole output before checking decompressedBytesMax, and the broker
 *     decompresses stored batches for every records-format fetch/subscribe and for ListOffsets
 *     by timestamp, so a 1 MiB batch (~32 GiB inflated) takes the broker down.
 */
import { compress as zstdCompress } from '@mongodb-js/zstd';
import { describe, expect, it } from 'vitest';
import type { Broker } from '../../src/broker/broker.js';
import { fetch } from '../../src/broker/fetch.js';
import { produce } from '../../src/broker/produce.js';
import { Compression } from '../../src/protocol/compression.js';
import { crc32c } from '../../src/protocol/crc32c.js';
import { BrookError } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/protocol/record-batch.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { openMemoryBroker, type MemoryBroker } from '../support/memory-broker.js';
import { SeededRandom } from '../support/seeded-random.js';

const opened: MemoryBroker[] = [];

async function openBroker(): Promise<Broker> {
  const running = await openMemoryBroker({ fs: new MemoryFileSystem(new SeededRandom(1)) });
  opened.push(running);
  await running.broker.createTopic({ name: 'events', partitions: 1 });
  return running.broker;
}

async function closeAll(): Promise<void> {
  for (const running of opened.splice(0)) await running.stop();
}

/** Rewrites recordCount / lastOffsetDelta of a batch and fixes its CRC (what a client can do). */
function withRecordCount(batch: Buffer, count: number): Buffer {
  const copy = Buffer.from(batch);
  copy.writeInt32BE(count - 1, 23);
  copy.writeInt32BE(count, 57);
  copy.writeUInt32BE(crc32c(copy.subarray(21)), 17);
  return copy;
}

const produceBatch = (broker: Broker, batches: Buffer) =>
  produce(broker, { topic: 'events', partition: 0, acks: 'all', timeoutMs: 0, data: { batches } });

describe('regression: compressed batches are stored unchecked', () => {
  it('refuses a compressed batch whose header claims 3 records but holds 1', async () => {
    const broker = await openBroker();
    const one = await encodeBatch([{ value: Buffer.from('a') }], {
      defaultTimestamp: 1,
      compression: Compression.gzip,
    });
    const outcome = await produceBatch(broker, withRecordCount(one, 3)).then(
      () => 'accepted',
      (error: unknown) => (error instanceof BrookError ? error.code : String(error)),
    );
    if (outcome === 'accepted') {
      // Show the consequence: nobody can read past it.
      const read = await fetch(
        broker,
        {
          topic: 'events',
          partition: 0,
          offset: 0,
          bytesMax: 0,
          waitMsMax: 0,
          bytesMin: 0,
          format: 'records',
        },
        new AbortController().signal,
      ).then(
        () => 'readable',
        (error: unknown) => String(error),
      );
      expect.soft(read).toBe('readable');
    }
    expect(outcome).toBe('CORRUPT_MESSAGE');
    await closeAll();
  });

  it('refuses a zstd batch that inflates far beyond decompressedBytesMax', async () => {
    const broker = await openBroker();
    const plain = await encodeBatch([{ value: Buffer.from('a') }], { defaultTimestamp: 1 });
    // Replace the records section by a zstd frame of 512 MiB of zeros (about 16 KiB).
    const body = await zstdCompress(Buffer.alloc(512 * 1024 * 1024), 19);
    const header = Buffer.from(plain.subarray(0, 61));
    const bomb = Buffer.concat([header, body]);
    bomb.writeInt32BE(bomb.length - 12, 8);
    bomb.writeInt16BE(Compression.zstd, 21);
    bomb.writeUInt32BE(crc32c(bomb.subarray(21)), 17);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const outcome = await produceBatch(broker, bomb).then(
      () => 'accepted',
      (error: unknown) => String(error),
    );
    expect(outcome).not.toBe('accepted');
    await closeAll();
  });
});
