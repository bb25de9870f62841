/**
 * The chaos harness in CI: one short mixed run (kill, pause, partition, delay, and less often
 * power loss and file corruption, rotated with quiet periods) on 3 proxied brokers with a
 * fixed seed, as a child process of
 * test/chaos/main.ts (built dist/ required: `npm test` builds first). It must end `verdict
 * PASS`. A failure prints the run's last output lines and where its history, report, timeline
 * and broker logs were kept; replay with the command in the message.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/broker-process.js';

const SEED = 20_260_501;
const DURATION_S = 45;
const ARGS = [
  '--nemesis',
  'mixed',
  '--duration',
  String(DURATION_S),
  '--seed',
  String(SEED),
  '--brokers',
  '3',
];

function runChaos(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(PROJECT_ROOT, 'test/chaos/main.ts'), ...ARGS, '--out', out],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const kill = (): void => void child.kill('SIGTERM');
    process.once('exit', kill);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      process.removeListener('exit', kill);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('chaos (CI)', () => {
  it(`a ${DURATION_S} s mixed run on 3 brokers, seed ${SEED}, ends verdict PASS`, async () => {
    const out = mkdtempSync(join(tmpdir(), 'brook-chaos-ci-'));
    const { code, stdout, stderr } = await runChaos(out);
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const context = `replay: npm run chaos -- ${ARGS.join(' ')}\noutputs in ${out}\n${stderr.split('\n').slice(-40).join('\n')}`;
    expect(last, context).toMatch(/^chaos: \d+ ops, 0 anomalies, verdict PASS$/);
    expect(code, context).toBe(0);
  }, 150_000);
});
