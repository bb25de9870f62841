/**
 * The chaos harness's cluster: 3 or 5 real `brook broker start` processes on 127.0.0.1 whose
 * every link passes through a LinkProxy (proxy.ts):
 *
 *   - one proxy per ordered pair of brokers, link(A→B), targeting B's listener: broker A's
 *     `--peers` names B at link(A→B)'s address, so all Raft traffic A sends to B (controller and
 *     partition groups alike: voters are reached at their `--peers` address first) crosses it;
 *   - one client proxy per broker, targeting its listener, advertised as the broker's address
 *     (`--advertised-address`), so clients that learn brokers from metadata go through it.
 *
 * Every broker is a controller voter, so its heartbeats to the controller leader, forwarded
 * admin requests and leadership transfers (sent to a voter's `--peers` address) cross the link
 * proxies too: a partition cuts them along with the Raft traffic.
 *
 * Processes are started through test/support/broker-process.ts, which kills them by PID when
 * this process exits; `destroy()` kills whatever is left (SIGCONT first for paused ones).
 */
import { join } from 'node:path';
import { Brook, type TopicDescription } from '../../src/client/index.js';
import { startBroker, type BrokerProcess } from '../support/broker-process.js';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { LinkProxy } from './proxy.js';

export interface ChaosBroker {
  readonly id: number;
  /** Where the broker listens (only the proxies connect here). */
  readonly listen: string;
  readonly dataDir: string;
  readonly clientProxy: LinkProxy;
  process: BrokerProcess | undefined;
  paused: boolean;
  /** What earlier processes of this broker logged. */
  lastOutput: string;
}

export interface ChaosClusterOptions {
  readonly brokers: number;
  readonly root: string;
  readonly random: () => number;
  readonly env?: Readonly<Record<string, string>>;
}

const PROBE_TIMEOUT_MS = 2_000;
const POLL_MS = 200;

export class ChaosCluster {
  /** link(from→to), keyed `${from}>${to}`. */
  readonly links = new Map<string, LinkProxy>();
  readonly brokers = new Map<number, ChaosBroker>();

  private constructor(private readonly options: ChaosClusterOptions) {}

  static async start(options: ChaosClusterOptions): Promise<ChaosCluster> {
    const cluster = new ChaosCluster(options);
    try {
      await cluster.build();
      await Promise.all([...cluster.brokers.keys()].map((id) => cluster.launch(id)));
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
    return cluster;
  }

  private async build(): Promise<void> {
    const count = this.options.brokers;
    const ports = await listenPorts(count);
    for (let index = 0; index < count; index++) {
      const id = index + 1;
      const listen = `127.0.0.1:${ports[index] ?? 0}`;
      const clientProxy = await LinkProxy.start(listen, this.options.random);
      this.brokers.set(id, {
        id,
        listen,
        dataDir: join(this.options.root, `broker-${id}`),
        clientProxy,
        process: undefined,
        paused: false,
        lastOutput: '',
      });
    }
    for (const from of this.brokers.values()) {
      for (const to of this.brokers.values()) {
        if (from.id === to.id) continue;
        this.links.set(
          `${from.id}>${to.id}`,
          await LinkProxy.start(to.listen, this.options.random),
        );
      }
    }
  }

  get ids(): number[] {
    return [...this.brokers.keys()];
  }

  broker(id: number): ChaosBroker {
    const broker = this.brokers.get(id);
    if (broker === undefined) throw new Error(`no broker ${id}`);
    return broker;
  }

  link(from: number, to: number): LinkProxy {
    const link = this.links.get(`${from}>${to}`);
    if (link === undefined) throw new Error(`no link ${from}→${to}`);
    return link;
  }

  /** Client-facing addresses (the client proxies). */
  get bootstrap(): string[] {
    return [...this.brokers.values()].map((broker) => broker.clientProxy.address);
  }

  /** The flags broker `id` runs with: its peers as seen through its own links. */
  argsOf(id: number): string[] {
    const peers = [...this.brokers.values()]
      .map((peer) =>
        peer.id === id
          ? `${peer.id}@${peer.clientProxy.address}`
          : `${peer.id}@${this.link(id, peer.id).address}`,
      )
      .join(',');
    const self = this.broker(id);
    return ['--id', String(id), '--peers', peers, '--advertised-address', self.clientProxy.address];
  }

  private async launch(id: number): Promise<void> {
    const broker = this.broker(id);
    broker.process = await startBroker({
      dataDir: broker.dataDir,
      listen: broker.listen,
      extraArgs: this.argsOf(id),
      readyTimeoutMs: 30_000,
      ...(this.options.env === undefined ? {} : { env: this.options.env }),
    });
    broker.paused = false;
  }

  isRunning(id: number): boolean {
    return this.broker(id).process !== undefined;
  }

  async kill9(id: number): Promise<void> {
    const broker = this.broker(id);
    const child = broker.process;
    if (child === undefined) return;
    const waited = child.kill9();
    if (broker.paused) signal(child.pid, 'SIGCONT');
    await waited;
    broker.lastOutput += child.output();
    broker.process = undefined;
    broker.paused = false;
  }

  async restart(id: number): Promise<void> {
    if (this.isRunning(id)) return;
    await this.launch(id);
  }

  pause(id: number): void {
    const broker = this.broker(id);
    if (broker.process === undefined || broker.paused) return;
    signal(broker.process.pid, 'SIGSTOP');
    broker.paused = true;
  }

  resume(id: number): void {
    const broker = this.broker(id);
    if (broker.process === undefined || !broker.paused) return;
    signal(broker.process.pid, 'SIGCONT');
    broker.paused = false;
  }

  /** Heals every link and client proxy. */
  healNetwork(): void {
    for (const link of this.links.values()) link.heal();
    for (const broker of this.brokers.values()) broker.clientProxy.heal();
  }

  /** Everything heals: network, paused and dead brokers. */
  async healAll(): Promise<void> {
    this.healNetwork();
    for (const id of this.ids) this.resume(id);
    for (const id of this.ids) await this.restart(id);
  }

  /** A short-lived client (no retries) for one question. */
  async ask<T>(question: (brook: Brook) => Promise<T>, bootstrap = this.bootstrap): Promise<T> {
    const brook = new Brook({
      bootstrap,
      clientId: 'chaos-probe',
      requestTimeoutMs: PROBE_TIMEOUT_MS,
      retry: { retries: 0 },
    });
    try {
      return await question(brook);
    } finally {
      await brook.close();
    }
  }

  describeTopic(topic: string): Promise<TopicDescription> {
    return this.ask((brook) => brook.admin().describeTopic(topic));
  }

  /** Waits until every broker answers and names one controller leader that knows them all. */
  async waitUntilFormed(timeoutMs: number): Promise<void> {
    await waitUntil(
      'the cluster to form',
      async () => {
        const leaders = new Set<number>();
        for (const broker of this.brokers.values()) {
          const cluster = await this.ask(
            (brook) => brook.admin().describeCluster(),
            [broker.clientProxy.address],
          );
          if (cluster.controllerId < 0) return false;
          if (cluster.brokers.length < this.brokers.size) return false;
          leaders.add(cluster.controllerId);
        }
        return leaders.size === 1;
      },
      timeoutMs,
    );
  }

  /** Waits until every partition of `topics` has a leader and its whole replica set in sync. */
  async waitForFullIsr(topics: readonly string[], timeoutMs: number): Promise<void> {
    let last = '';
    await waitUntil(
      `every replica of ${topics.join(', ')} in sync`,
      async () => {
        for (const topic of topics) {
          const description = await this.describeTopic(topic);
          last = describePartitions(description);
          const full = description.partitions.every(
            (p) => p.leader >= 0 && p.replicas.every((id) => p.isr.includes(id)),
          );
          if (!full || description.partitions.length === 0) return false;
        }
        return true;
      },
      timeoutMs,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; last seen: ${last}`);
    });
  }

  /** Everything each broker logged, over all its processes. */
  output(id: number): string {
    const broker = this.broker(id);
    return broker.lastOutput + (broker.process?.output() ?? '');
  }

  /** SIGTERM every broker and wait (clean shutdown keeps the data for inspection). */
  async stopCleanly(timeoutMs = 15_000): Promise<void> {
    for (const id of this.ids) this.resume(id);
    await Promise.all(
      [...this.brokers.values()].map(async (broker) => {
        const child = broker.process;
        if (child === undefined) return;
        await child.stop(timeoutMs);
        broker.lastOutput += child.output();
        broker.process = undefined;
      }),
    );
  }

  /** Kills every broker still running (by PID) and closes every proxy. Idempotent. */
  async destroy(): Promise<void> {
    await Promise.all(this.ids.map((id) => this.kill9(id)));
    await Promise.all([...this.links.values()].map((link) => link.close()));
    await Promise.all([...this.brokers.values()].map((broker) => broker.clientProxy.close()));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/**
 * Free ports for the brokers' listeners, below Linux's ephemeral range (32768-60999): the
 * proxies listen on ephemeral ports, and one of them could otherwise take a port chosen for a
 * broker before the broker binds it (EADDRINUSE at start, seen in a 5-broker run).
 */
async function listenPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count && attempt < 1000; attempt++) {
    // Not from the run's seeded stream: which ports are free is not part of the schedule.
    const port = randomInt(20_000, 32_000);
    if (ports.includes(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) ports.push(port);
  }
  if (ports.length < count) throw new Error(`found only ${ports.length} free ports below 32768`);
  return ports;
}

export function describePartitions(description: TopicDescription): string {
  return description.partitions
    .map(
      (p) =>
        `${description.name}-${p.partition}: leader ${p.leader} isr [${p.isr.join(',')}] of [${p.replicas.join(',')}] hw ${p.highWatermark}`,
    )
    .join('; ');
}

/** Polls `check` until it returns true; errors count as "not yet". */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
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
