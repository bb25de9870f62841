/**
 * Regression test; the bug it guarded against (found in review, fixed, then redesigned): a topic creation whose partition logs failed to open part-way (EMFILE
 * with many partitions: 3 descriptors per segment, kept open for the segment's life) left the
 * logs already opened open (descriptors leaked) and the topic on disk, so a permanent cause made
 * the broker fail at every start. Reproduced for real with `ulimit -n 256` and
 * `brook topic create wide --partitions 100`.
 *
 * Since topics live in the controller's log, creating a topic is a metadata change, and each
 * broker opens its partition replicas from it. The guarantees now: a replica that fails to open
 * is retried (not leaked, not fatal), the topic and its other partitions serve meanwhile, and a
 * restart with the same fault still starts the broker.
 */
import { describe, expect, it } from 'vitest';
import { produce } from '../../src/broker/produce.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { openMemoryBroker } from '../support/memory-broker.js';
import { SeededRandom } from '../support/seeded-random.js';

const produceTo = (broker: Parameters<typeof produce>[0], partition: number) =>
  produce(broker, {
    topic: 'wide',
    partition,
    acks: 'all',
    timeoutMs: 0,
    data: { records: [{ value: Buffer.from(`p${partition}`) }] },
  });

describe('regression: a partition replica that fails to open', () => {
  it('is retried; the topic serves meanwhile, and a restart with the fault still starts', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(3));
    const first = await openMemoryBroker({ fs });
    fs.failOperation({ nth: 1, kinds: ['open'], pathIncludes: '/wide/2/', code: 'EMFILE' });
    const created = await first.broker.createTopic({ name: 'wide', partitions: 4 });
    expect(created.partitions.map((partition) => partition.leader)).toEqual([1, 1, 1, 1]);
    for (const partition of [0, 1, 2, 3]) {
      expect((await produceTo(first.broker, partition)).baseOffset).toBe(0);
    }
    await first.stop();

    const disk = fs.restart();
    disk.failOperation({ nth: 1, kinds: ['open'], pathIncludes: '/wide/2/', code: 'EMFILE' });
    const second = await openMemoryBroker({ fs: disk });
    try {
      expect(second.broker.listTopics().map((topic) => topic.name)).toEqual(['wide']);
      expect((await produceTo(second.broker, 0)).baseOffset).toBe(1);
      // Partition 2 comes back on a retry of its failed open.
      let outcome: unknown;
      for (let attempt = 0; attempt < 100; attempt++) {
        outcome = await produceTo(second.broker, 2).catch((error: unknown) => error);
        if (!(outcome instanceof Error)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(outcome).toMatchObject({ baseOffset: 1 });
    } finally {
      await second.stop();
    }
  });
});
