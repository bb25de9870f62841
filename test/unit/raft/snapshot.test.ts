/**
 * Log compaction and InstallSnapshot (Raft paper section 7, thesis chapter 5), and restarting
 * from what was persisted (paper figure 2, "persistent state on all servers").
 */
import { describe, expect, it } from 'vitest';
import { RaftCore } from '../../../src/raft/index.js';
import { Network, entriesOfTerms, id, off } from './network.js';
import { configOf, cycle, makeNode, ofType, sent, storageOf, t } from './fixtures.js';
import type { Membership, Message, Ready, SnapshotMeta } from '../../../src/raft/index.js';

const installSnapshot = (snapshot: SnapshotMeta, term = 2): Message => ({
  type: 'installSnapshot',
  from: id(2),
  to: id(1),
  term: t(term),
  snapshot,
});

const membership: Membership = { voters: [1, 2, 3].map(id), learners: [id(4)] };

describe('compaction and InstallSnapshot (Raft paper 7)', () => {
  it('compact() records the snapshot: last offset, its term, the configuration in force there', () => {
    const net = new Network({ voters: [1, 2, 3], learners: [4] });
    net.elect(1);
    net.propose(1, 10, 3);
    net.stabilize();
    const node = net.node(1);
    expect(() => node.compact(off(4))).toThrow(/beyond applied/);
    node.compact(off(3));
    expect(node.status().snapshot).toEqual({ lastOffset: 3, term: 1, membership });
    expect(node.status().lastOffset).toBe(3);
  });

  it('a follower behind the log start gets the snapshot, installs it, then replicates', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    for (let proposal = 0; proposal < 5; proposal++) net.propose(1);
    net.stabilize();
    net.node(1).compact(off(4));
    net.propose(1);
    net.stabilize();
    net.heal();
    net.tick(1);
    let installed: Ready | null = null;
    for (let round = 0; round < 20 && installed === null; round++) {
      net.processReady(1);
      net.deliver();
      const ready = net.processReady(3);
      if (ready !== null && ready.snapshot !== null) installed = ready;
      net.deliver();
    }
    const snapshots = ofType(net.sent, 'installSnapshot');
    expect(snapshots.map((message) => [message.to, message.snapshot.lastOffset])).toEqual([[3, 4]]);
    expect(installed?.snapshot).toMatchObject({ lastOffset: 4, term: 1 });
    expect(installed?.mustSync).toBe(true);
    // The answer promises the snapshot is durable: it waits for the Ready to persist.
    expect(ofType(installed?.messagesAfterPersist ?? [], 'appendResponse')[0]).toMatchObject({
      success: true,
      matchOffset: 4,
    });
    net.stabilize();
    expect(net.node(3).status()).toMatchObject({ lastOffset: 6, commit: 6, applied: 6 });
    expect(net.node(3).status().snapshot.lastOffset).toBe(4);
    expect(
      net
        .node(1)
        .status()
        .progress.find((progress) => progress.id === 3)?.state,
    ).toBe('replicate');
  });

  it('a follower holding the snapshot’s last entry with its term only moves its commit', () => {
    const follower = makeNode(1, { terms: [1, 1, 1], term: 2 });
    follower.step(installSnapshot({ lastOffset: off(1), term: t(1), membership }));
    const ready = cycle(follower);
    expect(ready.snapshot).toBeNull();
    expect(ready.committed).toEqual({ from: 0, to: 1 });
    expect(follower.status()).toMatchObject({ lastOffset: 2, commit: 1 });
    expect(ofType(ready.messagesAfterPersist, 'appendResponse')[0]?.matchOffset).toBe(1);
  });

  it('a snapshot at or behind the commit offset is ignored', () => {
    const follower = makeNode(1, { terms: [1, 1, 1], term: 2, commit: 2 });
    follower.step(installSnapshot({ lastOffset: off(1), term: t(1), membership }));
    const ready = cycle(follower);
    expect(ready.snapshot).toBeNull();
    expect(ofType(ready.messagesAfterPersist, 'appendResponse')[0]).toMatchObject({
      success: true,
      matchOffset: 2,
    });
  });

  it('an installed snapshot replaces a conflicting log, and its configuration is in effect', () => {
    const follower = makeNode(1, { terms: [1, 1, 1, 1], term: 2 });
    follower.step(installSnapshot({ lastOffset: off(2), term: t(2), membership }));
    const ready = cycle(follower);
    expect(ready.snapshot).toEqual({ lastOffset: 2, term: 2, membership });
    expect(ready.truncateFrom).toBeNull();
    expect(ready.committed).toBeNull();
    expect(follower.status()).toMatchObject({ lastOffset: 2, commit: 2, applied: 2, membership });
  });

  it('a lost snapshot is sent again', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    net.node(1).compact(off(3));
    net.heal();
    net.tick(1);
    for (let round = 0; round < 10; round++) {
      net.processAll();
      net.drop((message) => message.type === 'installSnapshot');
      net.deliver();
    }
    expect(net.node(3).status().lastOffset).toBe(0);
    for (let tick = 0; tick < 20; tick++) {
      net.tick(1);
      net.stabilize();
    }
    expect(net.node(3).status()).toMatchObject({ lastOffset: 3, commit: 3 });
  });
});

describe('restart from persisted state (Raft paper figure 2)', () => {
  it('keeps term and vote: no second vote in the same term after a crash', () => {
    const net = new Network({ voters: [1, 2, 3] });
    const voteRequest = (from: number): Message => ({
      type: 'vote',
      from: id(from),
      to: id(1),
      term: t(5),
      lastOffset: off(-1),
      lastTerm: t(0),
      transfer: false,
    });
    net.node(1).step(voteRequest(2));
    net.processReady(1);
    const restarted = net.restart(1);
    expect(restarted.status().term).toBe(5);
    restarted.step(voteRequest(3));
    expect(sent(restarted, 'voteResponse')[0]?.granted).toBe(false);
  });

  it('restarts from hard state, snapshot and entries; a commit beyond the log end is clamped', () => {
    const snapshot: SnapshotMeta = { lastOffset: off(4), term: t(2), membership };
    const core = new RaftCore(configOf(1), {
      hardState: { term: t(3), vote: id(2), commit: off(9) },
      snapshot,
      entries: entriesOfTerms([2, 3, 3], 5),
      applied: off(5),
    });
    expect(core.status()).toMatchObject({
      role: 'follower',
      term: 3,
      lastOffset: 7,
      lastTerm: 3,
      commit: 7,
      applied: 5,
      snapshot,
      membership,
    });
    expect(cycle(core).committed).toEqual({ from: 6, to: 7 });
  });

  it('a hard state older than the log’s last term is raised to it, with no vote', () => {
    const node = makeNode(1, { terms: [1, 3], term: 2, vote: 2 });
    expect(node.status().term).toBe(3);
  });

  it('rejects a recovered state whose applied offset is beyond the log', () => {
    expect(
      () => new RaftCore(configOf(1), { ...storageOf({ terms: [1] }), applied: off(3) }),
    ).toThrow(/applied/);
  });

  it('the whole group restarts and keeps every committed entry', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    const committed = net.node(1).status().commit;
    for (const member of [1, 2, 3]) net.restart(member);
    for (const member of [1, 2, 3]) {
      expect(net.node(member).status()).toMatchObject({
        term: 1,
        commit: committed,
        role: 'follower',
      });
    }
    net.elect(2);
    const entry = net.propose(2);
    net.stabilize();
    expect(entry.baseOffset).toBe(committed + 2);
    expect(net.node(3).status().commit).toBe(entry.lastOffset);
  });
});
