/**
 * Back-pressure on the uncommitted log (RaftConfig.uncommittedBytesMax, etcd's
 * MaxUncommittedEntriesSize): a leader that cannot commit stops accepting data proposals once
 * the entries it appended after its commit offset weigh more than the bound (BUSY), instead of
 * growing its log and its Readys without limit. Configuration entries and the no-op always
 * pass; committing frees the room; one entry larger than the bound still goes when nothing else
 * is uncommitted (or it could never be proposed).
 */
import { describe, expect, it } from 'vitest';
import { Network, id } from './network.js';
import type { RaftNode } from '../../../src/raft/index.js';

const REQUESTS = 50_000;

function proposeBytes(node: RaftNode, sizeBytes: number) {
  return node.propose({ recordCount: 1, sizeBytes }, node.status().term);
}

describe('uncommitted bytes on a leader without a quorum', () => {
  it('propose pushes back once the uncommitted suffix is large', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    const leader = net.node(1);
    let refused = 0;
    for (let proposal = 0; proposal < REQUESTS; proposal++) {
      const result = leader.propose({ recordCount: 1, sizeBytes: 1 << 20 }, leader.status().term);
      if (!result.ok) refused++;
    }
    // Without the bound: 50 GB of uncommitted entries accepted. The default bound is 64 MiB.
    expect(refused, 'every proposal was appended').toBeGreaterThan(0);
    expect(REQUESTS - refused).toBe(64);
    expect(proposeBytes(leader, 1)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
  });

  it('committing frees room; configuration entries pass beyond the bound', () => {
    const net = new Network({ voters: [1, 2, 3], config: { uncommittedBytesMax: 100 } });
    net.elect(1);
    net.isolate(1);
    const leader = net.node(1);
    expect(proposeBytes(leader, 60).ok).toBe(true);
    expect(proposeBytes(leader, 40).ok).toBe(true); // exactly 100
    expect(proposeBytes(leader, 1)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    net.heal();
    net.stabilize();
    expect(proposeBytes(leader, 100).ok).toBe(true);
    net.isolate(1);
    expect(proposeBytes(leader, 1).ok).toBe(false);
    // A configuration change may be what restores a quorum: it is never refused for size.
    const membership = { voters: [id(1), id(2), id(3)], learners: [id(4)] };
    net.heal();
    net.stabilize();
    expect(proposeBytes(leader, 100).ok).toBe(true);
    const change = leader.propose(
      { recordCount: 1, sizeBytes: 500, config: membership },
      leader.status().term,
    );
    expect(change.ok).toBe(true);
  });

  it('an entry larger than the bound goes alone, not after others', () => {
    const net = new Network({ voters: [1, 2, 3], config: { uncommittedBytesMax: 100 } });
    net.elect(1);
    net.isolate(1);
    const leader = net.node(1);
    expect(proposeBytes(leader, 500).ok).toBe(true);
    expect(proposeBytes(leader, 500)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
  });

  it('a new leader counts its own entries, not its predecessor’s uncommitted ones', () => {
    const net = new Network({ voters: [1, 2, 3], config: { uncommittedBytesMax: 200 } });
    net.elect(1);
    net.cutBoth(1, 3);
    net.cut(2, 1); // 2 receives the entry, its answers are lost: nothing commits
    expect(proposeBytes(net.node(1), 150).ok).toBe(true);
    net.stabilize();
    expect(net.node(2).status()).toMatchObject({ lastOffset: 1, commit: 0 });
    net.heal();
    net.isolate(1);
    net.node(2).campaign();
    for (let round = 0; round < 2; round++) {
      net.processAll();
      net.deliver();
    }
    net.isolate(2); // before its no-op (80 bytes) commits the predecessor's entry
    const leader = net.node(2);
    expect(leader.status()).toMatchObject({ role: 'leader', commit: 0, lastOffset: 2 });
    expect(proposeBytes(leader, 100).ok).toBe(true); // 80 + 100: the 150 are not counted
    expect(proposeBytes(leader, 30)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
  });
});
