/**
 * `npm run chaos:soak -- [--seeds N] [--first-seed S] [--nemesis ...] [--duration SECONDS]
 * [--brokers 3|5] [--out DIR]`: chaos runs back to back, one seed after another (each a child
 * process of main.ts, so a run that hangs or crashes cannot take the others with it), then a
 * summary line per seed and `soak: P/N PASS`. Exit 0 only when every run passed. The outputs
 * of run S go to `<out>/seed-S`.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const MAIN_PATH = join(import.meta.dirname, 'main.ts');

interface SoakRun {
  readonly seed: number;
  readonly code: number | null;
  readonly line: string;
}

function runOne(seed: number, passThrough: readonly string[], out: string): Promise<SoakRun> {
  return new Promise((resolveRun) => {
    const args = [
      '--import',
      'tsx',
      MAIN_PATH,
      ...passThrough,
      '--seed',
      String(seed),
      '--out',
      out,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const kill = (): void => void child.kill('SIGTERM');
    process.once('exit', kill);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stdout.write(chunk);
    });
    child.once('exit', (code) => {
      process.removeListener('exit', kill);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      resolveRun({ seed, code, line });
    });
  });
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      strict: true,
      options: {
        seeds: { type: 'string', default: '10' },
        'first-seed': { type: 'string', default: '1' },
        nemesis: { type: 'string', default: 'mixed' },
        duration: { type: 'string', default: '60' },
        brokers: { type: 'string', default: '3' },
        out: { type: 'string' },
      },
    }));
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const seeds = Number(values.seeds);
  const first = Number(values['first-seed']);
  if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(first) || first < 0) {
    process.stderr.write('error: --seeds must be an integer >= 1 and --first-seed >= 0\n');
    return 2;
  }
  const out = resolve(values.out ?? join(tmpdir(), 'brook-chaos-soak', String(process.pid)));
  const passThrough = [
    '--nemesis',
    values.nemesis,
    '--duration',
    values.duration,
    '--brokers',
    values.brokers,
  ];
  const runs: SoakRun[] = [];
  for (let seed = first; seed < first + seeds; seed++) {
    process.stderr.write(`soak: seed ${seed} (${seed - first + 1}/${seeds})\n`);
    const run = await runOne(seed, passThrough, join(out, `seed-${seed}`));
    runs.push(run);
    if (run.code === 2) return 2;
  }
  const passed = runs.filter((run) => run.code === 0).length;
  for (const run of runs) process.stdout.write(`seed ${run.seed}: ${run.line}\n`);
  process.stdout.write(`soak: ${passed}/${runs.length} PASS (outputs in ${out})\n`);
  return passed === runs.length ? 0 : 1;
}

process.exit(await main());
