/**
 * The replica manager across several brokers in one process (replica-cluster.ts): replicas
 * created from the metadata and their directories, leaders elected and batches replicated,
 * deletion, the reconcile at start (stale, unknown and interrupted directories), ISR by
 * lastCaughtUpTime, retention through compaction (a lagging follower then catches up by
 * snapshot), and reassignment through membership changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PARTITION_FILE } from '../../../src/cluster/partition-directory.js';
import { readChecksummedJson, writeChecksummedJson } from '../../../src/storage/atomic-file.js';
import { dataBatch } from '../replica/harness.js';
import { ReplicaCluster } from './replica-cluster.js';

let cluster: ReplicaCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function startCluster(ids: readonly number[]): Promise<ReplicaCluster> {
  cluster = new ReplicaCluster(ids);
  await cluster.start();
  return cluster;
}

/** Produces `count` one-record batches on the partition's leader; resolves once committed. */
async function produce(
  on: ReplicaCluster,
  topicId: string,
  count: number,
  valueBytes = 10,
  partition = 0,
): Promise<void> {
  const leader = on.leaderOf(topicId, partition);
  if (leader === null) throw new Error('no leader');
  const replica = on.broker(leader).manager.partition(topicId, partition)?.replica;
  if (replica === undefined) throw new Error('no replica');
  const commits = [];
  for (let index = 0; index < count; index++) {
    commits.push(replica.replicate(await dataBatch('v'.repeat(valueBytes))).committed);
  }
  await on.settle();
  await Promise.all(commits);
}

function logEnd(on: ReplicaCluster, broker: number, topicId: string, partition = 0): number {
  return (
    on.broker(broker).manager.partition(topicId, partition)?.replica.partitionLog.logEndOffset ?? -1
  );
}

describe('replica manager', () => {
  it('creates a replica per assigned partition, elects the preferred leader, replicates', async () => {
    const c = await startCluster([1, 2, 3]);
    c.metadata.createTopic('events', 'T1', [
      [1, 2, 3],
      [2, 3, 1],
    ]);
    await c.runUntil('leaders', () => c.leaderOf('T1', 0) !== null && c.leaderOf('T1', 1) !== null);
    expect(c.leaderOf('T1', 0)).toBe(1);
    expect(c.leaderOf('T1', 1)).toBe(2);
    for (const id of [1, 2, 3]) {
      const marker = await readChecksummedJson(
        c.broker(id).fs,
        `/data/topics/events/0/${PARTITION_FILE}`,
      );
      expect(marker).toMatchObject({ topicId: 'T1' });
    }
    await produce(c, 'T1', 5);
    await c.runUntil('followers caught up', () =>
      [1, 2, 3].every((id) => logEnd(c, id, 'T1') === logEnd(c, 1, 'T1')),
    );
    expect(logEnd(c, 3, 'T1')).toBeGreaterThanOrEqual(5);
  });

  it('reports the leader state: epoch, replicas, ISR by lastCaughtUpTime, offsets', async () => {
    const c = await startCluster([1, 2, 3]);
    c.metadata.createTopic('events', 'T1', [[1, 2, 3]]);
    await c.runUntil('leader', () => c.leaderOf('T1', 0) !== null);
    await produce(c, 'T1', 3);
    await c.run(500);
    const [state] = c.broker(1).manager.partitionStates();
    expect(state).toMatchObject({
      topicId: 'T1',
      topic: 'events',
      partition: 0,
      leader: 1,
      replicas: [1, 2, 3],
      isr: [1, 2, 3],
      logStartOffset: 0,
    });
    expect(state?.leaderEpoch).toBe(c.broker(1).manager.partition('T1', 0)?.replica.status().term);
    expect(state?.highWatermark).toBe(logEnd(c, 1, 'T1'));
    expect(state?.sizeBytes).toBeGreaterThan(0);
    expect(c.broker(2).manager.partitionStates()).toEqual([]);

    c.network.isolate(3);
    await produce(c, 'T1', 2);
    await c.run(5_000);
    expect(c.broker(1).manager.stateOf('T1', 0)?.isr).toEqual([1, 2, 3]);
    await c.run(6_000);
    expect(c.broker(1).manager.stateOf('T1', 0)?.isr).toEqual([1, 2]);
    c.network.heal(3);
    await c.runUntil('3 back in sync', () =>
      (c.broker(1).manager.stateOf('T1', 0)?.isr ?? []).includes(3 as never),
    );
  });

  it('closes replicas and removes directories of a deleted topic', async () => {
    const c = await startCluster([1, 2, 3]);
    c.metadata.createTopic('events', 'T1', [[1, 2, 3]]);
    await c.runUntil('leader', () => c.leaderOf('T1', 0) !== null);
    const hosted = c.broker(2).manager.partition('T1', 0);
    c.metadata.deleteTopic('events');
    await c.runUntil('replicas gone', () =>
      [1, 2, 3].every((id) => c.broker(id).manager.partition('T1', 0) === undefined),
    );
    expect(hosted?.closed).toBe(true);
    for (const id of [1, 2, 3]) {
      expect(await c.broker(id).fs.exists('/data/topics/events')).toBe(false);
    }
  });

  it('at start, removes stale and interrupted directories and keeps those the metadata has not seen', async () => {
    const c = await startCluster([1]);
    c.metadata.createTopic('events', 'OLD', [[1]]);
    await c.runUntil('leader', () => c.leaderOf('OLD', 0) !== null);
    await produce(c, 'OLD', 3);
    const { fs } = c.broker(1);
    await fs.makeDirectory('/data/topics/junk/0');
    await fs.makeDirectory('/data/topics/future/0');
    await writeChecksummedJson(fs, `/data/topics/future/0/${PARTITION_FILE}`, {
      topicId: 'FUTURE',
      createdAtMetadataOffset: 1_000,
    });
    await c.broker(1).manager.stop();
    // While the broker was down: the topic was deleted and created again under the same name.
    c.metadata.deleteTopic('events');
    c.metadata.createTopic('events', 'NEW', [[1]]);
    await c.restart(1);
    await c.runUntil('new leader', () => c.leaderOf('NEW', 0) !== null);
    const disk = c.broker(1).fs;
    expect(
      await readChecksummedJson(disk, `/data/topics/events/0/${PARTITION_FILE}`),
    ).toMatchObject({
      topicId: 'NEW',
    });
    expect(logEnd(c, 1, 'NEW')).toBe(0);
    expect(await disk.exists('/data/topics/junk')).toBe(false);
    expect(await disk.exists(`/data/topics/future/0/${PARTITION_FILE}`)).toBe(true);
  });

  it('applies retention through compaction; a follower behind the new log start catches up by snapshot', async () => {
    const c = await startCluster([1, 2, 3]);
    c.metadata.createTopic('events', 'T1', [[1, 2, 3]], {
      'segment.bytes': '1024',
      'retention.ms': '1000',
    });
    await c.runUntil('leader', () => c.leaderOf('T1', 0) !== null);
    c.network.isolate(3);
    await produce(c, 'T1', 8, 600);
    await c.run(2_000);
    const leaderLog = c.broker(1).manager.partition('T1', 0)?.replica.partitionLog;
    const segmentsBefore = leaderLog?.segmentCount ?? 0;
    expect(segmentsBefore).toBeGreaterThan(4);
    expect(await c.broker(1).manager.applyRetention()).toBe(segmentsBefore - 1);
    expect(await c.broker(2).manager.applyRetention()).toBeGreaterThan(0);
    const start = leaderLog?.logStartOffset ?? 0;
    expect(start).toBeGreaterThan(0);
    expect(c.broker(1).manager.partition('T1', 0)?.replica.status().snapshot.lastOffset).toBe(
      start - 1,
    );
    c.network.heal(3);
    await c.runUntil('3 caught up', () => logEnd(c, 3, 'T1') === logEnd(c, 1, 'T1'));
    const follower = c.broker(3).manager.partition('T1', 0)?.replica;
    expect(follower?.partitionLog.logStartOffset).toBe(start);
    expect(follower?.status().snapshot.lastOffset).toBe(start - 1);
  });

  it('moves a replica set online: learner, promotion, removal; the leaving replica is deleted', async () => {
    const c = await startCluster([1, 2, 3, 4]);
    c.metadata.createTopic('events', 'T1', [[1, 2, 3]]);
    await c.runUntil('leader', () => c.leaderOf('T1', 0) === 1);
    await produce(c, 'T1', 4);
    c.metadata.reassign('events', 0, [1, 2, 4]);
    const membership = () => c.broker(1).manager.partition('T1', 0)?.replica.status().membership;
    await c.runUntil('membership [1,2,4]', () => {
      const current = membership();
      return current?.voters.join() === '1,2,4' && current.learners.length === 0;
    });
    await c.runUntil(
      '3 removed its replica',
      () => c.broker(3).manager.partition('T1', 0) === undefined,
    );
    expect(await c.broker(3).fs.exists('/data/topics/events/0')).toBe(false);
    expect(logEnd(c, 4, 'T1')).toBe(logEnd(c, 1, 'T1'));

    // The leader leaves last: it hands leadership over, and the new leader removes it.
    c.metadata.reassign('events', 0, [2, 4, 3]);
    await c.runUntil(
      'membership [2,4,3]',
      () => {
        const leader = c.leaderOf('T1', 0);
        if (leader === null) return false;
        const current = c.broker(leader).manager.partition('T1', 0)?.replica.status().membership;
        return current?.voters.slice().sort().join() === '2,3,4' && current.learners.length === 0;
      },
      40_000,
    );
    expect(c.leaderOf('T1', 0)).not.toBe(1);
    await c.runUntil(
      '1 removed its replica',
      () => c.broker(1).manager.partition('T1', 0) === undefined,
    );
  });

  it('quiesces idle partitions: no Raft traffic, one liveness frame per peer; failover and produce still work', async () => {
    const c = await startCluster([1, 2, 3]);
    const partitions = Array.from({ length: 6 }, (_, index) =>
      [1, 2, 3].map((id) => ((id + index) % 3) + 1),
    );
    c.metadata.createTopic('idle', 'T1', partitions);
    await c.runUntil('leaders', () =>
      partitions.every((_, index) => c.leaderOf('T1', index) !== null),
    );
    await produce(c, 'T1', 3);
    await c.runUntil('all quiesced', () =>
      [1, 2, 3].every((id) =>
        c
          .broker(id)
          .manager.hostedPartitions()
          .every((hosted) => hosted.replica.isQuiesced()),
      ),
    );
    // Idle for 10 s: every group quiet, only liveness frames (3 brokers x 2 peers x 10 per s).
    const messagesBefore = c.network.delivered;
    const framesBefore = c.network.livenessFrames;
    const namedBefore = c.network.quiescedNamed;
    await c.run(10_000);
    expect(c.network.delivered - messagesBefore).toBe(0);
    expect(c.network.livenessFrames - framesBefore).toBeGreaterThanOrEqual(100);
    // Each group's leader names it to its 2 followers in every frame.
    expect(c.network.quiescedNamed - namedBefore).toBeGreaterThanOrEqual(
      ((c.network.livenessFrames - framesBefore) / 6) * 6 * 2 * 0.9,
    );
    // A follower's process restarts at once (a new incarnation, no silence): the groups it
    // shares with a quiesced leader wake, so that their heartbeats can find out what it lost.
    const led = (id: number) =>
      c
        .broker(id)
        .manager.hostedPartitions()
        .filter((hosted) => hosted.isLeader());
    const follower = c.leaderOf('T1', 0) === 1 ? 2 : 1;
    await c.restart(follower);
    await c.run(200);
    const others = [1, 2, 3].filter((id) => id !== follower);
    expect(others.flatMap(led).some((hosted) => !hosted.replica.isQuiesced())).toBe(true);
    await c.runUntil('all quiesced again', () =>
      [1, 2, 3].every((id) =>
        c
          .broker(id)
          .manager.hostedPartitions()
          .every((hosted) => hosted.replica.isQuiesced()),
      ),
    );
    // The leader's broker goes silent: its followers elect a new leader within a few election
    // timeouts (counted by the liveness signal as by heartbeats), with no data lost.
    const oldLeader = c.leaderOf('T1', 0) ?? -1;
    const end = logEnd(c, oldLeader, 'T1');
    c.network.isolate(oldLeader);
    await c.runUntil(
      'a new leader',
      () => {
        const leader = c.leaderOf('T1', 0);
        return leader !== null && leader !== oldLeader;
      },
      3_000,
    );
    // Produce wakes the group; the records commit on the new leader.
    await produce(c, 'T1', 2);
    const newLeader = c.leaderOf('T1', 0) ?? -1;
    expect(logEnd(c, newLeader, 'T1')).toBeGreaterThan(end);
    c.network.heal(oldLeader);
  });

  it('drops messages for groups it does not host', async () => {
    const c = await startCluster([1, 2, 3]);
    c.metadata.createTopic('events', 'T1', [[1, 2]]);
    await c.runUntil('leader', () => c.leaderOf('T1', 0) !== null);
    await c.run(500);
    expect(c.broker(3).manager.partition('T1', 0)).toBeUndefined();
    expect(c.broker(3).manager.undeliverable).toBe(0);
    c.broker(3).manager.deliver(
      'T1/0',
      {
        type: 'heartbeat',
        from: 1 as never,
        to: 3 as never,
        term: 1 as never,
        commit: -1 as never,
        readContext: null,
      },
      null,
    );
    expect(c.broker(3).manager.undeliverable).toBe(1);
  });
});
