/**
 * `npm run chaos -- [--nemesis kill,pause,partition,delay,power,corrupt,mixed]
 * [--duration SECONDS] [--seed N] [--brokers 3|5] [--out DIR] [--workers N] [--keep-data]`
 *
 * Runs one chaos run (run.ts) and ends with exactly one line
 * `chaos: N ops, M anomalies, verdict V`. Exit 0 only on PASS, 1 otherwise, 2 on bad flags.
 * Progress goes to stderr; the outputs (history.jsonl, report.json, timeline.html, logs/) go to
 * --out (default: a directory under the system's temporary directory, printed at the start).
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { POWER_LOSS_ENV } from '../../src/runtime/power-loss-file-system.js';
import { isNemesisName, NEMESIS_NAMES, type NemesisName } from './nemesis.js';
import { runChaos, type ChaosOptions } from './run.js';

const USAGE = `usage: npm run chaos -- [--nemesis ${NEMESIS_NAMES.join(',')}] [--duration SECONDS] [--seed N] [--brokers 3|5] [--out DIR] [--workers N] [--keep-data]

  --nemesis    one or more of (comma-separated, default mixed):
                 kill       kill -9 a broker or a leader, restart it
                 pause      SIGSTOP a broker or a leader beyond the election timeout, SIGCONT
                 partition  cut broker-to-broker links (isolate, majority/minority, ring, one-way)
                 delay      slow or lossy links
                 power      kill -9 every broker at once, unsynced writes dropped
                            (brokers run with ${POWER_LOSS_ENV}=1), restart all
                 corrupt    kill -9 a broker, damage one partition's files (bit flips in a log
                            batch or an index, a cut log, raft-state, raft-snapshot), restart it
                 mixed      a random one or two of the above per cycle (power, corrupt rarer, alone)
  --duration   seconds of faults (default 60); --seed N replays a schedule (default 1)
  --brokers    3 or 5 (default 3); --workers client processes (default 4)
  --out        output directory (history.jsonl, report.json, timeline.html, logs/)
  --keep-data  keep the brokers' data directories even on PASS`;

class UsageError extends Error {}
class HelpRequest extends Error {}

function parseOptions(argv: readonly string[]): ChaosOptions {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequest();
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        nemesis: { type: 'string', default: 'mixed' },
        duration: { type: 'string', default: '60' },
        seed: { type: 'string', default: '1' },
        brokers: { type: 'string', default: '3' },
        out: { type: 'string' },
        workers: { type: 'string', default: '4' },
        'keep-data': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const names = values.nemesis.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isNemesisName(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `unknown nemesis ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${NEMESIS_NAMES.join(', ')})`,
    );
  }
  const durationS = Number(values.duration);
  if (!Number.isFinite(durationS) || durationS < 5 || durationS > 86_400) {
    throw new UsageError(
      `--duration must be a number of seconds from 5 to 86400, got "${values.duration}"`,
    );
  }
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(`--seed must be a non-negative integer, got "${values.seed}"`);
  }
  const brokers = Number(values.brokers);
  if (brokers !== 3 && brokers !== 5) {
    throw new UsageError(`--brokers must be 3 or 5, got "${values.brokers}"`);
  }
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 32) {
    throw new UsageError(`--workers must be an integer from 1 to 32, got "${values.workers}"`);
  }
  const nemesis = names as NemesisName[];
  const out = resolve(
    values.out ??
      join(tmpdir(), 'brook-chaos', `${nemesis.join('+')}-b${brokers}-s${seed}-${process.pid}`),
  );
  return {
    nemesis,
    durationS,
    seed,
    brokers,
    out,
    workers,
    keepData: values['keep-data'],
    log: (line) => void process.stderr.write(`${line}\n`),
  };
}

async function main(): Promise<number> {
  let options: ChaosOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequest) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  // Ctrl-C or a SIGTERM: exit, which runs the exit handlers that kill every child by PID.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`chaos: ${signal}, stopping every process\n`);
      process.exit(130);
    });
  }
  try {
    const outcome = await runChaos(options);
    const { result } = outcome;
    for (const reason of result.reasons) process.stderr.write(`  ${reason}\n`);
    process.stderr.write(`outputs in ${options.out}\n`);
    process.stdout.write(`${outcome.summaryLine}\n`);
    return result.verdict === 'PASS' ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `error: the chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.stderr.write(`outputs (partial) in ${options.out}\n`);
    process.stdout.write('chaos: 0 ops, 0 anomalies, verdict UNKNOWN\n');
    return 1;
  }
}

process.exit(await main());
