/**
 * The cluster a benchmark case runs on, and the clean-up that always follows it.
 *
 * Every cluster of a run keeps its data under one temporary directory (`brook-bench-*`). Brokers
 * are real processes started through test/support (cluster-process.ts → broker-process.ts),
 * which tracks each child and SIGKILLs it by PID when this process exits. On top of that:
 * - `BenchCluster.stop()` closes the clients, kills the brokers and removes their data;
 * - `installCleanupHandlers()` makes SIGINT/SIGTERM kill every broker by PID, remove the
 *   run's directory and exit (130/143), and makes any exit remove the directory.
 *
 * Resource figures come from /proc (Linux) by broker PID: CPU from utime+stime, memory from
 * VmHWM (peak) and VmRSS (now).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Brook } from '../src/client/index.js';
import { stopAllBrokers } from '../test/support/broker-process.js';
import { startCluster, waitFor, type Cluster } from '../test/support/cluster-process.js';
import type { BrokerCount } from './options.js';
import { cpuSeconds, peakRssMb, readOrNull, residentMb } from './process-stats.js';
import { log, silenceProgress } from './progress.js';
import { round } from './report.js';

/** Longest wait, after the cluster formed, for the controller to see every broker alive. */
const BROKERS_ALIVE_TIMEOUT_MS = 30_000;
/** Longest wait for a new topic's partitions to have leaders and full ISRs. */
const TOPIC_READY_TIMEOUT_MS = 300_000;
/** Longest wait for the clients to close before the brokers are killed regardless. */
const CLIENT_CLOSE_TIMEOUT_MS = 5_000;
/** Longest wait, on a signal, for the killed brokers to be gone. */
const SIGNAL_STOP_TIMEOUT_MS = 5_000;

let runRoot: string | undefined;
let clusterCount = 0;

/** The run's temporary directory, made on first use; removed on exit. */
export function runDirectory(): string {
  runRoot ??= mkdtempSync(join(tmpdir(), 'brook-bench-'));
  return runRoot;
}

function removeRunDirectory(): void {
  if (runRoot === undefined) return;
  rmSync(runRoot, { recursive: true, force: true });
  runRoot = undefined;
}

/** Call once, from the entry point, before any cluster starts. */
export function installCleanupHandlers(): void {
  process.on('exit', removeRunDirectory);
  const onSignal = (signal: NodeJS.Signals, code: number): void => {
    // A second signal while cleaning up exits at once; the exit handlers still kill and remove.
    process.once(signal, () => process.exit(code));
    silenceProgress();
    log(`\n${signal}: stopping every broker and removing the data`);
    const timeout = new Promise((resolve) => setTimeout(resolve, SIGNAL_STOP_TIMEOUT_MS).unref());
    void Promise.race([stopAllBrokers(), timeout]).finally(() => {
      removeRunDirectory();
      process.exit(code);
    });
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
}

/**
 * Per broker id, the process and the CPU seconds it had used (null when the broker is down). A
 * restarted broker is a new process whose count starts again from zero, so a figure is only
 * taken between two readings of the same PID.
 */
export type CpuSnapshot = ReadonlyMap<
  number,
  { readonly pid: number; readonly cpuSeconds: number } | null
>;

export class BenchCluster {
  private readonly clients = new Set<Brook>();

  private constructor(
    readonly cluster: Cluster,
    readonly brokers: BrokerCount,
  ) {}

  static async start(brokers: BrokerCount): Promise<BenchCluster> {
    clusterCount += 1;
    const root = join(runDirectory(), `cluster-${clusterCount}`);
    log(`starting ${brokers} broker${brokers === 1 ? '' : 's'} (fsync on) in ${root}`);
    const cluster = await startCluster({ nodes: brokers, root });
    try {
      // Formed is not enough: the controller places replicas only on brokers it has heard from.
      await waitFor(
        'every broker alive at the controller',
        async () => {
          const described = await cluster.describe();
          const alive = described.brokers.filter((broker) => broker.alive).length;
          return alive === brokers ? true : undefined;
        },
        BROKERS_ALIVE_TIMEOUT_MS,
      );
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    const pids = [...cluster.brokers.values()].map((b) => `${b.id}: pid ${b.process?.pid}`);
    log(`cluster ready (${pids.join(', ')})`);
    return new BenchCluster(cluster, brokers);
  }

  /** Runs `body` on a fresh cluster and stops it afterwards, also when `body` throws. */
  static async with<T>(
    brokers: BrokerCount,
    body: (cluster: BenchCluster) => Promise<T>,
  ): Promise<T> {
    const cluster = await BenchCluster.start(brokers);
    try {
      return await body(cluster);
    } finally {
      await cluster.stop();
    }
  }

  /** A client bootstrapped from every broker; closed by `stop()`. */
  client(): Brook {
    const brook = new Brook({ bootstrap: this.cluster.bootstrap, clientId: 'brook-bench' });
    this.clients.add(brook);
    return brook;
  }

  /** Broker ids in order. */
  get ids(): number[] {
    return [...this.cluster.brokers.keys()].sort((left, right) => left - right);
  }

  pidOf(id: number): number | undefined {
    return this.cluster.brokers.get(id)?.process?.pid;
  }

  /**
   * Creates a topic and waits until every partition has a leader and its full ISR; resolves
   * with the milliseconds from the call to then.
   */
  async createTopic(
    brook: Brook,
    name: string,
    partitions: number,
    replicationFactor: number,
  ): Promise<number> {
    const startedMs = performance.now();
    await brook.admin().createTopic(name, { partitions, replicationFactor });
    await this.cluster.waitForFullIsr(name, TOPIC_READY_TIMEOUT_MS);
    return performance.now() - startedMs;
  }

  /**
   * Waits until every partition of `name` is led by its preferred replica (replicas[0]); the
   * time waited, or null after `timeoutMs`.
   */
  async waitForPreferredLeaders(name: string, timeoutMs: number): Promise<number | null> {
    const startedMs = performance.now();
    for (;;) {
      const described = await this.cluster.describeTopic(name).catch(() => undefined);
      const balanced = described?.partitions.every(
        (partition) => partition.leader === partition.replicas[0],
      );
      if (balanced === true) return performance.now() - startedMs;
      if (performance.now() - startedMs > timeoutMs) return null;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  cpuSnapshot(): CpuSnapshot {
    return new Map(
      this.ids.map((id) => {
        const pid = this.pidOf(id);
        const used = readOrNull(pid, cpuSeconds);
        return [id, pid === undefined || used === null ? null : { pid, cpuSeconds: used }];
      }),
    );
  }

  /** CPU seconds per broker since `before` (null for a broker down or restarted meanwhile). */
  cpuSecondsSince(before: CpuSnapshot): (number | null)[] {
    const now = this.cpuSnapshot();
    return this.ids.map((id) => {
      const start = before.get(id);
      const end = now.get(id);
      if (start === null || start === undefined || end === null || end === undefined) return null;
      return start.pid === end.pid ? end.cpuSeconds - start.cpuSeconds : null;
    });
  }

  /** Peak resident memory (VmHWM) per broker, MB. */
  peakRssMb(): (number | null)[] {
    return this.ids.map((id) => roundMb(readOrNull(this.pidOf(id), peakRssMb)));
  }

  /** Resident memory now (VmRSS) per broker, MB. */
  residentMb(): (number | null)[] {
    return this.ids.map((id) => roundMb(readOrNull(this.pidOf(id), residentMb)));
  }

  /** Closes the clients (bounded), kills every broker by PID and removes the data. */
  async stop(): Promise<void> {
    const closing = Promise.all([...this.clients].map((brook) => brook.close()));
    this.clients.clear();
    const timeout = new Promise((resolve) => setTimeout(resolve, CLIENT_CLOSE_TIMEOUT_MS).unref());
    await Promise.race([closing.catch(() => undefined), timeout]);
    // Profiled brokers (BROOK_BROKER_NODE_ARGS="--cpu-prof ...") write their profile only on a
    // clean exit: SIGTERM them first.
    if (/--(cpu|heap)-prof/.test(process.env['BROOK_BROKER_NODE_ARGS'] ?? '')) {
      await this.cluster.stopCleanly().catch(() => undefined);
    }
    await this.cluster.stop();
  }
}

function roundMb(value: number | null): number | null {
  return value === null ? null : round(value, 1);
}
