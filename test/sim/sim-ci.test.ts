/**
 * The simulator in CI (`npm run sim:ci`, and part of `npm test`): SEEDS seeds, 3 and 5 nodes
 * alternating, each with its seed's fault knobs, must all run clean. A failure names the seed
 * and the command that replays it.
 */
import { describe, expect, it } from 'vitest';
import { describeKnobs } from './knobs.js';
import { replayCommand } from './replay.js';
import { runSeed } from './runner.js';

/** Seeds 100001.. : a range of its own, beside the CLI's default 1.. */
const FIRST_SEED = 100_001;
const SEEDS = 250;

describe('simulator', () => {
  it(`${SEEDS} seeds, 3 and 5 nodes, no violations`, async () => {
    const failures: string[] = [];
    let nodes3 = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const result = await runSeed({ seed });
      if (result.nodes === 3) nodes3 += 1;
      const violation = result.violations[0];
      if (violation !== undefined) {
        failures.push(
          `${violation}\n  knobs: ${describeKnobs(result.knobs)}\n  replay: ${replayCommand(result)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(nodes3).toBeGreaterThan(0);
    expect(nodes3).toBeLessThan(SEEDS);
  }, 240_000);
});
