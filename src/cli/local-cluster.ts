/**
 * A local cluster for `brook cluster up`: N `brook broker start` processes on one host, ids
 * 1..N on ports basePort..basePort+N-1, every one a controller voter, data in
 * `<dataDir>/broker-<id>`, output appended to `<dataDir>/broker-<id>.log`.
 *
 * The brokers run in process groups of their own (detached), so a Ctrl-C in the terminal
 * reaches only the supervisor, which then stops each broker exactly once: SIGTERM, and SIGKILL
 * after `stopTimeoutMs`. (Were they in the terminal's group, each would get the terminal's
 * SIGINT and then the supervisor's SIGTERM, and a second signal during a clean shutdown ends a
 * broker abruptly.) Should the supervisor itself exit without stopping them, its exit hook
 * kills them; only a SIGKILL of the supervisor leaves them running (their pids are printed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Brook, BrookError, checkHealth, type ClusterDescription } from '../client/index.js';

export interface LocalClusterOptions {
  readonly nodes: number;
  readonly dataDir: string;
  readonly basePort: number;
  readonly host: string;
  /** The built CLI (dist/cli/main.js) the brokers run. */
  readonly cliPath: string;
  /** Passed to every broker as --config. */
  readonly configFile?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface LocalBroker {
  readonly id: number;
  readonly address: string;
  readonly dataDir: string;
  readonly logPath: string;
  readonly pid: number;
  /** Settles with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<number | string>;
}

/** How often readiness is polled, and how long one probe may take. */
const READY_POLL_MS = 250;
const PROBE_TIMEOUT_MS = 2_000;
/** Lines of a broker's log shown when it fails. */
const LOG_TAIL_LINES = 15;
/** Bytes read from the end of a log to find those lines. */
const LOG_TAIL_BYTES = 64 * 1024;

export class LocalCluster {
  private readonly children = new Map<number, ChildProcess>();
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = (): void => {
    for (const child of this.children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };

  private constructor(
    readonly brokers: readonly LocalBroker[],
    children: readonly ChildProcess[],
  ) {
    brokers.forEach((broker, index) => {
      const child = children[index];
      if (child !== undefined) this.children.set(broker.id, child);
    });
    process.on('exit', this.killOnExit);
  }

  /** The voters' list as `--peers` takes it. */
  static peersOf(options: Pick<LocalClusterOptions, 'nodes' | 'basePort' | 'host'>): string {
    return Array.from(
      { length: options.nodes },
      (_, index) => `${index + 1}@${options.host}:${options.basePort + index}`,
    ).join(',');
  }

  /** Checks the ports are free, then starts every broker (without waiting for readiness). */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    const ports = Array.from({ length: options.nodes }, (_, index) => options.basePort + index);
    for (const port of ports) await assertPortFree(options.host, port);
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    const peers = LocalCluster.peersOf(options);
    const brokers: LocalBroker[] = [];
    const children: ChildProcess[] = [];
    for (const [index, port] of ports.entries()) {
      const id = index + 1;
      const broker = {
        id,
        address: `${options.host}:${port}`,
        dataDir: join(dataDir, `broker-${id}`),
        logPath: join(dataDir, `broker-${id}.log`),
      };
      const child = spawnBroker(options, broker, peers);
      children.push(child);
      brokers.push({ ...broker, pid: child.pid ?? -1, exited: exitOf(child) });
    }
    return new LocalCluster(brokers, children);
  }

  get bootstrap(): string {
    return this.brokers.map((broker) => broker.address).join(',');
  }

  /**
   * Resolves once every broker serves (gRPC health) and the cluster answers with a controller
   * leader and every broker alive; rejects when `timeoutMs` passes, a broker exits first, or
   * `signal` aborts.
   */
  async waitUntilReady(timeoutMs: number, signal?: AbortSignal): Promise<ClusterDescription> {
    const deadlineMs = Date.now() + timeoutMs;
    let lastProblem = 'no answer yet';
    const brook = new Brook({
      bootstrap: this.brokers.map((broker) => broker.address),
      clientId: 'brook-cluster-up',
      requestTimeoutMs: PROBE_TIMEOUT_MS,
      retry: { retries: 0 },
    });
    try {
      while (Date.now() < deadlineMs) {
        if (signal?.aborted === true) {
          throw new BrookError('BROKER_UNAVAILABLE', 'stopped before the cluster was ready');
        }
        const gone = this.exitedBroker();
        if (gone !== undefined) {
          throw new BrookError(
            'BROKER_UNAVAILABLE',
            `broker ${gone.id} exited during start-up; the end of ${gone.logPath}:\n${logTail(gone.logPath)}`,
          );
        }
        const outcome = await this.probe(brook);
        if (typeof outcome !== 'string') return outcome;
        lastProblem = outcome;
        await new Promise((resolveWait) => setTimeout(resolveWait, READY_POLL_MS));
      }
    } finally {
      await brook.close();
    }
    throw new BrookError(
      'REQUEST_TIMED_OUT',
      `the cluster was not ready within ${timeoutMs} ms (${lastProblem}); logs are in ${this.brokers
        .map((broker) => broker.logPath)
        .join(', ')}`,
    );
  }

  /** The cluster's description when ready, else what is still missing. */
  private async probe(brook: Brook): Promise<ClusterDescription | string> {
    for (const broker of this.brokers) {
      const status = await checkHealth(broker.address, { timeoutMs: PROBE_TIMEOUT_MS }).catch(
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      if (status !== 'SERVING') return `broker ${broker.id} at ${broker.address}: ${status}`;
    }
    let cluster: ClusterDescription;
    try {
      cluster = await brook.admin().describeCluster();
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    if (cluster.controllerId < 0) return 'no controller leader yet';
    const alive = new Set(cluster.brokers.filter((entry) => entry.alive).map((entry) => entry.id));
    const missing = this.brokers.filter((broker) => !alive.has(broker.id));
    if (missing.length > 0) {
      return `brokers ${missing.map((broker) => broker.id).join(', ')} not registered and alive yet`;
    }
    return cluster;
  }

  /** A broker that has exited, if any. */
  exitedBroker(): LocalBroker | undefined {
    return this.brokers.find((broker) => {
      const child = this.children.get(broker.id);
      return child === undefined || child.exitCode !== null || child.signalCode !== null;
    });
  }

  /** SIGTERM to every broker still running, SIGKILL to those still there after `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all(
        this.brokers.map(async (broker) => {
          const child = this.children.get(broker.id);
          if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          await broker.exited;
          clearTimeout(timer);
        }),
      );
      process.off('exit', this.killOnExit);
    })();
    return this.stopping;
  }
}

function spawnBroker(
  options: LocalClusterOptions,
  broker: { id: number; address: string; dataDir: string; logPath: string },
  peers: string,
): ChildProcess {
  const args = [
    options.cliPath,
    'broker',
    'start',
    '--id',
    String(broker.id),
    '--data',
    broker.dataDir,
    '--listen',
    broker.address,
    '--peers',
    peers,
    ...(options.configFile === undefined ? [] : ['--config', options.configFile]),
  ];
  const log = openSync(broker.logPath, 'a');
  try {
    return spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: { BROOK_LOG_LEVEL: 'info', ...options.env },
    });
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(log);
  }
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
    child.once('error', (error) => resolveExit(error.message));
  });
}

async function assertPortFree(host: string, port: number): Promise<void> {
  if (port > 65_535) {
    throw new BrookError(
      'INVALID_REQUEST',
      `port ${port} is above 65535; choose a lower --base-port`,
    );
  }
  const server = createServer();
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new BrookError(
          'INVALID_REQUEST',
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use (another broker or cluster?); stop it or choose another --base-port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolveListen());
  });
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
}

/** The last lines of a log file, for an error message. */
export function logTail(path: string, lines = LOG_TAIL_LINES): string {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'r');
    const size = fstatSync(descriptor).size;
    const length = Math.min(size, LOG_TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(descriptor, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
