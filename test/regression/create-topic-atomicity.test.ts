/**
 * Regression test; the bug it guards against (found in review, now fixed): Broker.createTopic saves topic.json first, then opens the partition logs. When an
 * open fails part-way (EMFILE with many partitions: 3 descriptors per segment, kept open for
 * the segment's life), the call fails, the topic is not served, the logs already opened stay
 * open (descriptors leak), and topic.json stays on disk: the next start opens the topic again,
 * so a permanent cause (EMFILE) makes the broker fail at every start. Reproduced for real with
 * `ulimit -n 256` and `brook topic create wide --partitions 100`.
 */
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { DEFAULT_TOPIC_CONFIG } from '../../src/broker/topic-config.js';
import { defaultLimits } from '../../src/util/limits.js';
import { silentLogger } from '../../src/util/ports.js';
import { ManualClock } from '../support/manual-clock.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { SeededRandom } from '../support/seeded-random.js';

function open(fs: MemoryFileSystem): Promise<Broker> {
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

describe('regression: a failed topic creation', () => {
  it('leaves nothing behind that a restart would bring back', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(3));
    const broker = await open(fs);
    fs.failOperation({ nth: 1, kinds: ['open'], pathIncludes: '/wide/2/', code: 'EMFILE' });
    const created = await broker.createTopic({ name: 'wide', partitions: 4 }).then(
      () => 'created',
      (error: unknown) => String(error),
    );
    expect(created).toMatch(/EMFILE/);
    expect(broker.listTopics().map((topic) => topic.record.name)).toEqual([]);
    const restarted = await open(fs.restart());
    expect(restarted.listTopics().map((topic) => topic.record.name)).toEqual([]);
  });
});
