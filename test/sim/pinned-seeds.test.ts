/**
 * Seeds that once found a real bug, pinned so the bug stays fixed (STYLE.md, rule 7). Each
 * replays the exact run that failed, under the knob derivation of the commit that fixed it;
 * if knobs.ts or the workload change the random schedule, re-check that the seeds still reach
 * the code path (the unit test named beside each one pins the fix itself).
 *
 * - 2, 75, 113 (3, 5, 5 nodes): an installSnapshot payload damaged in flight was restored into
 *   the state machine, which failed on the bytes (or silently diverged). Fix: the payload is
 *   sent behind a CRC-32C and a damaged one is dropped (src/replica/snapshot-payload.ts; unit
 *   test "installs a snapshot (dropping a damaged payload)" in test/unit/replica).
 * - 10322 (3 nodes): a leader queued an append, then followed a newer leader whose entries
 *   replaced the ones that append named, in the same Ready; reading them back for the payload
 *   found other batches and the replica failed on an assertion (and a payload taken from the
 *   Ready's own new entries, looked up by offset only, would have carried the wrong bytes).
 *   Fix: such a stale append is dropped (src/replica/ready-processor.ts, log-entries.ts; unit
 *   test "drops an append a former leader queued for entries the same Ready truncates").
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from './runner.js';

const PINNED: readonly { readonly seed: number; readonly bug: string }[] = [
  { seed: 2, bug: 'damaged snapshot payload restored' },
  { seed: 75, bug: 'damaged snapshot payload restored' },
  { seed: 113, bug: 'damaged snapshot payload restored' },
  { seed: 10322, bug: 'stale append for entries truncated in the same Ready' },
];

describe('pinned seeds', () => {
  for (const { seed, bug } of PINNED) {
    it(`seed ${seed} (${bug}) runs clean`, async () => {
      const result = await runSeed({ seed });
      expect(result.violations).toEqual([]);
    });
  }
});
