/**
 * Runs the randomized safety check (fuzz-seed.ts) over a fixed range of seeds. More seeds:
 * RAFT_FUZZ_SEEDS=5000 RAFT_FUZZ_FIRST=1 npx vitest run test/unit/raft/fuzz.test.ts
 */
import { describe, expect, it } from 'vitest';
import { runSeed, stats } from './fuzz-seed.js';

describe('randomized safety (a small simulator of the core alone)', () => {
  const seeds = Number(process.env['RAFT_FUZZ_SEEDS'] ?? 40);
  const first = Number(process.env['RAFT_FUZZ_FIRST'] ?? 1);
  it(`holds election safety, state machine safety and monotonic commits over ${seeds} seeds`, () => {
    for (let seed = first; seed < first + seeds; seed++) {
      try {
        runSeed(seed, 3000);
      } catch (error) {
        throw new Error(`seed ${seed}: ${String(error)}`, { cause: error });
      }
    }
    if (process.env['RAFT_FUZZ_STATS'] !== undefined) console.log(stats);
  });

  it('is deterministic: the same seed sends the same messages', () => {
    expect(runSeed(7, 2000)).toBe(runSeed(7, 2000));
    expect(runSeed(7, 2000)).not.toBe(runSeed(8, 2000));
  });
});
