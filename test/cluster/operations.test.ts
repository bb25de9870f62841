/**
 * Operating a cluster of four real broker processes (brokers 1-3 the controller voters,
 * broker 4 a non-voter that follows the metadata), through the `brook` CLI:
 *
 * - `brook cluster status` shows every broker alive, the controller leader among the voters,
 *   and no offline or under-replicated partitions;
 * - `brook partition reassign` moves a replica to the fourth broker online: the new replica
 *   catches up and joins the ISR, the old one leaves, and no record is lost;
 * - preferred-leader balancing gives a partition back to its preferred leader after that
 *   broker restarts;
 * - `brook topic delete` removes a topic from every broker (metadata and files), and the name
 *   can be used again;
 * - `brook topic alter --partitions` adds partitions (never removes any) and `--config`
 *   changes configuration that every broker then reports;
 * - a broker whose data directory belongs to another cluster refuses to join, saying so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isBrookError } from '../../src/client/index.js';
import { startBroker, stopAllBrokers, type BrokerProcess } from '../support/broker-process.js';
import { brookCli } from '../support/cli-process.js';
import { freePorts, startCluster, waitFor, type Cluster } from '../support/cluster-process.js';
import { readAll } from './helpers.js';

// Real processes on a shared CPU: each test waits on elections, catch-up and timeouts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 4, voters: 3 });
}, 90_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(cluster.logTails());
});

afterAll(async () => {
  await (cluster as Cluster | undefined)?.stop();
  await stopAllBrokers();
});

function cli(args: readonly string[], timeoutMs?: number) {
  return brookCli(args, {
    env: { BROOK_BOOTSTRAP: cluster.bootstrap.join(',') },
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

async function createTopic(name: string, partitions: number, replicationFactor = 3): Promise<void> {
  await cluster.client().admin().createTopic(name, { partitions, replicationFactor });
  await cluster.waitForFullIsr(name);
}

async function produce(topic: string, count: number, partition?: number): Promise<void> {
  const producer = cluster.client().producer({ lingerMs: 1 });
  await producer.sendMany(
    Array.from({ length: count }, (_, index) => ({
      topic,
      key: `k${index}`,
      value: `${topic}-${index}`,
      ...(partition === undefined ? {} : { partition }),
    })),
  );
  await producer.close();
}

describe('operating a four-broker cluster', () => {
  it('cluster status shows the brokers, the controller leader and partition health', async () => {
    await createTopic('status', 3);
    const json = await cli(['cluster', 'status', '--format', 'json']);
    expect(json.stderr).toBe('');
    const status = JSON.parse(json.stdout) as {
      clusterId: string;
      controllerId: number;
      controllerVoters: number[];
      brokers: { id: number; address: string; alive: boolean }[];
      offlinePartitions: number;
      underReplicatedPartitions: number;
    };
    expect(status.clusterId).not.toBe('');
    expect([...status.controllerVoters].sort()).toEqual([1, 2, 3]);
    expect(status.controllerVoters).toContain(status.controllerId);
    expect(status.brokers).toEqual(
      [...cluster.brokers.values()].map((broker) => ({
        id: broker.id,
        address: broker.address,
        alive: true,
      })),
    );
    expect(status.offlinePartitions).toBe(0);
    expect(status.underReplicatedPartitions).toBe(0);
    const text = await cli(['cluster', 'status']);
    expect(text.stdout).toContain(`controller: broker ${status.controllerId} (voters `);
    expect(text.stdout).toContain('partitions: 0 offline, 0 under-replicated');
  });

  it('reassigns a partition to another broker online, without losing a record', async () => {
    await createTopic('moving', 1);
    await produce('moving', 2_000);
    const before = (await cluster.describeTopic('moving')).partitions[0];
    const current = before?.replicas ?? [];
    const outsider = [1, 2, 3, 4].find((id) => !current.includes(id)) ?? -1;
    // Replace the last replica with the broker that has none (e.g. 1,2,3 -> 1,2,4).
    const target = [...current.slice(0, 2), outsider];
    const moved = await cli(
      [
        'partition',
        'reassign',
        'moving',
        '0',
        '--replicas',
        target.join(','),
        '--wait',
        '--timeout-ms',
        '60000',
      ],
      90_000,
    );
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    // --wait saw the new set in sync on the broker it asked; another broker's view follows
    // within a heartbeat (its leader table is refreshed by the controller's answers).
    const sorted = (ids: readonly number[]): string => [...ids].sort().join(',');
    const settled = await cluster.waitForPartitions(
      'moving',
      `replicas and ISR ${target.join(',')}`,
      (partition) =>
        sorted(partition.replicas) === sorted(target) && sorted(partition.isr) === sorted(target),
      10_000,
    );
    const after = settled.partitions[0];
    expect(after?.highWatermark).toBeGreaterThanOrEqual(2_000);
    // Every broker routes clients to the partition's leader, the one that left it too.
    expect(target).toContain(await cluster.waitForMetadataLeader('moving', 0));
    const records = await readAll(cluster.client(), 'moving');
    expect(new Set(records.map((record) => record.value)).size).toBe(2_000);
  });

  it('moves a leader back to its preferred replica after that broker returns', async () => {
    await createTopic('balanced', 1);
    // Let the balancer settle the leader first (it starts on whichever replica won the vote).
    const preferred = await waitFor('a stable leader', async () => {
      const first = await cluster.leaderOf('balanced', 0);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await cluster.leaderOf('balanced', 0);
      return first === second ? first : undefined;
    });
    await cluster.kill9(preferred);
    const standIn = await cluster.leaderOf('balanced', 0, preferred);
    expect(standIn).not.toBe(preferred);
    await cluster.restart(preferred);
    const back = await waitFor(
      `broker ${preferred} leading balanced-0 again`,
      async () => ((await cluster.leaderOf('balanced', 0)) === preferred ? true : undefined),
      45_000,
    );
    expect(back).toBe(true);
  });

  it('deletes a topic on every broker, files included, and the name can be reused', async () => {
    await createTopic('doomed', 3);
    await produce('doomed', 300);
    const deleted = await cli(['topic', 'delete', 'doomed']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted topic doomed\n' });
    for (const address of cluster.bootstrap) {
      await waitFor(`${address} to forget doomed`, async () => {
        try {
          await cluster.describeTopic('doomed', address);
          return undefined;
        } catch (error) {
          return isBrookError(error, 'UNKNOWN_TOPIC') ? true : undefined;
        }
      });
    }
    for (const broker of cluster.brokers.values()) {
      await waitFor(`broker ${broker.id} to remove the files of doomed`, () =>
        existsSync(join(broker.dataDir, 'topics', 'doomed')) ? undefined : true,
      );
    }
    await createTopic('doomed', 1);
    expect(await readAll(cluster.client(), 'doomed')).toEqual([]);
  });

  it('adds partitions with topic alter --partitions, never removes any, and alters configuration online', async () => {
    await createTopic('growing', 2);
    const grown = await cli(['topic', 'alter', 'growing', '--partitions', '5']);
    expect(grown.stderr).toBe('');
    expect(grown.code).toBe(0);
    const described = await cluster.waitForFullIsr('growing');
    expect(described.partitions.map((partition) => partition.partition)).toEqual([0, 1, 2, 3, 4]);
    for (const partition of described.partitions) expect(partition.replicas).toHaveLength(3);
    await produce('growing', 10, 4);
    const onNewPartition = (await readAll(cluster.client(), 'growing')).filter(
      (record) => record.partition === 4,
    );
    expect(onNewPartition.map((record) => record.value)).toEqual(
      Array.from({ length: 10 }, (_, index) => `growing-${index}`),
    );

    const shrink = await cli(['topic', 'alter', 'growing', '--partitions', '3']);
    expect(shrink.code).toBe(1);
    expect(shrink.stderr).toMatch(/^error: .*5 partitions/);

    const altered = await cli(['topic', 'alter', 'growing', '--config', 'retention.ms=3600000']);
    expect(altered.code).toBe(0);
    for (const address of cluster.bootstrap) {
      await waitFor(`${address} to report retention.ms=3600000`, async () => {
        const topic = await cluster.describeTopic('growing', address);
        const entry = topic.configs.find((config) => config.name === 'retention.ms');
        return entry?.value === '3600000' && !entry.isDefault ? true : undefined;
      });
    }
  });

  it('refuses a broker whose data belongs to another cluster, saying so', async () => {
    const other = await startCluster({ nodes: 1 });
    const foreignData = other.brokers.get(1)?.dataDir ?? '';
    let intruder: BrokerProcess | undefined;
    try {
      await other.stopCleanly();
      const [port] = await freePorts(1);
      const exited = startBroker({
        dataDir: foreignData,
        listen: `127.0.0.1:${port}`,
        extraArgs: ['--id', '5', '--peers', cluster.peers],
      }).then(
        async (started) => {
          // Started serving: it must still find out and stop.
          intruder = started;
          return waitFor(
            'the broker to refuse the cluster',
            () =>
              /another cluster|cluster id/i.test(started.output()) ? started.output() : undefined,
            30_000,
          );
        },
        (error: unknown) => String(error),
      );
      const output = await exited;
      expect(output).toMatch(/cluster/i);
      expect(output).toMatch(/another cluster|cluster id/i);
    } finally {
      await intruder?.kill9();
      await other.stop();
    }
  });
});
