/**
 * Regression test; the bug it guards against (found in review, now fixed): retention awaited every partition in turn without catching. One partition
 * that failed its disk (STORAGE_ERROR for good, by design) throws on every run, so retention
 * never reaches the partitions after it: the disk fills up. (A topic deleted during a run
 * does the same through PartitionLog's closed-log assertion.) Retention now runs in the
 * replica manager, through each replica's compaction.
 */
import { describe, expect, it } from 'vitest';
import { produce } from '../../src/broker/produce.js';
import { MemoryFileSystem } from '../support/memory-file-system.js';
import { openMemoryBroker } from '../support/memory-broker.js';
import { OffsetClock } from '../support/offset-clock.js';
import { SeededRandom } from '../support/seeded-random.js';

describe('regression: retention after one partition failed', () => {
  it('still applies retention to the healthy partitions', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(1));
    const clock = new OffsetClock();
    const running = await openMemoryBroker({ fs, clock });
    const { broker } = running;
    await broker.createTopic({ name: 'a-broken', partitions: 1 });
    await broker.createTopic({
      name: 'b-healthy',
      partitions: 1,
      configs: { 'segment.bytes': '1024', 'retention.ms': '1000' },
    });
    const send = (topic: string, acks: 'all' | 'leader') =>
      produce(broker, {
        topic,
        partition: 0,
        acks,
        timeoutMs: 0,
        data: { records: [{ value: Buffer.alloc(600) }] },
      });
    for (let index = 0; index < 5; index++) await send('b-healthy', 'all');
    fs.failOperation({ nth: 1, kinds: ['sync'], pathIncludes: 'a-broken' });
    await send('a-broken', 'all').catch(() => undefined);
    clock.advance(10 * 24 * 3600 * 1000);
    const before = broker.partition('b-healthy', 0).log.segmentCount;
    const deleted = await running.core.replicas
      .applyRetention()
      .catch((error: unknown) => String(error));
    expect(before).toBeGreaterThan(1);
    expect(deleted).toBe(before - 1);
    await running.stop();
  });
});
