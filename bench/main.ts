/**
 * Brook's benchmark: `npm run bench -- CASE [flags] [--json]` (`--help` lists the cases and
 * flags). Each case starts its own cluster of real broker processes on 127.0.0.1 (1 or 3
 * brokers, replication factor to match, fsync on, acks=all) in a temporary directory, measures
 * through the TypeScript client, and always stops every broker by PID and removes the data —
 * on success, on error, and on SIGINT/SIGTERM.
 *
 * stdout: a markdown table of the result, or with --json one JSON object as the last line.
 * stderr: progress (live rates) and what the run is doing.
 * Exit status: 0 on success, 1 when the run failed, 2 for a bad command line (nothing started).
 *
 * The modules behind it are importable without side effects: options.ts (flags), report.ts
 * (result shape and rendering), cases/ (one module per case).
 */
import { installCleanupHandlers } from './bench-cluster.js';
import { CASES } from './cases/index.js';
import { parseBenchArgs, USAGE, UsageError, type ParseOutcome } from './options.js';
import { jsonLine, renderMarkdown } from './report.js';

async function main(argv: readonly string[]): Promise<number> {
  let outcome: ParseOutcome;
  try {
    outcome = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (outcome.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { options } = outcome;
  installCleanupHandlers();
  const result = await CASES[options.case](options);
  const text = options.json ? jsonLine(result) : renderMarkdown(result);
  await new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
