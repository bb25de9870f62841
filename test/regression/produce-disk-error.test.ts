/**
 * Regression test; the bug it guards against (found in review, now fixed): a disk error during produce with acks=leader (or acks=all when the write itself fails)
 * leaves `appended.durable` rejected with no handler: an unhandled rejection, which kills a
 * Node 20 broker process (default --unhandled-rejections=throw) instead of taking one partition
 * offline as partition.ts promises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { produce } from '../../src/broker/produce.js';
import { DEFAULT_TOPIC_CONFIG } from '../../src/broker/topic-config.js';
import { defaultLimits } from '../../src/util/limits.js';
import { silentLogger } from '../../src/util/ports.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { SeededRandom } from '../support/seeded-random.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

async function openBroker(fs: MemoryFileSystem): Promise<Broker> {
  let next = 0;
  return Broker.open({
    brokerId: 1,
    dataDirectory: '/data',
    fs,
    clock: new ManualClock(),
    logger: silentLogger,
    newId: () => `id-${next++}`,
    topicDefaults: DEFAULT_TOPIC_CONFIG,
    limits: { ...defaultLimits },
    autoCreateTopics: false,
    defaultPartitions: 1,
  });
}

describe('regression: produce on a failing disk', () => {
  for (const [acks, kind] of [
    ['leader', 'sync'],
    ['all', 'write'],
  ] as const) {
    it(`acks=${acks}, failing ${kind}: no unhandled rejection (it would kill the broker process)`, async () => {
      process.on('unhandledRejection', onUnhandled);
      unhandled.length = 0;
      const fs = new MemoryFileSystem(new SeededRandom(1));
      const broker = await openBroker(fs);
      await broker.createTopic({ name: 'events', partitions: 1 });
      fs.failOperation({ nth: 1, kinds: [kind], pathIncludes: '.log' });
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
      expect(outcome).toBeDefined();
      expect(unhandled.map(String)).toEqual([]);
    });
  }
});
