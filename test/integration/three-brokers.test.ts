/**
 * Three brokers in one process on 127.0.0.1 (real gRPC peer transport, real controller, real
 * disks in a temporary directory), driven through raw gRPC stubs as any client would: a topic
 * of 3 partitions with replication factor 3 takes records on every partition; the leader of a
 * partition is closed; a produce through another broker is refused NOT_LEADER naming where to
 * go, the client follows, and everything acknowledged reads back from the new leaders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyConfig, DEFAULT_BROKER_CONFIG } from '../../src/server/config.js';
import { startBroker, type RunningBroker } from '../../src/server/run.js';
import {
  connectStubs,
  errorDetail,
  expectCallError,
  unary,
  type Stubs,
} from '../support/grpc-stubs.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const IDS = [1, 2, 3] as const;
const running = new Map<number, RunningBroker>();
const stubs = new Map<number, Stubs>();
let root: string;
let addresses: Map<number, string>;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stubsOf(id: number): Stubs {
  const found = stubs.get(id);
  if (found === undefined) throw new Error(`broker ${id} is not running`);
  return found;
}

/** Partition leaders as broker `via` reports them (GetMetadata), when all are known. */
async function leaders(via: number): Promise<number[] | undefined> {
  const metadata = await unary(stubsOf(via).data, 'GetMetadata', { topics: ['events'] });
  const found = metadata.topics[0]?.partitions.map((partition) => partition.leader) ?? [];
  return found.length === 3 && found.every((leader) => leader > 0 && running.has(leader))
    ? found
    : undefined;
}

function values(partition: number, from: number, count: number): { value: Buffer }[] {
  return Array.from({ length: count }, (_, index) => ({
    value: Buffer.from(`p${partition}-${from + index}`),
  }));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'brook-three-'));
  const ports = await Promise.all(IDS.map(() => freePort()));
  addresses = new Map(IDS.map((id, index) => [id, `127.0.0.1:${ports[index] ?? 0}`]));
  const peers = IDS.map((id) => `${id}@${addresses.get(id) ?? ''}`).join(',');
  const started = await Promise.all(
    IDS.map((id) =>
      startBroker(
        applyConfig(DEFAULT_BROKER_CONFIG, {
          id,
          dataDir: join(root, `broker-${id}`),
          listen: addresses.get(id),
          peers,
          logLevel: 'silent',
          shutdownTimeoutMs: 2_000,
        }),
      ),
    ),
  );
  started.forEach((broker, index) => {
    const id = IDS[index] ?? 0;
    running.set(id, broker);
    stubs.set(id, connectStubs(broker.address));
  });
  // Formed: every broker registered with the controller.
  await until('three registered brokers', async () => {
    const cluster = await unary(stubsOf(1).admin, 'DescribeCluster', {});
    return cluster.brokers.filter((broker) => broker.alive).length === 3 ? cluster : undefined;
  });
});

afterAll(async () => {
  for (const stub of stubs.values()) stub.close();
  await Promise.all([...running.values()].map((broker) => broker.stop()));
  rmSync(root, { recursive: true, force: true });
});

describe('three brokers in one process', () => {
  it('replicates, fails over after the leader closes, reroutes on NOT_LEADER, loses nothing', async () => {
    await unary(stubsOf(2).admin, 'CreateTopic', {
      name: 'events',
      partitions: 3,
      replicationFactor: 3,
    });
    const before = await until('a leader for every partition', () => leaders(1));
    for (const partition of [0, 1, 2]) {
      const produced = await unary(stubsOf(before[partition] ?? 0).data, 'Produce', {
        topic: 'events',
        partition,
        acks: 'ACKS_ALL',
        records: { records: values(partition, 0, 10) },
      });
      expect(produced.lastOffset - produced.baseOffset).toBe(9);
    }
    const described = await until('every replica in sync', async () => {
      const response = await unary(stubsOf(3).admin, 'DescribeTopic', { name: 'events' });
      const partitions = response.topic?.partitions ?? [];
      return partitions.every((p) => p.isr.length === 3) ? partitions : undefined;
    });
    expect(described.map((p) => [...p.replicas].sort())).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);

    // Close partition 0's leader; produce through another broker.
    const victim = before[0] ?? 0;
    await running.get(victim)?.stop();
    running.delete(victim);
    stubsOf(victim).close();
    stubs.delete(victim);
    const other = IDS.find((id) => id !== victim) ?? 0;
    const produceTo = (id: number) =>
      unary(stubsOf(id).data, 'Produce', {
        topic: 'events',
        partition: 0,
        acks: 'ACKS_ALL',
        records: { records: values(0, 10, 5) },
      });
    const after = await until('a new leader for partition 0', async () => {
      const found = await leaders(other);
      return found !== undefined && found[0] !== victim ? found : undefined;
    });
    const newLeader = after[0] ?? 0;
    const follower = IDS.find((id) => id !== victim && id !== newLeader) ?? 0;
    // A follower that has not yet heard from the new leader answers NOT_LEADER naming nobody
    // (leader-id -1); once it has, it names the new leader and where to reach it.
    const refused = await until('the follower to name the new leader', async () => {
      const error = await expectCallError(
        produceTo(follower),
        grpc.status.UNAVAILABLE,
        'NOT_LEADER',
      );
      return errorDetail(error, 'leader-id') === '-1' ? undefined : error;
    });
    expect(errorDetail(refused, 'leader-id')).toBe(String(newLeader));
    expect(errorDetail(refused, 'leader-address')).toBe(addresses.get(newLeader));
    const rerouted = await produceTo(newLeader);
    expect(rerouted.lastOffset - rerouted.baseOffset).toBe(4);

    for (const partition of [0, 1, 2]) {
      const leader = after[partition] ?? 0;
      const fetched = await unary(stubsOf(leader).data, 'Fetch', {
        topic: 'events',
        partition,
        offset: 0,
      });
      const expected = values(partition, 0, partition === 0 ? 15 : 10).map((record) =>
        record.value.toString(),
      );
      expect(fetched.records.map((record) => record.value?.toString())).toEqual(expected);
    }
  });
});
