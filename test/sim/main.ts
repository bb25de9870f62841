/**
 * `npm run sim -- [--seeds N] [--seed S] [--start S] [--nodes 3|5] [--verbose]`
 *
 * Runs the simulator over N seeds (default 100, from a fixed start) or one seed, prints each
 * failing seed with its violation, its fault knobs and the exact command that replays it, and
 * ends with `sim: N seeds, M violations` (M = seeds that failed); exits 1 when M > 0.
 * `--verbose` prints every event of the trace and `trace hash: <hex>` for each seed: the same
 * seed always prints the same hash.
 */
import { describeKnobs } from './knobs.js';
import { replayCommand } from './replay.js';
import { runSeed } from './runner.js';
import type { SeedResult } from './runner.js';

const DEFAULT_SEEDS = 100;
const DEFAULT_START = 1;

interface Arguments {
  seeds: number;
  start: number;
  single: number | null;
  nodes: number | undefined;
  verbose: boolean;
}

function parse(argv: readonly string[]): Arguments {
  const parsed: Arguments = {
    seeds: DEFAULT_SEEDS,
    start: DEFAULT_START,
    single: null,
    nodes: undefined,
    verbose: false,
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const next = (): number => {
      const value = Number(argv[++index]);
      if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${flag} needs a number`);
      return value;
    };
    if (flag === '--seeds') parsed.seeds = next();
    else if (flag === '--seed') parsed.single = next();
    else if (flag === '--start') parsed.start = next();
    else if (flag === '--nodes') parsed.nodes = next();
    else if (flag === '--verbose') parsed.verbose = true;
    else throw new Error(`unknown argument ${String(flag)}`);
  }
  if (parsed.nodes !== undefined && parsed.nodes !== 3 && parsed.nodes !== 5) {
    throw new Error('--nodes must be 3 or 5');
  }
  return parsed;
}

function report(result: SeedResult): void {
  console.log(`seed ${result.seed} (${result.nodes} nodes) FAILED: ${result.violations[0] ?? ''}`);
  for (const more of result.violations.slice(1, 4)) console.log(`  also: ${more}`);
  console.log(`  knobs: ${describeKnobs(result.knobs)}`);
  console.log(`  replay: ${replayCommand(result)}`);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const seeds = args.single === null ? range(args.start, args.seeds) : [args.single];
  let failures = 0;
  let longest: SeedResult | null = null;
  let slowestLiveness: SeedResult | null = null;
  const started = performance.now();
  for (const seed of seeds) {
    const result = await runSeed({
      seed,
      ...(args.nodes === undefined ? {} : { nodes: args.nodes }),
      ...(args.verbose ? { onTrace: (line: string) => console.log(line) } : {}),
    });
    if (longest === null || result.wallMs > longest.wallMs) longest = result;
    if (slowestLiveness === null || result.livenessTicks > slowestLiveness.livenessTicks) {
      slowestLiveness = result;
    }
    if (args.verbose) {
      console.log(`seed ${seed}: ${summary(result)}`);
      console.log(`trace hash: ${result.traceHash}`);
    }
    if (result.violations.length > 0) {
      failures += 1;
      report(result);
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const slowest =
    longest === null ? '' : `, slowest seed ${longest.seed} ${Math.round(longest.wallMs)} ms`;
  const liveness =
    slowestLiveness === null
      ? ''
      : `, longest liveness phase ${slowestLiveness.livenessTicks} ticks (seed ${slowestLiveness.seed})`;
  console.log(`(${seconds} s${slowest}${liveness})`);
  console.log(`sim: ${seeds.length} seeds, ${failures} violations`);
  process.exitCode = failures > 0 ? 1 : 0;
}

function summary(result: SeedResult): string {
  const { proposals, workload } = result;
  return (
    `${result.nodes} nodes, ${result.events} events, ${result.simulatedMs} ms simulated, ` +
    `${Math.round(result.wallMs)} ms wall, committed to ${result.committedEnd}, proposals ` +
    `${proposals.acked} acked / ${proposals.failed} failed / ${proposals.unknown} unknown, ` +
    `${workload.crashes} crashes, ${workload.partitions} partitions, ${workload.compactions} compactions, ` +
    `liveness ${result.livenessTicks} ticks`
  );
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => start + index);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
