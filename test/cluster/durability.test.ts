/**
 * Replication at the byte level, on three real broker processes: a broker that was down while
 * about 50 MB were written (acks=all, to the two others) catches up after its restart and is
 * back in every ISR; once the cluster has settled and stopped cleanly, the three replicas of
 * every partition hold byte-identical logs up to the high watermark, read straight from their
 * segment files.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stopAllBrokers } from '../support/broker-process.js';
import { startCluster, waitFor, type Cluster } from '../support/cluster-process.js';
import { committedLogBytes } from './helpers.js';

// Real processes on a shared CPU: each test waits on elections, catch-up and timeouts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 });
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(cluster.logTails());
});

afterAll(async () => {
  await (cluster as Cluster | undefined)?.stop();
  await stopAllBrokers();
});

const TOPIC = 'bulk';
const PARTITIONS = 3;
const RECORD_BYTES = 1_000;
const RECORDS = 50_000;
const CHUNK = 500;

describe('replica catch-up and byte-identical replicas', () => {
  it('a broker restarted after 50 MB catches up, and replicas are byte-identical below the high watermark', async () => {
    const brook = cluster.client();
    // Small segments, so that the comparison spans several segment files.
    await brook.admin().createTopic(TOPIC, {
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'segment.bytes': String(4 * 1024 * 1024) },
    });
    await cluster.waitForFullIsr(TOPIC);

    const absent = 3;
    await cluster.kill9(absent);
    const producer = brook.producer({ lingerMs: 5, deliveryTimeoutMs: 120_000 });
    const payload = 'x'.repeat(RECORD_BYTES - 20);
    const sends: Promise<unknown>[] = [];
    for (let first = 0; first < RECORDS; first += CHUNK) {
      const records = Array.from({ length: CHUNK }, (_, index) => ({
        topic: TOPIC,
        partition: (first / CHUNK) % PARTITIONS,
        value: `${String(first + index).padStart(19, '0')}${payload}`,
      }));
      sends.push(producer.sendMany(records));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    await producer.close();
    // The leaders drop the absent broker from the ISR once it has lagged replicaLagTimeMs, so
    // that its return to the ISR below means it caught up.
    await cluster.waitForPartitions(
      TOPIC,
      `broker ${absent} out of the ISR`,
      (partition) => !partition.isr.includes(absent),
      60_000,
    );

    await cluster.restart(absent);
    const restartedMs = Date.now();
    await cluster.waitForPartitions(
      TOPIC,
      `broker ${absent} back in the ISR`,
      (partition) => partition.isr.includes(absent),
      90_000,
    );
    const catchUpMs = Date.now() - restartedMs;
    console.log(`broker ${absent} caught up on ~50 MB in ${catchUpMs} ms`);

    // Settled: every replica in sync and the high watermarks no longer move.
    const settled = await waitFor('high watermarks to settle', async () => {
      const first = await cluster.waitForFullIsr(TOPIC);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const second = await cluster.describeTopic(TOPIC);
      const marks = (description: typeof first): number[] =>
        description.partitions.map((partition) => partition.highWatermark);
      return JSON.stringify(marks(first)) === JSON.stringify(marks(second)) ? second : undefined;
    });
    const total = settled.partitions.reduce((sum, partition) => sum + partition.highWatermark, 0);
    expect(total).toBeGreaterThanOrEqual(RECORDS);

    await cluster.stopCleanly();
    for (const partition of settled.partitions) {
      const replicas = [...cluster.brokers.values()].map((broker) => ({
        id: broker.id,
        ...committedLogBytes(
          join(broker.dataDir, 'topics', TOPIC, String(partition.partition)),
          partition.highWatermark,
        ),
      }));
      const [reference, ...others] = replicas;
      expect(reference?.firstOffset).toBe(0);
      expect(reference?.endOffset).toBe(partition.highWatermark);
      expect(reference?.bytes.length).toBeGreaterThan((RECORDS / PARTITIONS) * RECORD_BYTES * 0.9);
      for (const replica of others) {
        expect(
          replica.endOffset,
          `broker ${replica.id} ends partition ${partition.partition} at another offset`,
        ).toBe(reference?.endOffset);
        expect(
          replica.bytes.equals(reference?.bytes ?? Buffer.alloc(0)),
          `broker ${replica.id}'s partition ${partition.partition} differs from broker ${reference?.id}'s`,
        ).toBe(true);
      }
    }
  });
});
