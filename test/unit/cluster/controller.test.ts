import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_TIMING } from '../../../src/cluster/types.js';
import { BrookError } from '../../../src/protocol/errors.js';
import { expectBrookError } from '../../support/expect-brook-error.js';
import { controllerHarness, flush, leadingHarness } from './controller-harness.js';
import { b, partitionState } from './fixtures.js';

const { brokerHeartbeatMs, brokerSessionTimeoutMs, leaderBalanceIntervalMs } =
  DEFAULT_CLUSTER_TIMING;

describe('Controller: leadership', () => {
  it('initialises the cluster id once, with the first leader', async () => {
    const h = controllerHarness();
    h.controller.start();
    await flush();
    expect(h.machine.clusterId).toBeNull(); // a follower does nothing
    h.replica.lead(1);
    await h.advance(100);
    expect(h.machine.clusterId).toBe('id-1');
    h.replica.follow(b(2), 2);
    await h.advance(100);
    h.replica.lead(3);
    await h.advance(100);
    expect(h.replica.commands('initCluster')).toHaveLength(1);
    expect(h.controller.isLeader()).toBe(true);
  });

  it('answers NOT_LEADER with the leader it knows, and stops its duties when deposed', async () => {
    const h = await leadingHarness();
    h.replica.follow(b(2), 2);
    await h.advance(100);
    expect(h.controller.isLeader()).toBe(false);
    const error = expectBrookError(
      () => h.controller.handleHeartbeat(h.heartbeat(3)),
      'NOT_LEADER',
    );
    expect(error.details['leader']).toBe('2');
    await expect(h.controller.createTopic(newTopic('a'))).rejects.toMatchObject({
      code: 'NOT_LEADER',
      details: { leader: '2' },
    });
    // No fencing while not leading, however long the silence.
    const proposed = h.replica.proposed.length;
    await h.advance(brokerSessionTimeoutMs * 2);
    expect(h.replica.proposed.length).toBe(proposed);
  });

  it('snapshots the controller log after enough applied entries', async () => {
    const h = await leadingHarness([1, 2, 3], { snapshotEntriesMin: 3 });
    await h.advance(100);
    expect(h.replica.compactions).toBe(1);
    expect(h.replica.snapshotAt).toBe(h.replica.applied);
  });
});

describe('Controller: broker registration and liveness', () => {
  it('registers brokers from their heartbeats and re-registers a new address', async () => {
    const h = await leadingHarness();
    expect(h.machine.brokers().map((broker) => broker.address)).toEqual([
      'h1:9092',
      'h2:9092',
      'h3:9092',
    ]);
    h.controller.handleHeartbeat(h.heartbeat(2, [], 'moved:9092'));
    await flush();
    expect(h.machine.broker(b(2))?.address).toBe('moved:9092');
    h.controller.handleHeartbeat(h.heartbeat(2, [], 'moved:9092'));
    await flush();
    expect(h.replica.commands('registerBroker')).toHaveLength(4);
  });

  it('adds a broker that is not a controller voter as a learner, once', async () => {
    const h = await leadingHarness();
    expect(h.replica.membershipChanges).toEqual([]);
    h.controller.handleHeartbeat(h.heartbeat(4));
    h.controller.handleHeartbeat(h.heartbeat(4));
    await flush();
    h.controller.handleHeartbeat(h.heartbeat(4));
    await flush();
    expect(h.replica.membershipChanges).toEqual([{ type: 'addLearner', node: 4 }]);
    expect(h.replica.membership.learners).toEqual([4]);
    expect(h.machine.broker(b(4))?.fenced).toBe(false);
  });

  it('fences a silent broker after the session timeout and unfences it when it returns', async () => {
    const h = await leadingHarness();
    for (let passed = 0; passed <= brokerSessionTimeoutMs + brokerHeartbeatMs;) {
      await h.advance(brokerHeartbeatMs);
      passed += brokerHeartbeatMs;
      h.controller.handleHeartbeat(h.heartbeat(1));
      h.controller.handleHeartbeat(h.heartbeat(2)); // 3 stays silent
    }
    await flush();
    expect(h.machine.brokers().map((broker) => [broker.id, broker.fenced])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(h.replica.commands('fenceBroker')).toHaveLength(1);
    h.controller.handleHeartbeat(h.heartbeat(3));
    await flush();
    expect(h.machine.broker(b(3))?.fenced).toBe(false);
  });

  it('gives every broker a full session after a leader change before fencing it', async () => {
    const h = await leadingHarness();
    h.replica.follow(b(2), 2);
    await h.advance(brokerSessionTimeoutMs * 2);
    h.replica.lead(3);
    await h.advance(brokerSessionTimeoutMs - brokerHeartbeatMs);
    expect(h.replica.commands('fenceBroker')).toEqual([]);
    await h.advance(3 * brokerHeartbeatMs);
    expect(h.replica.commands('fenceBroker')).toHaveLength(3);
  });

  it('reaches voters at their --peers address and other brokers where they registered', async () => {
    const h = await leadingHarness([1, 2, 3, 5]);
    expect(h.machine.broker(b(2))?.address).toBe('h2:9092');
    expect(h.controller.addressOf(b(2))).toBe('p2:9000');
    expect(h.controller.addressOf(b(5))).toBe('h5:9092');
    expect(h.controller.addressOf(b(9))).toBeNull();
  });

  it('refuses a broker of another cluster', async () => {
    const h = await leadingHarness();
    const heartbeat = { ...h.heartbeat(5), clusterId: 'someone-else' };
    const error = expectBrookError(
      () => h.controller.handleHeartbeat(heartbeat),
      'INVALID_REQUEST',
    );
    expect(error.message).toMatch(/belongs to cluster someone-else/);
  });
});

describe('Controller: the leader table through heartbeats', () => {
  it('answers each heartbeat with what changed since the version the broker saw', async () => {
    const h = await leadingHarness();
    const topic = await h.controller.createTopic(newTopic('orders', 2, 3));
    const id = topic.topicId;
    const states = [partitionState(id, 0, 2, { topic: 'orders' })];
    const first = h.controller.handleHeartbeat(h.heartbeat(2, states));
    expect(first.table.full).toBe(true);
    expect(first.table.changed.map((state) => state.partition)).toEqual([0]);
    const again = h.controller.handleHeartbeat({ ...h.heartbeat(2, states), seen: first.table });
    expect(again.table).toMatchObject({ full: false, changed: [], removed: [] });
    // Reports of unknown topics (a deleted one, say) are not taken.
    const stale = partitionState('deleted', 0, 3);
    const third = h.controller.handleHeartbeat({ ...h.heartbeat(3, [stale]), seen: again.table });
    expect(third.table.changed).toEqual([]);
    // Deleting the topic removes its entries.
    await h.controller.deleteTopic('orders');
    const fourth = h.controller.handleHeartbeat({ ...h.heartbeat(3), seen: third.table });
    expect(fourth.table.removed).toEqual([{ topicId: id, partition: 0 }]);
  });
});

describe('Controller: admin operations', () => {
  it('creates a topic placed across live brokers, answered from the applied state', async () => {
    const h = await leadingHarness();
    const topic = await h.controller.createTopic(
      newTopic('orders', 6, 3, { 'retention.ms': '1000' }),
    );
    expect(h.machine.topic('orders')).toBe(topic);
    expect(topic.partitions).toHaveLength(6);
    const leaders = topic.partitions.map((partition) => partition.replicas[0]);
    expect(new Set(leaders).size).toBe(3);
    expect(topic.configs).toEqual({ 'retention.ms': '1000' });
    expect(topic.createdAtMs).toBe(h.clock.nowMs());
  });

  it('refuses a replication factor above the live brokers, saying how many are live', async () => {
    const h = await leadingHarness([1, 2, 3]);
    await h.advance(brokerSessionTimeoutMs + brokerHeartbeatMs); // nobody heartbeats...
    h.controller.handleHeartbeat(h.heartbeat(1));
    h.controller.handleHeartbeat(h.heartbeat(2)); // ... 1 and 2 come back, 3 stays fenced
    await flush();
    const error = await rejection(h.controller.createTopic(newTopic('t', 1, 3)));
    expect(error.code).toBe('INVALID_REPLICATION_FACTOR');
    expect(error.message).toBe('replication factor 3 is larger than the 2 live brokers (1, 2)');
    const topic = await h.controller.createTopic(newTopic('t', 4, 2));
    expect(topic.partitions.every((p) => !p.replicas.includes(b(3)))).toBe(true);
  });

  it('after a leader change, places new replicas on the brokers it heard, not on a silent one', async () => {
    const h = await leadingHarness([1, 2, 3]);
    // Broker 3 dies as the controller moves: the new leader (term 3) never hears it, and it
    // stays unfenced for a whole session.
    h.replica.follow(b(2), 2);
    h.replica.lead(3);
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    h.controller.handleHeartbeat(h.heartbeat(1));
    h.controller.handleHeartbeat(h.heartbeat(2));
    let answered = false;
    const creating = h.controller.createTopic(newTopic('placed', 6, 2)).finally(() => {
      answered = true;
    });
    await flush();
    expect(answered).toBe(false); // waits to hear every unfenced broker, within a grace
    await h.advance(3 * brokerHeartbeatMs);
    const topic = await creating;
    expect(h.machine.broker(b(3))?.fenced).toBe(false);
    expect(topic.partitions.flatMap((p) => p.replicas)).not.toContain(b(3));
    // Too few heard brokers for the factor: it waits half a broker session from its start (a
    // late heartbeat may still come), then every live broker is a candidate, as in Kafka.
    let wideAnswered = false;
    const wide = h.controller.createTopic(newTopic('wide', 3, 3)).finally(() => {
      wideAnswered = true;
    });
    for (let waited = 0; waited < brokerSessionTimeoutMs / 2 - 4 * brokerHeartbeatMs;) {
      await h.advance(brokerHeartbeatMs);
      waited += brokerHeartbeatMs;
      h.controller.handleHeartbeat(h.heartbeat(1));
      h.controller.handleHeartbeat(h.heartbeat(2));
    }
    expect(wideAnswered).toBe(false);
    await h.advance(2 * brokerHeartbeatMs);
    expect(wideAnswered).toBe(true);
    expect((await wide).partitions.every((p) => p.replicas.includes(b(3)))).toBe(true);
  });

  it('after a leader change, waits past the grace for a late heartbeat when too few are heard', async () => {
    const h = await leadingHarness([1, 2, 3]);
    // Broker 3 died with the old leader; broker 2 lives but its heartbeat comes late (a slow
    // reconnect, a loaded machine). Only this broker (1) is heard within the grace.
    h.replica.follow(b(2), 2);
    h.replica.lead(3);
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    h.controller.handleHeartbeat(h.heartbeat(1));
    // Adding partitions to an unknown topic places nothing: refused at once, no wait.
    let refused = '';
    h.controller.createPartitions('nope', 3).catch((error: unknown) => {
      refused = error instanceof BrookError ? error.code : String(error);
    });
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    expect(refused).toBe('UNKNOWN_TOPIC');
    let answered = false;
    const creating = h.controller.createTopic(newTopic('late', 4, 2)).finally(() => {
      answered = true;
    });
    await h.advance(4 * brokerHeartbeatMs);
    expect(answered).toBe(false);
    h.controller.handleHeartbeat(h.heartbeat(1));
    h.controller.handleHeartbeat(h.heartbeat(2));
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs * 2);
    expect(answered).toBe(true);
    const replicas = (await creating).partitions.flatMap((p) => p.replicas);
    expect(replicas).not.toContain(b(3));
    expect(new Set(replicas)).toEqual(new Set([b(1), b(2)]));
  });

  it('on a cluster just formed, waits for the controller voters to register before placing', async () => {
    const h = controllerHarness();
    h.replica.lead(1);
    h.controller.start();
    await flush();
    // No broker registered yet: refusing RF 3 now would fail the first topic of every new
    // cluster created at once.
    let answered = false;
    const creating = h.controller.createTopic(newTopic('first', 3, 3)).finally(() => {
      answered = true;
    });
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    expect(answered).toBe(false);
    h.controller.handleHeartbeat(h.heartbeat(1));
    h.controller.handleHeartbeat(h.heartbeat(2));
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    expect(answered).toBe(false);
    h.controller.handleHeartbeat(h.heartbeat(3));
    // Within the grace of 3 heartbeat intervals: the registrations, not the grace, let it go.
    await h.advance(brokerHeartbeatMs);
    expect(answered).toBe(true);
    expect((await creating).partitions.every((p) => p.replicas.length === 3)).toBe(true);
  });

  it('places at once in a new session once every unfenced broker has been heard', async () => {
    const h = await leadingHarness([1, 2, 3]);
    h.replica.follow(b(2), 2);
    h.replica.lead(3);
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    let answered = false;
    const creating = h.controller.createTopic(newTopic('soon', 3, 3)).finally(() => {
      answered = true;
    });
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    expect(answered).toBe(false);
    for (const id of [1, 2, 3]) h.controller.handleHeartbeat(h.heartbeat(id));
    await h.advance(DEFAULT_CLUSTER_TIMING.tickMs);
    expect(answered).toBe(true);
    expect((await creating).partitions).toHaveLength(3);
  });

  it('validates names, counts and configs before proposing anything', async () => {
    const h = await leadingHarness();
    await h.controller.createTopic(newTopic('taken'));
    const proposed = h.replica.proposed.length;
    expect((await rejection(h.controller.createTopic(newTopic('bad name')))).code).toBe(
      'INVALID_TOPIC',
    );
    expect((await rejection(h.controller.createTopic(newTopic('taken')))).code).toBe(
      'TOPIC_ALREADY_EXISTS',
    );
    expect((await rejection(h.controller.createTopic(newTopic('n', -1)))).code).toBe(
      'INVALID_PARTITIONS',
    );
    expect(
      (await rejection(h.controller.createTopic(newTopic('n', 1, 1, { nope: '1' })))).code,
    ).toBe('INVALID_CONFIG');
    expect(h.replica.proposed.length).toBe(proposed);
  });

  it('uses the defaults for zero partitions and replication factor', async () => {
    const h = await leadingHarness();
    const topic = await h.controller.createTopic(newTopic('d', 0, 0));
    expect(topic.partitions).toHaveLength(1);
    expect(topic.replicationFactor).toBe(1);
  });

  it('runs operations one at a time, so a name is created only once', async () => {
    const h = await leadingHarness();
    const results = await Promise.allSettled([
      h.controller.createTopic(newTopic('race')),
      h.controller.createTopic(newTopic('race')),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(h.replica.commands('createTopic')).toHaveLength(1);
  });

  it('alters configs, adds partitions (never removes) and reassigns replicas', async () => {
    const h = await leadingHarness([1, 2, 3, 4]);
    await h.controller.createTopic(newTopic('t', 2, 2, { 'retention.ms': '5', 'segment.ms': '9' }));
    const altered = await h.controller.alterTopicConfig('t', { 'retention.ms': '7' }, [
      'segment.ms',
    ]);
    expect(altered.configs).toEqual({ 'retention.ms': '7' });
    expect(
      (await rejection(h.controller.alterTopicConfig('t', { 'segment.ms': '1' }, ['segment.ms'])))
        .code,
    ).toBe('INVALID_CONFIG');
    expect((await rejection(h.controller.alterTopicConfig('t', {}, ['nope']))).code).toBe(
      'INVALID_CONFIG',
    );
    const grown = await h.controller.createPartitions('t', 5);
    expect(grown.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    expect(grown.partitions.every((p) => new Set(p.replicas).size === 2)).toBe(true);
    expect((await rejection(h.controller.createPartitions('t', 5))).code).toBe(
      'INVALID_PARTITIONS',
    );
    const moved = await h.controller.reassignPartition('t', 1, [b(4), b(1), b(2)]);
    expect(moved.partitions[1]?.replicas).toEqual([4, 1, 2]);
    expect((await rejection(h.controller.reassignPartition('t', 9, [b(1)]))).code).toBe(
      'INVALID_PARTITION',
    );
    expect((await rejection(h.controller.reassignPartition('t', 0, [b(1), b(1)]))).code).toBe(
      'INVALID_REQUEST',
    );
    expect((await rejection(h.controller.reassignPartition('t', 0, [b(9)]))).code).toBe(
      'INVALID_REQUEST',
    );
    await h.controller.deleteTopic('t');
    expect(h.machine.topic('t')).toBeUndefined();
    expect((await rejection(h.controller.deleteTopic('t'))).code).toBe('UNKNOWN_TOPIC');
  });

  it('times out an operation whose command does not commit, keeping the queue in order', async () => {
    const h = await leadingHarness([1, 2, 3], { adminTimeoutMs: 1_000 });
    let release: () => void = () => undefined;
    h.replica.hold = new Promise((resolve) => (release = resolve));
    const pending = rejection(h.controller.createTopic(newTopic('slow')));
    await h.advance(1_100);
    expect((await pending).code).toBe('REQUEST_TIMED_OUT');
    // The first command still holds the queue: the next one waits for it, then validates.
    const next = rejection(h.controller.createTopic(newTopic('slow')));
    h.replica.hold = null;
    release();
    await flush();
    expect((await next).code).toBe('TOPIC_ALREADY_EXISTS');
    expect(h.machine.topic('slow')).toBeDefined();
  });

  it('describes the cluster: brokers, voters, offline and under-replicated partitions', async () => {
    const h = await leadingHarness();
    const topic = await h.controller.createTopic(newTopic('t', 3, 3));
    const id = topic.topicId;
    h.controller.handleHeartbeat(
      h.heartbeat(2, [
        partitionState(id, 0, 2, { topic: 't' }),
        partitionState(id, 1, 2, { topic: 't', isr: [b(2), b(3)] }),
      ]),
    );
    const description = await h.controller.describeCluster();
    expect(description).toMatchObject({
      clusterId: 'id-1',
      controllerId: 1,
      controllerVoters: [1, 2, 3],
      offlinePartitions: 1,
      underReplicatedPartitions: 1,
    });
    expect(description.brokers.map((broker) => broker.alive)).toEqual([true, true, true]);
  });
});

describe('Controller: preferred-leader balancing', () => {
  it('asks current leaders to hand partitions back to their preferred, in-sync replica', async () => {
    const h = await leadingHarness();
    const topic = await h.controller.createTopic(newTopic('t', 3, 3));
    const states = topic.partitions.map((assignment) => {
      const preferred = assignment.replicas[0] ?? b(0);
      const other = assignment.replicas[1] ?? b(0);
      return { preferred, other, partition: assignment.partition };
    });
    // Every partition is led by its second replica.
    for (const broker of [1, 2, 3]) {
      h.controller.handleHeartbeat(
        h.heartbeat(
          broker,
          states
            .filter((state) => state.other === b(broker))
            .map((state) => partitionState(topic.topicId, state.partition, broker, { topic: 't' })),
        ),
      );
    }
    await h.advance(leaderBalanceIntervalMs);
    const asked = [
      ...h.rpc.transfers.map((call) => ({
        partition: call.request.partition,
        to: call.request.target,
        via: call.address,
      })),
      ...h.leadership.transfers.map((call) => ({
        partition: call.partition,
        to: call.target,
        via: 'local',
      })),
    ].sort((x, y) => (x.partition ?? 0) - (y.partition ?? 0));
    expect(asked).toEqual(
      states.map((state) => ({
        partition: state.partition,
        to: state.preferred,
        via: state.other === b(1) ? 'local' : `p${state.other}:9000`,
      })),
    );
  });
});

function newTopic(
  name: string,
  partitions = 1,
  replicationFactor = 1,
  configs: Record<string, string> = {},
) {
  return { name, partitions, replicationFactor, configs };
}

async function rejection(promise: Promise<unknown>): Promise<BrookError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BrookError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}
