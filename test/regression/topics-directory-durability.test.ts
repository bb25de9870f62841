/**
 * Regression test; the bug it guards against (found in review, now fixed): TopicStore.loadAll creates `<data>/topics` with makeDirectory and never fsyncs the data
 * directory (Broker.open syncs it only while writing meta.json, which happens before). On a
 * fresh broker, a topic created and written with acks=all can vanish with a power loss: every
 * fsync below `topics/` is made, but the entry of `topics` itself in `<data>` is not durable.
 * The in-memory file system models exactly this (see its header).
 */
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/broker/broker.js';
import { fetch } from '../../src/broker/fetch.js';
import { produce } from '../../src/broker/produce.js';
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

describe('regression: durability of the topics directory', () => {
  it('keeps an acknowledged record of a new broker across a power loss', async () => {
    const disk = new MemoryFileSystem(new SeededRandom(7));
    // The data directory itself exists durably (an operator made it long ago).
    await disk.makeDirectory('/data');
    await disk.syncDirectory('/');
    const broker = await open(disk);
    await broker.createTopic({ name: 'events', partitions: 1 });
    const acked = await produce(broker, {
      topic: 'events',
      partition: 0,
      acks: 'all',
      timeoutMs: 0,
      data: { records: [{ value: Buffer.from('acknowledged') }] },
    });
    expect(acked.baseOffset).toBe(0);
    const after = await open(disk.crash());
    expect(after.listTopics().map((topic) => topic.record.name)).toEqual(['events']);
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
  });
});
