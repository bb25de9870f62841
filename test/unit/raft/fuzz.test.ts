/**
 * Runs the randomized safety check (fuzz-seed.ts) over a fixed range of seeds. More seeds,
 * longer runs, or one crash mode:
 *   RAFT_FUZZ_SEEDS=5000 RAFT_FUZZ_FIRST=1 RAFT_FUZZ_STEPS=10000 RAFT_FUZZ_CRASH=hardState \
 *     npx vitest run test/unit/raft/fuzz.test.ts
 * (RAFT_FUZZ_CRASH: none | log | hardState | any; RAFT_FUZZ_STATS=1 prints what the runs did.)
 */
import { describe, expect, it } from 'vitest';
import { digestOf, runSeed, stats } from './fuzz-seed.js';
import type { CrashMode } from './fuzz-seed.js';

const env = process.env;
const seeds = Number(env['RAFT_FUZZ_SEEDS'] ?? 300);
const first = Number(env['RAFT_FUZZ_FIRST'] ?? 1);
const steps = Number(env['RAFT_FUZZ_STEPS'] ?? 4000);
const crash = (env['RAFT_FUZZ_CRASH'] ?? 'any') as CrashMode;

describe('randomized safety (a small simulator of the core alone)', () => {
  it(
    `holds election, commit, log matching, state machine and read safety over ${seeds} seeds (crash: ${crash})`,
    () => {
      for (let seed = first; seed < first + seeds; seed++) {
        try {
          runSeed(seed, { steps, crash });
        } catch (error) {
          throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
        }
      }
      if (env['RAFT_FUZZ_STATS'] !== undefined) console.log(stats);
    },
    60_000 + (seeds * steps) / 20,
  );

  it('is deterministic: the same seed sends the same messages', () => {
    const digest = (seed: number) => digestOf(runSeed(seed, { steps: 2000 }));
    expect(digest(7)).toBe(digest(7));
    expect(digest(7)).not.toBe(digest(8));
  });
});
