/**
 * Regression test; the bug it guards against (found in review, now fixed): a disk error during produce with acks=leader (or acks=all when the write itself fails)
 * leaves `appended.durable` rejected with no handler: an unhandled rejection, which kills a
 * Node 20 broker process (default --unhandled-rejections=throw) instead of taking one partition
 * offline as partition.ts promises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { produce } from '../../src/broker/produce.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { openMemoryBroker } from '../support/memory-broker.js';
import { SeededRandom } from '../support/seeded-random.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

describe('regression: produce on a failing disk', () => {
  for (const [acks, kind] of [
    ['leader', 'sync'],
    ['all', 'write'],
  ] as const) {
    it(`acks=${acks}, failing ${kind}: no unhandled rejection (it would kill the broker process)`, async () => {
      process.on('unhandledRejection', onUnhandled);
      unhandled.length = 0;
      const fs = new MemoryFileSystem(new SeededRandom(1));
      const running = await openMemoryBroker({ fs });
      const { broker } = running;
      await broker.createTopic({ name: 'events', partitions: 1 });
      // The partition's segment file (not the controller's log).
      fs.failOperation({ nth: 1, kinds: [kind], pathIncludes: '/topics/events/0/0000' });
      const outcome = await produce(broker, {
        topic: 'events',
        partition: 0,
        acks,
        timeoutMs: 0,
        data: { records: [{ value: Buffer.from('x') }] },
      }).then(
        () => 'ok',
        (error: unknown) => String(error),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      await running.stop();
      expect(outcome).toBeDefined();
      expect(unhandled.map(String)).toEqual([]);
    });
  }
});
