/**
 * Regression test; the bug it guards against (found in review, now fixed): TopicStore.loadAll created `<data>/topics` with makeDirectory and never fsynced the data
 * directory. On a fresh broker, a topic created and written with acks=all could vanish with a
 * power loss: every fsync below `topics/` was made, but the entry of `topics` itself in `<data>`
 * was not durable. The in-memory file system models exactly this (see its header). Topics now
 * live in the controller's log (`<data>/controller`) and partition replicas under
 * `<data>/topics`: both must survive.
 */
import { describe, expect, it } from 'vitest';
import { fetch } from '../../src/broker/fetch.js';
import { produce } from '../../src/broker/produce.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { openMemoryBroker } from '../support/memory-broker.js';
import { SeededRandom } from '../support/seeded-random.js';

describe('regression: durability of the topics directory', () => {
  it('keeps an acknowledged record of a new broker across a power loss', async () => {
    const disk = new MemoryFileSystem(new SeededRandom(7));
    // The data directory itself exists durably (an operator made it long ago).
    await disk.makeDirectory('/data');
    await disk.syncDirectory('/');
    const first = await openMemoryBroker({ fs: disk });
    const broker = first.broker;
    await broker.createTopic({ name: 'events', partitions: 1 });
    const acked = await produce(broker, {
      topic: 'events',
      partition: 0,
      acks: 'all',
      timeoutMs: 0,
      data: { records: [{ value: Buffer.from('acknowledged') }] },
    });
    expect(acked.baseOffset).toBe(0);
    const afterCrash = await openMemoryBroker({ fs: disk.crash() });
    // The old process's view of the disk is dead: it can only be stopped.
    await first.stop();
    const after = afterCrash.broker;
    try {
      expect(after.listTopics().map((topic) => topic.name)).toEqual(['events']);
      const read = await fetch(
        after,
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
      );
      expect(read.records.map((record) => Buffer.from(record.value ?? []).toString())).toEqual([
        'acknowledged',
      ]);
    } finally {
      await afterCrash.stop();
    }
  });
});
