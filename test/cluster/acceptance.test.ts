/**
 * Issue 4's acceptance, on one cluster of three real broker processes (ids 1-3, every one a
 * controller voter), driven through the real `brook` CLI where the acceptance names a command
 * and through the client library where a program would produce and consume:
 *
 * 1. a topic of 6 partitions with replication factor 3 takes 10,000 records with acks=all;
 *    `brook topic describe --format json` shows 3 replicas and 3 in-sync replicas per
 *    partition, and leaders on more than one broker;
 * 2. kill -9 of partition 0's leader: producing goes on (client retries), every acknowledged
 *    record is read back at its offset exactly once, and the restarted broker is back in every
 *    ISR within 10 s;
 * 3. kill -9 of the controller leader: creating a topic still works;
 * 4. two of three brokers down: an acks=all produce fails within its timeout with a clear
 *    error, and once they are back everything acknowledged before is there.
 *
 * The tests run in order and share the cluster; each leaves every broker running.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RecordMetadata } from '../../src/client/index.js';
import { stopAllBrokers } from '../support/broker-process.js';
import { brookCli } from '../support/cli-process.js';
import { startCluster, waitFor, type Cluster } from '../support/cluster-process.js';
import { readAll, type ReadRecord } from './helpers.js';

// Real processes on a shared CPU: each test waits on elections, catch-up and timeouts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

interface DescribedPartition {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: number[];
  readonly isr: number[];
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

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

function cli(args: readonly string[], input?: string, timeoutMs?: number) {
  return brookCli(args, {
    env: { BROOK_BOOTSTRAP: cluster.bootstrap.join(',') },
    ...(input === undefined ? {} : { input }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

async function describeJson(topic: string): Promise<DescribedPartition[]> {
  const outcome = await cli(['topic', 'describe', topic, '--format', 'json']);
  if (outcome.code !== 0) throw new Error(`describe failed: ${outcome.stderr}`);
  return (JSON.parse(outcome.stdout) as { partitions: DescribedPartition[] }).partitions;
}

/** Every record acknowledged so far, by partition and offset. */
const acknowledged = new Map<string, string>();

function remember(results: readonly RecordMetadata[], values: readonly string[]): void {
  results.forEach((result, index) => {
    acknowledged.set(`${result.partition}/${result.offset}`, values[index] ?? '');
  });
}

/** Reads the whole topic and checks every acknowledged record is at its offset, once. */
async function expectEveryAcknowledgedRecord(topic: string): Promise<ReadRecord[]> {
  const records = await readAll(cluster.client(), topic);
  const byOffset = new Map<string, string>();
  for (const record of records) {
    const key = `${record.partition}/${record.offset}`;
    expect(byOffset.has(key), `offset ${key} read twice`).toBe(false);
    byOffset.set(key, record.value);
  }
  const missing = [...acknowledged].filter(([key, value]) => byOffset.get(key) !== value);
  expect(missing.slice(0, 5)).toEqual([]);
  return records;
}

describe('a three-broker cluster', () => {
  it('takes 10,000 acks=all records on 6 partitions of RF 3, all replicas in sync, leaders spread', async () => {
    const created = await cli([
      'topic',
      'create',
      'events',
      '--partitions',
      '6',
      '--replication-factor',
      '3',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = Array.from({ length: 10_000 }, (_, index) => `key-${index % 101}:value-${index}`);
    const produced = await cli(
      ['produce', 'events', '--acks', 'all', '--key-separator', ':'],
      `${lines.join('\n')}\n`,
    );
    expect(produced.stderr).toBe('produced 10000 records to events\n');
    expect(produced.code).toBe(0);

    // The high watermarks describe reports are what leaders last told the controller (every
    // broker heartbeat): wait until they cover the acknowledged records too.
    const partitions = await waitFor(
      '3 replicas and 3 in-sync replicas in every partition',
      async () => {
        const described = await describeJson('events');
        const total = described.reduce((sum, partition) => sum + partition.highWatermark, 0);
        return total >= 10_000 &&
          described.every(
            (partition) => partition.replicas.length === 3 && partition.isr.length === 3,
          )
          ? described
          : undefined;
      },
      15_000,
    );
    expect(partitions).toHaveLength(6);
    for (const partition of partitions) {
      expect([...partition.replicas].sort()).toEqual([1, 2, 3]);
      expect([...partition.isr].sort()).toEqual([1, 2, 3]);
      expect(partition.replicas).toContain(partition.leader);
      expect(partition.leaderEpoch).toBeGreaterThanOrEqual(0);
      expect(partition.logStartOffset).toBe(0);
    }
    expect(new Set(partitions.map((partition) => partition.leader)).size).toBeGreaterThan(1);
    // Offsets count the records and each partition's Raft control batches (a new leader's
    // first entry, configuration changes), which consumers skip.
    const total = partitions.reduce((sum, partition) => sum + partition.highWatermark, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);

    const records = await expectEveryAcknowledgedRecord('events');
    expect(new Set(records.map((record) => record.value)).size).toBe(10_000);
    // From now on these must survive every failure too.
    for (const record of records)
      acknowledged.set(`${record.partition}/${record.offset}`, record.value);
  });

  it('keeps producing through a kill -9 of partition 0 leader, loses nothing acknowledged, and the restarted broker rejoins every ISR within 10 s', async () => {
    const brook = cluster.client();
    const producer = brook.producer({ lingerMs: 2, deliveryTimeoutMs: 60_000 });
    const leader = await cluster.leaderOf('events', 0);
    const send = async (round: number): Promise<void> => {
      const values = Array.from({ length: 50 }, (_, index) => `round-${round}-${index}`);
      const results = await producer.sendMany(
        values.map((value, index) => ({
          topic: 'events',
          key: `key-${index}`,
          value,
          ...(index % 5 === 0 ? { partition: 0 } : {}),
        })),
      );
      remember(results, values);
    };
    for (let round = 0; round < 10; round++) await send(round);

    await cluster.kill9(leader);
    const killedMs = Date.now();
    // Producing goes on: every call succeeds (through retries), on partition 0 too.
    for (let round = 10; round < 40; round++) await send(round);
    const newLeader = await cluster.leaderOf('events', 0, leader);
    expect(newLeader).not.toBe(leader);
    expect(Date.now() - killedMs).toBeLessThan(30_000);
    // Its partitions' leaders drop it from their ISRs once it has lagged replicaLagTimeMs; its
    // return to every ISR then means it caught up.
    await cluster.waitForPartitions(
      'events',
      `broker ${leader} out of the ISR`,
      (partition) => !partition.isr.includes(leader),
      60_000,
    );

    await cluster.restart(leader);
    const restartedMs = Date.now();
    await cluster.waitForPartitions(
      'events',
      `broker ${leader} in the ISR`,
      (partition) => partition.isr.includes(leader),
      10_000,
    );
    expect(Date.now() - restartedMs).toBeLessThan(10_000);

    await expectEveryAcknowledgedRecord('events');
  });

  it('creates a topic after a kill -9 of the controller leader', async () => {
    const controller = await cluster.controller();
    await cluster.kill9(controller);
    try {
      const created = await cli(
        ['topic', 'create', 'after-controller', '--partitions', '3', '--replication-factor', '3'],
        undefined,
        60_000,
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const successor = await cluster.controller();
      expect(successor).not.toBe(controller);
      const described = await cluster.waitForPartitions(
        'after-controller',
        'a leader for every partition',
        (partition) => partition.leader >= 0 && partition.replicas.length === 3,
      );
      expect(described.partitions).toHaveLength(3);
      const producer = cluster.client().producer({ deliveryTimeoutMs: 30_000 });
      for (const partition of [0, 1, 2]) {
        const sent = await producer.send({ topic: 'after-controller', value: 'works', partition });
        expect(sent.offset).toBeGreaterThanOrEqual(0);
      }
    } finally {
      // Restarted even when the test fails, so that the next tests start with three brokers.
      await cluster.restart(controller);
      await cluster.waitUntilFormed();
    }
  });

  it('places the replicas of a topic created right after a controller failover on live brokers only', async () => {
    // A new controller leader has not heard from the old one: it must not count it as live.
    const controller = await cluster.controller();
    await cluster.kill9(controller);
    try {
      const created = await cli(
        ['topic', 'create', 'placed-live', '--partitions', '3', '--replication-factor', '2'],
        undefined,
        60_000,
      );
      expect(created.stderr).toBe('');
      const described = await cluster.waitForPartitions(
        'placed-live',
        'a leader for every partition',
        (partition) => partition.leader >= 0,
      );
      for (const partition of described.partitions) {
        expect(partition.replicas).not.toContain(controller);
      }
    } finally {
      await cluster.restart(controller);
      await cluster.waitUntilFormed();
    }
  });

  it('fails an acks=all produce within its timeout while two of three brokers are down, and keeps what was acknowledged', async () => {
    await cluster.waitForFullIsr('events');
    const [survivor, ...others] = [...cluster.brokers.keys()];
    for (const id of others) await cluster.kill9(id);

    const produced = await cli(
      ['produce', 'events', '--acks', 'all', '--partition', '0', '--timeout-ms', '5000'],
      'no quorum for this one\n',
      60_000,
    );
    expect(produced.code).toBe(1);
    expect(produced.stderr).toMatch(
      /^error: partition events-0 (could not reach a quorum of its replicas|had no reachable leader) within 5000 ms/,
    );
    expect(produced.stderr).toMatch(/NOT_ENOUGH_REPLICAS|REQUEST_TIMED_OUT|NOT_LEADER/);
    // Within its timeout (plus process start and the first metadata look-up), not a hang.
    expect(produced.elapsedMs).toBeLessThan(20_000);
    expect(survivor).toBeDefined();

    for (const id of others) await cluster.restart(id);
    await cluster.waitUntilFormed();
    await cluster.waitForFullIsr('events');
    await expectEveryAcknowledgedRecord('events');
  });
});
