/**
 * RaftConfig.soleVoterSkipsNoop: a node that becomes leader as its group's only member since its
 * snapshot commits its durable log instead of appending a no-op (a partition of replication
 * factor 1 keeps gap-free offsets across restarts), and appends the no-op lazily when a
 * configuration change or a read index needs an entry of its term. Anything short of "only
 * member since the snapshot" keeps the usual no-op.
 */
import { describe, expect, it } from 'vitest';
import { cycle, makeNode, t } from './fixtures.js';
import { entriesOfTerms, id, off } from './network.js';

const SKIP = { soleVoterSkipsNoop: true };

/** Campaigns and runs Readys (as if persisted) until the node leads. */
function elect(node: ReturnType<typeof makeNode>): void {
  node.campaign();
  for (let round = 0; round < 5 && node.status().role !== 'leader'; round++) cycle(node);
}

describe('sole voter without a no-op', () => {
  it('commits a restarted log of earlier terms at once, appending nothing', () => {
    const node = makeNode(1, { terms: [1, 1, 2, 2, 2], voters: [1], commit: 1, config: SKIP });
    elect(node);
    const status = node.status();
    expect(status.role).toBe('leader');
    expect(status.term).toBe(3);
    expect(status.lastOffset).toBe(4);
    expect(status.commit).toBe(4);
    const ready = cycle(node);
    expect(ready.entries).toEqual([]);
    expect(ready.committed).toEqual({ from: 2, to: 4 });
  });

  it('gives a fresh group its first data entry at offset 0', () => {
    const node = makeNode(1, { voters: [1], config: SKIP });
    elect(node);
    cycle(node);
    const proposed = node.propose({ recordCount: 3, sizeBytes: 100 }, node.status().term);
    expect(proposed).toMatchObject({ ok: true, entry: { baseOffset: 0, lastOffset: 2 } });
  });

  it('appends the no-op lazily when a configuration change needs an entry of its term', () => {
    const node = makeNode(1, { terms: [1, 1], voters: [1], config: SKIP });
    elect(node);
    cycle(node);
    const term = node.status().term;
    const change = {
      recordCount: 1,
      sizeBytes: 50,
      config: { voters: [id(1)], learners: [id(2)] },
    };
    const refused = node.propose(change, term);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFIG_CHANGE_REJECTED' } });
    const ready = cycle(node);
    expect(ready.entries).toEqual([
      { baseOffset: off(2), lastOffset: off(2), term: t(term), sizeBytes: 80, noop: true },
    ]);
    cycle(node);
    expect(node.propose(change, term)).toMatchObject({ ok: true, entry: { baseOffset: 3 } });
  });

  it('keeps the no-op for a group that had another member, or without the option', () => {
    const withConfig = makeNode(1, {
      entries: [
        ...entriesOfTerms([1]),
        {
          baseOffset: off(1),
          lastOffset: off(1),
          term: t(1),
          sizeBytes: 10,
          config: { voters: [id(1)], learners: [] },
        },
      ],
      voters: [1, 2],
      config: SKIP,
    });
    elect(withConfig);
    expect(cycle(withConfig).entries.map((entry) => entry.noop)).toEqual([true]);
    const plain = makeNode(1, { terms: [1, 1], voters: [1] });
    elect(plain);
    expect(cycle(plain).entries.map((entry) => entry.noop)).toEqual([true]);
  });
});
