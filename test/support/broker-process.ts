/**
 * Starts real `brook broker start` processes (from dist/, so run `npm run build` first; `npm
 * test` does) for tests that cross a process boundary: kill -9, restart on the same data, the
 * CLI. Every process started here is tracked and killed by PID when the test file ends
 * (`stopAllBrokers` in afterAll) and, as a last resort, when the worker exits, so a failing
 * test never leaves a broker behind.
 *
 * The broker listens on port 0 the first time (no port races between parallel test files);
 * the address is read from its "broker ready" log line. A restart reuses the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const CLI_PATH = join(PROJECT_ROOT, 'dist/cli/main.js');

const running = new Set<ChildProcess>();

process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface BrokerProcess {
  /** host:port of the running broker. */
  readonly address: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the broker wrote to stdout and stderr so far. */
  output(): string;
  /** `signal` (default SIGTERM), then SIGKILL after `timeoutMs`; resolves with the exit code. */
  stop(timeoutMs?: number, signal?: NodeJS.Signals): Promise<number | null>;
  /** kill -9, then wait for the process to be gone. */
  kill9(): Promise<void>;
  /** Starts a new process on the same data directory and port. */
  restart(): Promise<BrokerProcess>;
}

export interface StartOptions {
  readonly dataDir?: string;
  readonly listen?: string;
  readonly extraArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

export function temporaryDirectory(prefix = 'brook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDirectory(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
}

export async function startBroker(options: StartOptions = {}): Promise<BrokerProcess> {
  const dataDir = options.dataDir ?? temporaryDirectory();
  const listen = options.listen ?? '127.0.0.1:0';
  const args = [CLI_PATH, 'broker', 'start', '--data', dataDir, '--listen', listen];
  // BROOK_BROKER_NODE_ARGS: extra Node flags for every broker, e.g. `--cpu-prof` to profile;
  // BROOK_BROKER_LOG_LEVEL: their log level (info by default), e.g. `debug` to chase a flake.
  const nodeArgs = (process.env['BROOK_BROKER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args, ...(options.extraArgs ?? [])], {
    env: {
      ...process.env,
      BROOK_LOG_LEVEL: process.env['BROOK_BROKER_LOG_LEVEL'] ?? 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const address = await new Promise<string>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not become ready:\n${output}`));
    }, options.readyTimeoutMs ?? 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const ready = /"address":"([^"]+)"[^\n]*"msg":"broker ready"/.exec(output);
      if (ready?.[1] !== undefined) {
        clearTimeout(timer);
        resolveReady(ready[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`broker exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  const port = address.slice(address.lastIndexOf(':') + 1);
  const handle: BrokerProcess = {
    address,
    dataDir,
    pid: child.pid ?? -1,
    output: () => output,
    stop: async (timeoutMs = 15_000, signal: NodeJS.Signals = 'SIGTERM') => {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await waitForExit(child);
      clearTimeout(timer);
      return code;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    restart: () => startBroker({ ...options, dataDir, listen: `127.0.0.1:${port}` }),
  };
  return handle;
}

/** Kills every broker this test file started that is still running. */
export async function stopAllBrokers(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      child.kill('SIGKILL');
      return waitForExit(child);
    }),
  );
}
