/**
 * The broker's data path over replicated partitions (three replica managers in one process,
 * test/unit/cluster/replica-cluster.ts): produce and fetch only on the leader, NOT_LEADER
 * elsewhere naming the leader and its address, an acks=all produce that no quorum acknowledges
 * answering NOT_ENOUGH_REPLICAS (never "not written"), and readers of a leader that lost its
 * leadership sent elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../../src/broker/broker.js';
import { fetch } from '../../../src/broker/fetch.js';
import { produce } from '../../../src/broker/produce.js';
import { DEFAULT_TOPIC_CONFIG } from '../../../src/broker/topic-config.js';
import type { ClusterAdmin } from '../../../src/cluster/types.js';
import { BrookError } from '../../../src/protocol/errors.js';
import { defaultLimits } from '../../../src/util/limits.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ReplicaCluster } from '../cluster/replica-cluster.js';

let cluster: ReplicaCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const noAdmin = new Proxy({} as ClusterAdmin, {
  get: () => () => Promise.reject(new BrookError('NOT_LEADER', 'not in this test')),
});

function brokerOf(c: ReplicaCluster, id: number): Broker {
  return new Broker({
    brokerId: id,
    clock: c.clock,
    logger: silentLogger,
    topicDefaults: DEFAULT_TOPIC_CONFIG,
    limits: { ...defaultLimits },
    autoCreateTopics: false,
    defaultPartitions: 1,
    defaultReplicationFactor: 1,
    metadata: c.metadata,
    admin: noAdmin,
    replicas: c.broker(id).manager,
    leaders: { get: (topicId, partition) => c.leaderState(topicId, partition) },
  });
}

async function started(): Promise<{ c: ReplicaCluster; leader: number; follower: number }> {
  const c = new ReplicaCluster([1, 2, 3]);
  cluster = c;
  await c.start();
  c.metadata.createTopic('events', 'T1', [[1, 2, 3]]);
  await c.runUntil('a leader', () => c.leaderOf('T1', 0) !== null);
  const leader = c.leaderOf('T1', 0) ?? 0;
  const follower = [1, 2, 3].find((id) => id !== leader) ?? 0;
  await c.run(200);
  return { c, leader, follower };
}

const send = (broker: Broker, acks: 'all' | 'leader' | 'none', timeoutMs = 0) =>
  produce(broker, {
    topic: 'events',
    partition: 0,
    acks,
    timeoutMs,
    data: { records: [{ value: Buffer.from('one') }, { value: Buffer.from('two') }] },
  });

const read = (
  broker: Broker,
  offset: number,
  waitMsMax = 0,
  signal = new AbortController().signal,
) =>
  fetch(
    broker,
    {
      topic: 'events',
      partition: 0,
      offset,
      bytesMax: 0,
      waitMsMax,
      bytesMin: 0,
      format: 'records',
    },
    signal,
  );

/** Runs simulated time until `promise` settles (at most 10 simulated seconds). */
async function settleWhile<T>(c: ReplicaCluster, promise: Promise<T>): Promise<T> {
  const state = { done: false };
  void promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  for (let round = 0; round < 200 && !state.done; round++) await c.run(50);
  return promise;
}

describe('the data path on replicated partitions', () => {
  it('produces and fetches on the leader; a follower answers NOT_LEADER naming the leader', async () => {
    const { c, leader, follower } = await started();
    const produced = await settleWhile(c, send(brokerOf(c, leader), 'all'));
    expect(produced.lastOffset - produced.baseOffset).toBe(1);
    const fetched = await read(brokerOf(c, leader), produced.baseOffset);
    expect(fetched.records.map((record) => record.value?.toString())).toEqual(['one', 'two']);
    expect(fetched.highWatermark).toBe(produced.lastOffset + 1);

    for (const attempt of [
      () => send(brokerOf(c, follower), 'all'),
      () => read(brokerOf(c, follower), 0),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BrookError);
      expect(error).toMatchObject({
        code: 'NOT_LEADER',
        details: { 'leader-id': String(leader), 'leader-address': `broker-${leader}:9092` },
      });
    }
  });

  it('answers NOT_ENOUGH_REPLICAS when no quorum acknowledges an acks=all produce in time', async () => {
    const { c, leader, follower } = await started();
    for (const id of [1, 2, 3]) if (id !== leader) c.network.isolate(id);
    const error = await send(brokerOf(c, leader), 'all', 300).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOT_ENOUGH_REPLICAS' });
    expect((error as Error).message).toMatch(
      /could not reach a quorum .* within 300 ms; .*may still commit/,
    );
    // acks=leader is answered once written on the leader.
    const written = await send(brokerOf(c, leader), 'leader');
    expect(written.baseOffset).toBeGreaterThan(0);
    expect(follower).not.toBe(leader);
  });

  it('ends a long poll with NOT_LEADER when its leader loses leadership', async () => {
    const { c, leader } = await started();
    // At the end of the log (after the leader's no-op): nothing to read yet.
    const end = c.broker(leader).manager.stateOf('T1', 0)?.highWatermark ?? 0;
    const polling = read(brokerOf(c, leader), end, 60_000).catch((caught: unknown) => caught);
    await c.settle();
    c.network.isolate(leader);
    // Check-quorum: the isolated leader steps down within an election timeout or two.
    const outcome = await settleWhile(c, polling);
    expect(outcome).toMatchObject({ code: 'NOT_LEADER' });
  });
});
