/**
 * Power loss on three real broker processes: started with BROOK_TEST_POWER_LOSS=1, each keeps
 * its unsynced writes in memory (runtime/power-loss-file-system.ts), so killing all three at
 * once with kill -9 drops every write not yet fsynced, as cutting the power would. While
 * records are produced with acks=all to one topic (and acks=leader traffic to another keeps
 * unsynced bytes around), every broker is killed at the same moment; after the restart, every
 * record that was acknowledged with acks=all must be there, once, at its acknowledged offset.
 *
 * The evidence that the fault took effect comes from the stats files the layer writes every
 * 100 ms: unsynced bytes were pending during the run and at the last snapshot before the kill.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PowerLossStats } from '../../src/runtime/power-loss-file-system.js';
import { stopAllBrokers } from '../support/broker-process.js';
import { startCluster, type Cluster } from '../support/cluster-process.js';
import { readAll } from './helpers.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const ACKED = 'acked';
const NOISE = 'noise';
const PARTITIONS = 3;
const CHUNK = 50;
/** acks=all records acknowledged before the kill (at least). */
const ACKED_RECORDS_MIN = 3_000;
const STATS_POLL_MS = 25;

let cluster: Cluster | undefined;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, env: { BROOK_TEST_POWER_LOSS: '1' } });
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(cluster?.logTails());
});

afterAll(async () => {
  await cluster?.stop();
  await stopAllBrokers();
});

function readStats(cluster: Cluster, id: number): PowerLossStats | undefined {
  const broker = cluster.brokers.get(id);
  if (broker === undefined) return undefined;
  try {
    return JSON.parse(
      readFileSync(join(broker.dataDir, 'power-loss-stats.json'), 'utf8'),
    ) as PowerLossStats;
  } catch {
    return undefined; // not written yet
  }
}

describe('power loss of the whole cluster', () => {
  it('keeps every acks=all record after all brokers lose their unsynced writes at once', async () => {
    if (cluster === undefined) throw new Error('no cluster');
    const nodes: Cluster = cluster;
    const ids = [...nodes.brokers.keys()];
    for (const id of ids) expect(nodes.output(id)).toContain('TEST ONLY: power-loss file layer');
    const brook = nodes.client();
    for (const topic of [ACKED, NOISE]) {
      await brook.admin().createTopic(topic, { partitions: PARTITIONS, replicationFactor: 3 });
    }
    await nodes.waitForFullIsr(ACKED);
    await nodes.waitForFullIsr(NOISE);

    // Unsynced bytes as sampled during the run, per broker.
    const sampledPendingMax = new Map<number, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const id of ids) {
          const stats = readStats(nodes, id);
          if (stats !== undefined) {
            sampledPendingMax.set(id, Math.max(sampledPendingMax.get(id) ?? 0, stats.pendingBytes));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, STATS_POLL_MS));
      }
    })();

    // Retries off: a record is sent in one request only, so it cannot be duplicated by the
    // client; a request that fails at the kill is indeterminate and not checked.
    const acked = new Map<string, { partition: number; offset: number }>();
    const indeterminate = new Set<string>();
    const reliable = brook.producer({ acks: 'all', lingerMs: 2, retry: { retries: 0 } });
    const leaderOnly = brook.producer({ acks: 'leader', lingerMs: 2, retry: { retries: 0 } });
    let producing = true;
    let sequence = 0;
    const produceAcked = async (): Promise<void> => {
      while (producing) {
        const values = Array.from({ length: CHUNK }, () => `v-${String(sequence++)}`);
        const records = values.map((value, index) => ({
          topic: ACKED,
          partition: index % PARTITIONS,
          value,
        }));
        try {
          const answers = await reliable.sendMany(records);
          answers.forEach((answer, index) => {
            acked.set(values[index] ?? '', { partition: answer.partition, offset: answer.offset });
          });
        } catch {
          for (const value of values) indeterminate.add(value);
        }
      }
    };
    let noiseAcked = 0;
    let noiseSent = 0;
    const noisePayload = 'n'.repeat(2_000);
    const produceNoise = async (): Promise<void> => {
      while (producing) {
        const records = Array.from({ length: CHUNK }, (_, index) => ({
          topic: NOISE,
          partition: index % PARTITIONS,
          value: noisePayload,
        }));
        noiseSent += records.length;
        try {
          const answers = await leaderOnly.sendMany(records);
          noiseAcked += answers.length; // not `+= await`: that reads the sum before waiting
        } catch {
          // indeterminate; acks=leader makes no durability promise anyway
        }
      }
    };
    const loops = [produceAcked(), produceAcked(), produceNoise(), produceNoise()];

    const startedMs = Date.now();
    while (acked.size < ACKED_RECORDS_MIN && Date.now() - startedMs < 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(acked.size).toBeGreaterThanOrEqual(ACKED_RECORDS_MIN);

    // Power loss: every broker at the same moment, with produce requests in flight.
    // No new requests after this turn; those in flight meet the kill.
    producing = false;
    await Promise.all(ids.map((id) => nodes.kill9(id)));
    await Promise.all(loops);
    sampling = false;
    await sampler;
    const atKill = new Map(ids.map((id) => [id, readStats(nodes, id)]));
    await reliable.close();
    await leaderOnly.close();

    const evidence = ids.map((id) => ({
      broker: id,
      sampledPendingBytesMax: sampledPendingMax.get(id) ?? 0,
      lastSnapshot: atKill.get(id),
    }));
    console.info(
      `power loss: ${acked.size} acks=all records acknowledged, ${indeterminate.size} indeterminate, ` +
        `${noiseAcked} acks=leader records acknowledged; stats per broker: ${JSON.stringify(evidence)}`,
    );
    // The fault took effect: unsynced bytes existed, and some were pending at the last snapshot
    // (at most 100 ms before the kill; index entries stay unsynced until their segment rolls).
    expect(evidence.some((entry) => (entry.lastSnapshot?.maxPendingBytes ?? 0) > 0)).toBe(true);
    expect(evidence.some((entry) => entry.sampledPendingBytesMax > 0)).toBe(true);
    expect(evidence.some((entry) => (entry.lastSnapshot?.pendingBytes ?? 0) > 0)).toBe(true);

    for (const id of ids) await nodes.restart(id);
    await nodes.waitUntilFormed();
    await nodes.waitForPartitions(ACKED, 'a leader', (partition) => partition.leader >= 0);

    const after = nodes.client();
    const records = await readAll(after, ACKED);
    const offsetsOf = new Map<string, { partition: number; offset: number }[]>();
    for (const record of records) {
      const seen = offsetsOf.get(record.value) ?? [];
      seen.push({ partition: record.partition, offset: record.offset });
      offsetsOf.set(record.value, seen);
    }
    const lost: string[] = [];
    const misplaced: string[] = [];
    for (const [value, where] of acked) {
      const found = offsetsOf.get(value);
      if (found === undefined) lost.push(`${value}@${where.partition}:${where.offset}`);
      else if (
        found.length !== 1 ||
        found[0]?.partition !== where.partition ||
        found[0].offset !== where.offset
      ) {
        misplaced.push(
          `${value}: acked ${where.partition}:${where.offset}, read ${JSON.stringify(found)}`,
        );
      }
    }
    const unexpected = records.filter(
      (record) => !acked.has(record.value) && !indeterminate.has(record.value),
    );
    const noiseEnds = await after.admin().listOffsets(NOISE, 'latest');
    const noiseAfter = noiseEnds.reduce((sum, end) => sum + end.offset, 0);
    console.info(
      `after restart: ${records.length} records read from ${ACKED}; ${NOISE}: ${noiseSent} sent, ` +
        `${noiseAcked} acknowledged (acks=leader), log end offsets sum to ${noiseAfter}`,
    );
    expect(lost.slice(0, 20)).toEqual([]);
    expect(misplaced.slice(0, 20)).toEqual([]);
    expect(unexpected.slice(0, 20)).toEqual([]);
  });
});
