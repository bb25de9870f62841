/**
 * `npm run bench:compare [-- --skip-nats] [--json]`: Brook against NATS JetStream on this
 * machine, in one command. Runs Brook's matching cases one after another, each as a child
 * process (`bench/main.ts CASE ... --json`, so each gets a fresh cluster), then the NATS
 * baseline script (../shared/peers/nats-baseline.sh, which installs, starts, measures and stops
 * its own servers), and prints a markdown table: each figure for Brook and NATS, the ratio and
 * the issue's target. `--skip-nats` uses the reference figures of RESULTS.md section 1 instead
 * (measured on another day: the table says so). `--json` adds one JSON object as the last line.
 *
 * Exit status: 0 when every run gave its figures; 1 when a Brook run or the NATS script failed
 * (the table is printed anyway, with what there is); 2 for a bad command line.
 * SIGINT/SIGTERM are passed on to the running child, which cleans up after itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BROOK_RUNS,
  compareRows,
  parseNatsOutput,
  parseReferenceResults,
  renderCompareTable,
  type NatsFigures,
} from './compare-report.js';
import { parseErrorMessage, UsageError } from './options.js';
import { log } from './progress.js';
import { parseResultLine, type ResultFigures } from './report.js';

const PROJECT_ROOT = resolve(import.meta.dirname, '..');
const PEERS_DIR = resolve(PROJECT_ROOT, '../shared/peers');
const NATS_SCRIPT = join(PEERS_DIR, 'nats-baseline.sh');
const REFERENCE_RESULTS = join(PEERS_DIR, 'RESULTS.md');
/** tsx as a loader (`node --import`), so that each child is one process, the bench itself. */
const TSX_LOADER = import.meta.resolve('tsx');
/** Longest a Brook child run may take before it is stopped (SIGTERM, so it cleans up). */
const BROOK_RUN_TIMEOUT_MS = 5 * 60_000;
/** Longest the NATS script may take, installs included. */
const NATS_TIMEOUT_MS = 15 * 60_000;

const USAGE = `usage: npm run bench:compare [-- [--skip-nats] [--json]]
  --skip-nats  compare with the reference figures of ${REFERENCE_RESULTS} (section 1)
               instead of running ${NATS_SCRIPT}
  --json       print one JSON object as the last line, after the table`;

interface CompareOptions {
  readonly skipNats: boolean;
  readonly json: boolean;
}

interface ChildOutcome {
  readonly code: number | null;
  readonly stdout: string;
}

let running: ChildProcess | undefined;

function parseOptions(argv: readonly string[]): CompareOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'skip-nats': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return 'help';
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals.join(' ')}"`);
  }
  return { skipNats: values['skip-nats'] === true, json: values.json === true };
}

/** Runs a child with stdout captured and stderr shown; SIGTERM after `timeoutMs`. */
function runChild(
  command: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<ChildOutcome> {
  return new Promise((resolveOutcome, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    running = child;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const timer = setTimeout(() => {
      log(`${command} ${args.join(' ')}: no result after ${timeoutMs} ms, stopping it`);
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running = undefined;
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running = undefined;
      resolveOutcome({ code, stdout });
    });
  });
}

async function runBrook(): Promise<{
  readonly figures: Map<string, ResultFigures>;
  readonly errors: Map<string, string>;
}> {
  const figures = new Map<string, ResultFigures>();
  const errors = new Map<string, string>();
  for (const [index, run] of BROOK_RUNS.entries()) {
    log(`\n=== Brook ${index + 1}/${BROOK_RUNS.length}: ${run.id} (bench ${run.args.join(' ')})`);
    const args = ['--import', TSX_LOADER, join('bench', 'main.ts'), ...run.args, '--json'];
    try {
      const outcome = await runChild(process.execPath, args, BROOK_RUN_TIMEOUT_MS);
      if (outcome.code !== 0) throw new Error(`exited with ${outcome.code ?? 'a signal'}`);
      figures.set(run.id, parseResultLine(outcome.stdout));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      errors.set(run.id, message);
      log(`Brook ${run.id} failed: ${message}`);
    }
  }
  return { figures, errors };
}

async function runNats(): Promise<{
  readonly figures: Map<string, NatsFigures>;
  readonly error: string | null;
}> {
  log(`\n=== NATS JetStream: ${NATS_SCRIPT}`);
  try {
    const outcome = await runChild('bash', [NATS_SCRIPT], NATS_TIMEOUT_MS);
    const figures = parseNatsOutput(outcome.stdout);
    const failed = [...figures.values()].filter((entry) => entry.error !== null);
    if (outcome.code !== 0) {
      return { figures, error: `nats-baseline.sh exited with ${outcome.code ?? 'a signal'}` };
    }
    if (failed.length > 0) {
      return {
        figures,
        error: `NATS cases without a figure: ${failed.map((f) => f.case).join(', ')}`,
      };
    }
    return { figures, error: null };
  } catch (error) {
    return { figures: new Map(), error: `nats-baseline.sh did not run: ${String(error)}` };
  }
}

function referenceFigures(): {
  readonly figures: Map<string, NatsFigures>;
  readonly error: string | null;
} {
  try {
    const figures = parseReferenceResults(readFileSync(REFERENCE_RESULTS, 'utf8'));
    return {
      figures,
      error: figures.size === 0 ? `no NATS figures found in ${REFERENCE_RESULTS}` : null,
    };
  } catch (error) {
    return { figures: new Map(), error: `cannot read ${REFERENCE_RESULTS}: ${String(error)}` };
  }
}

function installSignalForwarding(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      log(`\n${signal}: stopping the running benchmark`);
      const child = running;
      if (child?.pid === undefined) process.exit(code);
      child.once('close', () => process.exit(code));
      child.kill(signal);
    });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let options: CompareOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installSignalForwarding();
  const brook = await runBrook();
  const nats = options.skipNats ? referenceFigures() : await runNats();
  const natsSource = options.skipNats
    ? 'reference figures from RESULTS.md section 1 (2026-11-28), not measured in this run'
    : 'measured in this run by nats-baseline.sh';
  const rows = compareRows(brook.figures, nats.figures);
  const notes = [
    ...[...brook.errors].map(([id, message]) => `Brook ${id} failed: ${message}`),
    ...(nats.error === null ? [] : [`NATS failed: ${nats.error}`]),
  ];
  const table = renderCompareTable(rows, natsSource);
  process.stdout.write(`${table}\n${notes.map((note) => `\n${note}`).join('')}\n`);
  if (options.json) {
    const summary = {
      case: 'compare',
      nats_source: options.skipNats ? 'reference' : 'measured',
      nats_ok: nats.error === null,
      nats_error: nats.error,
      brook: Object.fromEntries(brook.figures),
      brook_errors: Object.fromEntries(brook.errors),
      nats: Object.fromEntries(nats.figures),
      rows,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return brook.errors.size === 0 && nats.error === null ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench:compare failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
