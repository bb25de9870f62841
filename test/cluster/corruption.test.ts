/**
 * Media damage on a stopped follower (issue 5, the corruption nemesis): bits flipped in the
 * middle of a sealed segment of one partition and a damaged raft-state file of another. The
 * restarted broker must find both through checksums, cut the damaged log, abstain from
 * elections (so it neither leads nor serves fetches) until its leader has repaired it, rejoin
 * the ISR, and end with segment files byte-identical to the leader's below the high watermark.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stopAllBrokers } from '../support/broker-process.js';
import { startCluster, waitFor, type Cluster } from '../support/cluster-process.js';
import { committedLogBytes } from './helpers.js';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3 });
}, 60_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(cluster.logTails());
});

afterAll(async () => {
  await (cluster as Cluster | undefined)?.stop();
  await stopAllBrokers();
});

const TOPIC = 'damaged';
const RECORDS = 600;

function partitionDirectory(dataDir: string, partition: number): string {
  return join(dataDir, 'topics', TOPIC, String(partition));
}

/** Flips every bit of a few bytes in the middle of the partition's first (sealed) segment. */
function flipBitsInFirstSegment(directory: string): string {
  const logs = readdirSync(directory)
    .filter((name) => name.endsWith('.log'))
    .sort();
  expect(logs.length, 'several segments, so that the first one is sealed').toBeGreaterThan(1);
  const file = join(directory, logs[0] ?? '');
  const bytes = readFileSync(file);
  const middle = Math.floor(bytes.length / 2);
  for (let index = middle; index < middle + 4; index++) bytes[index] = (bytes[index] ?? 0) ^ 0xff;
  writeFileSync(file, bytes);
  return file;
}

function damageRaftState(directory: string): void {
  const file = join(directory, 'raft-state');
  const bytes = readFileSync(file);
  bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0x55;
  writeFileSync(file, bytes);
}

describe('a follower with damaged files', () => {
  it('abstains until repaired from its leader, then matches it byte for byte', async () => {
    const brook = cluster.client();
    await brook.admin().createTopic(TOPIC, {
      partitions: 2,
      replicationFactor: 3,
      configs: { 'segment.bytes': String(16 * 1024) },
    });
    const described = await cluster.waitForFullIsr(TOPIC);
    const leaders = described.partitions.map((partition) => partition.leader);
    // A broker that leads neither partition.
    const victim = [1, 2, 3].find((id) => !leaders.includes(id)) ?? 3;

    const producer = brook.producer({ lingerMs: 2, acks: 'all' });
    const payload = 'v'.repeat(200);
    for (let first = 0; first < RECORDS; first += 50) {
      await producer.sendMany(
        Array.from({ length: 50 }, (_, index) => ({
          topic: TOPIC,
          partition: (first / 50) % 2,
          value: `${String(first + index).padStart(6, '0')}-${payload}`,
        })),
      );
    }
    await producer.close();
    await cluster.waitForFullIsr(TOPIC);

    await cluster.kill9(victim);
    const victimDir = cluster.brokers.get(victim)?.dataDir ?? '';
    const damagedFile = flipBitsInFirstSegment(partitionDirectory(victimDir, 0));
    damageRaftState(partitionDirectory(victimDir, 1));

    await cluster.restart(victim);
    // While it catches up, it never leads either partition.
    const caughtUp = waitFor(
      'the damaged broker to report it caught up twice',
      () => {
        const output = cluster.output(victim);
        const count = output.split('caught up after storage damage').length - 1;
        return Promise.resolve(count >= 2 ? true : undefined);
      },
      60_000,
    );
    let done = false;
    void caughtUp.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      const description = await cluster.describeTopic(TOPIC).catch(() => undefined);
      for (const partition of description?.partitions ?? []) {
        expect(partition.leader, `broker ${victim} leads a damaged partition`).not.toBe(victim);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await caughtUp;
    const output = cluster.output(victim);
    expect(output).toContain(damagedFile);
    expect(output).toContain('damaged record batch in a segment');
    expect(output).toContain('the Raft state file is damaged');
    expect(output).toContain('abstaining from elections');

    // Back in the ISR, and then identical to the leader below the high watermark. A describe
    // answered from the leader table can lag the leaders (just after a controller failover, the
    // new controller's table is its own stale copy until the leaders report), so the high
    // watermarks must also be what the leaders themselves answer.
    const settled = await waitFor('high watermarks to settle', async () => {
      const first = await cluster.waitForFullIsr(TOPIC, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await cluster.describeTopic(TOPIC);
      const latest = await brook.admin().listOffsets(TOPIC, 'latest');
      const marks = (description: typeof first): string =>
        JSON.stringify(description.partitions.map((partition) => partition.highWatermark));
      const fromLeaders = JSON.stringify(
        second.partitions.map(
          (partition) => latest.find((end) => end.partition === partition.partition)?.offset,
        ),
      );
      return marks(first) === marks(second) && marks(second) === fromLeaders ? second : undefined;
    });
    await cluster.stopCleanly();
    for (const partition of settled.partitions) {
      const replicas = [1, 2, 3].map((id) => ({
        id,
        ...committedLogBytes(
          partitionDirectory(cluster.brokers.get(id)?.dataDir ?? '', partition.partition),
          partition.highWatermark,
        ),
      }));
      const leader = replicas.find((replica) => replica.id === partition.leader);
      const damaged = replicas.find((replica) => replica.id === victim);
      expect(leader?.endOffset).toBe(partition.highWatermark);
      expect(leader?.bytes.length).toBeGreaterThan((RECORDS / 2) * 200);
      expect(damaged?.endOffset).toBe(leader?.endOffset);
      expect(
        damaged?.bytes.equals(leader?.bytes ?? Buffer.alloc(0)),
        `broker ${victim}'s partition ${partition.partition} differs from the leader's`,
      ).toBe(true);
    }
  });
});
