/**
 * `brook cluster up` as a person runs it (`npm run cluster` is the same command after a
 * build): it starts three brokers, prints how to reach them once the cluster answers, serves
 * produce and consume through its bootstrap list, and on SIGTERM stops every broker and exits
 * 0. Every process (the supervisor and the brokers it printed) is killed by PID afterwards,
 * whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  CLI_PATH,
  PROJECT_ROOT,
  removeDirectory,
  temporaryDirectory,
} from '../support/broker-process.js';
import { brookCli } from '../support/cli-process.js';
import { waitFor } from '../support/cluster-process.js';

// Real processes on a shared CPU: each test waits on elections, catch-up and timeouts.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const pids = new Set<number>();
let supervisor: ChildProcess | undefined;
const dataDir = temporaryDirectory('brook-cluster-up-');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => {
  supervisor?.kill('SIGKILL');
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  removeDirectory(dataDir);
});

/** A base port with the two after it free too. */
async function freeRange(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers = Array.from({ length: count }, () => createServer());
    const bound = await Promise.all(
      servers.map(
        (server, index) =>
          new Promise<boolean>((resolve) => {
            server.once('error', () => resolve(false));
            server.listen(base + index, '127.0.0.1', () => resolve(true));
          }),
      ),
    );
    await Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    if (bound.every(Boolean)) return base;
  }
}

describe('brook cluster up', () => {
  it('is what npm run cluster runs', () => {
    const scripts = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['cluster']).toBe('npm run build --silent && node dist/cli/main.js cluster up');
  });

  it('brings up a working three-broker cluster and stops it all on SIGTERM', async () => {
    const basePort = await freeRange(3);
    const child = spawn(
      process.execPath,
      [CLI_PATH, 'cluster', 'up', '--data', dataDir, '--base-port', String(basePort)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    supervisor = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const match of stdout.matchAll(/pid (\d+)/g)) pids.add(Number(match[1]));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    await waitFor(
      'the cluster to be up',
      () => {
        if (child.exitCode !== null) throw new Error(`cluster up exited: ${stderr}`);
        return /is up: 3 brokers/.test(stdout) ? true : undefined;
      },
      90_000,
    );
    const bootstrap = [0, 1, 2].map((index) => `127.0.0.1:${basePort + index}`).join(',');
    expect(stdout).toContain(`bootstrap: ${bootstrap}`);
    expect(stdout).toContain(`export BROOK_BOOTSTRAP=${bootstrap}`);
    expect(pids.size).toBe(3);
    for (const id of [1, 2, 3]) expect(existsSync(join(dataDir, `broker-${id}`))).toBe(true);

    const env = { BROOK_BOOTSTRAP: bootstrap };
    const created = await brookCli(
      ['topic', 'create', 'up', '--partitions', '3', '--replication-factor', '3'],
      { env },
    );
    expect(created.stderr).toBe('');
    const lines = Array.from({ length: 300 }, (_, index) => `k${index}:v${index}`);
    const produced = await brookCli(['produce', 'up', '--key-separator', ':'], {
      env,
      input: `${lines.join('\n')}\n`,
    });
    expect(produced.stderr).toBe('produced 300 records to up\n');
    const consumed = await brookCli(
      ['consume', 'up', '--from-beginning', '--max-messages', '300', '--timeout-ms', '10000'],
      { env },
    );
    expect(consumed.code).toBe(0);
    expect(consumed.stdout.trim().split('\n').sort()).toEqual(
      lines.map((line) => line.slice(line.indexOf(':') + 1)).sort(),
    );

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/stopping brokers/);
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});
