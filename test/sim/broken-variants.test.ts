/**
 * The simulator must be able to fail (issue 3, item 5): against deliberately broken cores it
 * reports violations, both in a scripted run of the exact bad sequence and in random runs
 * within a bounded number of seeds.
 *
 * (a) A core that never makes its vote durable: a voter that crashes after voting votes again
 *     in the same term, and two candidates lead one term.
 * (b) A core that commits entries of earlier terms by counting replicas (RaftCore's
 *     `isCommittable` seam): the Raft paper's figure 8, where a committed entry is overwritten.
 */
import { describe, expect, it } from 'vitest';
import type { RaftNodeFactory } from '../../src/raft/types.js';
import { countingCommitNode, forgetfulVoteNode } from './broken-variants.js';
import type { FaultKnobs } from './knobs.js';
import { votesProfile } from './profiles.js';
import { runSeed } from './runner.js';
import { figure8Script } from './scenarios/figure8-script.js';
import { crashAfterVoteScript } from './scenarios/vote-script.js';

/** Bound on the seeds a random search may take to find the bug. */
const SEEDS_MAX = 30;

async function firstFailingSeed(
  createNode: RaftNodeFactory,
  profile?: (knobs: FaultKnobs) => FaultKnobs,
): Promise<{ seed: number; violation: string } | null> {
  for (let seed = 1; seed <= SEEDS_MAX; seed++) {
    const result = await runSeed({
      seed,
      createNode,
      ...(profile === undefined ? {} : { profile }),
    });
    const violation = result.violations[0];
    if (violation !== undefined) return { seed, violation };
  }
  return null;
}

describe('the simulator catches a core that forgets its vote', () => {
  it('scripted: the voter votes twice in a term after a crash, and the term has two leaders', async () => {
    const cluster = await crashAfterVoteScript(forgetfulVoteNode);
    const violations = cluster.checker.violations.join('\n');
    expect(violations).toMatch(/node 3 voted for 1 and 2 in term 1/);
    expect(violations).toMatch(/election safety: two leaders in term 1/);
  });

  it(`random: within ${SEEDS_MAX} seeds of the votes profile`, async () => {
    const found = await firstFailingSeed(forgetfulVoteNode, votesProfile);
    expect(found).not.toBeNull();
    expect(found?.violation).toMatch(/voted for \d+ and \d+ in term|two leaders in term/);
  });
});

describe('the simulator catches a core that commits earlier terms by counting', () => {
  it('scripted figure 8: a committed entry is overwritten by a later leader', async () => {
    const cluster = await figure8Script(countingCommitNode);
    const violations = cluster.checker.violations.join('\n');
    expect(violations).toMatch(/commit rule: node 1, leader of term 3/);
    expect(violations).toMatch(/leader completeness: node 5/);
    expect(violations).toMatch(/truncated committed entry/);
    expect(violations).toMatch(/state machine safety/);
  });

  it(`random: within ${SEEDS_MAX} seeds of the standard knobs`, async () => {
    const found = await firstFailingSeed(countingCommitNode);
    expect(found).not.toBeNull();
    expect(found?.violation).toMatch(
      /commit rule|committed|leader completeness|state machine safety/,
    );
  });
});

describe('the same runs with the real core', () => {
  it('report nothing', async () => {
    expect((await crashAfterVoteScript()).checker.violations).toEqual([]);
    expect((await figure8Script()).checker.violations).toEqual([]);
  });
});
