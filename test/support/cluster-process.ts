/**
 * Starts a cluster of real `brook broker start` processes on 127.0.0.1 (from dist/: build
 * first) for the tests of test/cluster: N brokers with ids 1..N on free ports, the first
 * `voters` of them named in `--peers`, each with a data directory of its own. `startCluster`
 * resolves once the controller has a leader and every broker answers metadata and knows every
 * other broker.
 *
 * Every process is started through broker-process.ts, which tracks it and kills it by PID when
 * the worker exits; `stop()` (call it in afterAll) kills whatever is left and removes the data.
 * Per broker: `kill9`, `stop` (SIGTERM, clean), `restart` (same id, port, data and peers).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Brook, type BrookOptions, type ClusterDescription } from '../../src/client/index.js';
import type { PartitionDescription, TopicDescription } from '../../src/client/index.js';
import {
  removeDirectory,
  startBroker,
  temporaryDirectory,
  type BrokerProcess,
} from './broker-process.js';

export interface ClusterOptions {
  /** Brokers (default 3). */
  readonly nodes?: number;
  /** How many of them (ids 1..voters) are controller voters (default: all). */
  readonly voters?: number;
  /** Extra flags for every broker. */
  readonly extraArgs?: readonly string[];
  /** Environment for every broker. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long forming may take (default 30 s). */
  readonly readyTimeoutMs?: number;
  /**
   * Directory for the brokers' data (made if missing; removed by `stop()`). Default: a new
   * temporary directory.
   */
  readonly root?: string;
}

/** One broker of the cluster; `process` is undefined while it is down. */
export interface ClusterBroker {
  readonly id: number;
  readonly address: string;
  readonly dataDir: string;
  process: BrokerProcess | undefined;
  /** What the earlier processes of this broker logged, kept after they are gone. */
  lastOutput: string;
}

const POLL_MS = 100;

/** `count` distinct free loopback ports (held open together, so none is handed out twice). */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    });
  } finally {
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadlineMs = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadlineMs) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export class Cluster {
  private readonly clients = new Set<Brook>();

  private constructor(
    readonly brokers: ReadonlyMap<number, ClusterBroker>,
    readonly peers: string,
    private readonly root: string,
    private readonly options: ClusterOptions,
  ) {}

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const nodes = options.nodes ?? 3;
    const voters = options.voters ?? nodes;
    const ports = await freePorts(nodes);
    const root = options.root ?? temporaryDirectory('brook-cluster-');
    mkdirSync(root, { recursive: true });
    const brokers = new Map<number, ClusterBroker>();
    ports.forEach((port, index) => {
      const id = index + 1;
      brokers.set(id, {
        id,
        address: `127.0.0.1:${port}`,
        dataDir: join(root, `broker-${id}`),
        process: undefined,
        lastOutput: '',
      });
    });
    const peers = [...brokers.values()]
      .slice(0, voters)
      .map((broker) => `${broker.id}@${broker.address}`)
      .join(',');
    const cluster = new Cluster(brokers, peers, root, options);
    try {
      await Promise.all([...brokers.keys()].map((id) => cluster.launch(id)));
      await cluster.waitUntilFormed(options.readyTimeoutMs ?? 30_000);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The flags broker `id` runs with. */
  argsOf(id: number): string[] {
    return ['--id', String(id), '--peers', this.peers, ...(this.options.extraArgs ?? [])];
  }

  private broker(id: number): ClusterBroker {
    const broker = this.brokers.get(id);
    if (broker === undefined) throw new Error(`no broker ${id} in this cluster`);
    return broker;
  }

  private async launch(id: number): Promise<void> {
    const broker = this.broker(id);
    broker.process = await startBroker({
      dataDir: broker.dataDir,
      listen: broker.address,
      extraArgs: this.argsOf(id),
      ...(this.options.env === undefined ? {} : { env: this.options.env }),
    });
  }

  get bootstrap(): string[] {
    return [...this.brokers.values()].map((broker) => broker.address);
  }

  /** Addresses of the brokers now running. */
  get running(): string[] {
    return [...this.brokers.values()]
      .filter((broker) => broker.process !== undefined)
      .map((broker) => broker.address);
  }

  /** A client bootstrapped from every broker; closed by `stop()`. */
  client(options: Partial<BrookOptions> = {}): Brook {
    const brook = new Brook({ bootstrap: this.bootstrap, clientId: 'cluster-test', ...options });
    this.clients.add(brook);
    return brook;
  }

  /** A short-lived client for one question to one broker (no retries). */
  private async ask<T>(address: string, question: (brook: Brook) => Promise<T>): Promise<T> {
    const brook = new Brook({
      bootstrap: [address],
      clientId: 'cluster-probe',
      requestTimeoutMs: 2_000,
      retry: { retries: 0 },
    });
    try {
      return await question(brook);
    } finally {
      await brook.close();
    }
  }

  /** The cluster as one running broker describes it. */
  describe(address = this.running[0] ?? ''): Promise<ClusterDescription> {
    return this.ask(address, (brook) => brook.admin().describeCluster());
  }

  /**
   * Waits until every running broker names the same controller leader and answers metadata
   * that lists every running broker.
   */
  async waitUntilFormed(timeoutMs = 30_000): Promise<number> {
    return waitFor(
      'the cluster to form',
      async () => {
        const expected = new Set(
          [...this.brokers.values()].filter((b) => b.process !== undefined).map((b) => b.id),
        );
        const controllers = new Set<number>();
        for (const address of this.running) {
          const cluster = await this.describe(address);
          if (cluster.controllerId < 0) return undefined;
          controllers.add(cluster.controllerId);
          const metadata = await this.ask(address, (brook) => brook.admin().metadata());
          const known = new Set(metadata.brokers.map((broker) => broker.id));
          if (![...expected].every((id) => known.has(id))) return undefined;
        }
        return controllers.size === 1 ? [...controllers][0] : undefined;
      },
      timeoutMs,
    );
  }

  /** The controller leader's id, once there is one. */
  controller(timeoutMs = 30_000): Promise<number> {
    return waitFor(
      'a controller leader',
      async () => {
        const { controllerId } = await this.describe();
        return controllerId >= 0 ? controllerId : undefined;
      },
      timeoutMs,
    );
  }

  /** The leader each running broker's metadata (GetMetadata) names for a partition. */
  async metadataLeaders(topic: string, partition: number): Promise<Map<number, number | string>> {
    const answers = new Map<number, number | string>();
    for (const broker of this.brokers.values()) {
      if (broker.process === undefined) continue;
      try {
        const metadata = await this.ask(broker.address, (brook) => brook.admin().metadata([topic]));
        const entry = metadata.topics[0]?.partitions.find((p) => p.partition === partition);
        answers.set(broker.id, entry?.leader ?? 'no such partition');
      } catch (error) {
        answers.set(broker.id, String(error));
      }
    }
    return answers;
  }

  /** Waits until every running broker's metadata names the same leader for the partition. */
  async waitForMetadataLeader(
    topic: string,
    partition: number,
    timeoutMs = 15_000,
  ): Promise<number> {
    let last = new Map<number, number | string>();
    return waitFor(
      `every broker's metadata to name a leader of ${topic}-${partition}`,
      async () => {
        last = await this.metadataLeaders(topic, partition);
        const leaders = new Set(last.values());
        const [leader] = leaders;
        return leaders.size === 1 && typeof leader === 'number' && leader >= 0 ? leader : undefined;
      },
      timeoutMs,
    ).catch((error: unknown) => {
      const seen = [...last].map(([id, leader]) => `broker ${id}: ${String(leader)}`).join(', ');
      throw new Error(`${String(error)}; last seen: ${seen}`);
    });
  }

  describeTopic(name: string, address = this.running[0] ?? ''): Promise<TopicDescription> {
    return this.ask(address, (brook) => brook.admin().describeTopic(name));
  }

  /** Waits until `check` holds for every partition of the topic; returns the description. */
  waitForPartitions(
    topic: string,
    what: string,
    check: (partition: PartitionDescription) => boolean,
    timeoutMs = 30_000,
  ): Promise<TopicDescription> {
    let last: TopicDescription | undefined;
    return waitFor(
      `${topic}: ${what}`,
      async () => {
        const description = await this.describeTopic(topic);
        last = description;
        return description.partitions.length > 0 && description.partitions.every(check)
          ? description
          : undefined;
      },
      timeoutMs,
    ).catch((error: unknown) => {
      const partitions = last?.partitions.map(
        (p) =>
          `${p.partition}: leader ${p.leader} replicas [${p.replicas.join(',')}] isr [${p.isr.join(',')}] hw ${p.highWatermark}`,
      );
      throw new Error(`${String(error)}; last seen:\n  ${(partitions ?? []).join('\n  ')}`);
    });
  }

  /** Waits until every partition has a leader and all its replicas in sync. */
  waitForFullIsr(topic: string, timeoutMs = 30_000): Promise<TopicDescription> {
    return this.waitForPartitions(
      topic,
      'every replica in sync',
      (partition) =>
        partition.leader >= 0 &&
        partition.isr.length === partition.replicas.length &&
        partition.replicas.every((id) => partition.isr.includes(id)),
      timeoutMs,
    );
  }

  /** The leader of a partition, once it has one (optionally other than `not`). */
  leaderOf(topic: string, partition: number, not?: number, timeoutMs = 30_000): Promise<number> {
    return waitFor(
      `a leader of ${topic}-${partition}${not === undefined ? '' : ` other than ${not}`}`,
      async () => {
        const description = await this.describeTopic(topic);
        const leader = description.partitions.find(
          (entry) => entry.partition === partition,
        )?.leader;
        return leader !== undefined && leader >= 0 && leader !== not ? leader : undefined;
      },
      timeoutMs,
    );
  }

  async kill9(id: number): Promise<void> {
    const broker = this.broker(id);
    await broker.process?.kill9();
    broker.lastOutput += broker.process?.output() ?? '';
    broker.process = undefined;
  }

  /** SIGTERM and wait (SIGKILL after `timeoutMs`); resolves with the exit code. */
  async stopBroker(id: number, timeoutMs = 15_000): Promise<number | null> {
    const broker = this.broker(id);
    const code = (await broker.process?.stop(timeoutMs)) ?? null;
    broker.lastOutput += broker.process?.output() ?? '';
    broker.process = undefined;
    return code;
  }

  /** Starts a stopped or killed broker again on its data, port and peers. */
  async restart(id: number): Promise<void> {
    const broker = this.broker(id);
    if (broker.process !== undefined) throw new Error(`broker ${id} is running`);
    await this.launch(id);
  }

  /** Everything broker `id` has logged, over all its processes. */
  output(id: number): string {
    const broker = this.broker(id);
    return broker.lastOutput + (broker.process?.output() ?? '');
  }

  /**
   * For a failing test's report: the last `lines` lines each broker logged, and where the
   * whole logs were saved (a directory that outlives the cluster).
   */
  logTails(lines = 40): string {
    const saved = mkdtempSync(join(tmpdir(), 'brook-cluster-logs-'));
    const tails = [...this.brokers.values()].map((broker) => {
      const output = broker.lastOutput + (broker.process?.output() ?? '');
      writeFileSync(join(saved, `broker-${broker.id}.log`), output);
      const tail = output.trimEnd().split('\n').slice(-lines).join('\n');
      return `--- broker ${broker.id} (${broker.process === undefined ? 'down' : 'running'}) ---\n${tail}`;
    });
    return `${tails.join('\n')}\n--- full logs in ${saved}`;
  }

  /** Closes clients, kills every broker still running, removes the data. Idempotent. */
  async stop(): Promise<void> {
    await Promise.all([...this.clients].map((brook) => brook.close()));
    this.clients.clear();
    await Promise.all(
      [...this.brokers.values()].map(async (broker) => {
        await broker.process?.kill9();
        broker.process = undefined;
      }),
    );
    removeDirectory(this.root);
  }

  /** Stops every broker cleanly (SIGTERM), keeping the data (e.g. to compare replica files). */
  async stopCleanly(): Promise<void> {
    await Promise.all([...this.clients].map((brook) => brook.close()));
    this.clients.clear();
    await Promise.all([...this.brokers.keys()].map((id) => this.stopBroker(id)));
  }
}

export function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  return Cluster.start(options);
}
