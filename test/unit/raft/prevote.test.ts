/**
 * Pre-vote (Raft thesis 9.6), check-quorum and the leader lease (thesis 6.2 and 4.2.3), and the
 * stale-leader answer that keeps them live (etcd: a lower-term append gets our term back).
 */
import { describe, expect, it } from 'vitest';
import { Network, id, off } from './network.js';
import { allMessages, cycle, makeNode, ofType, sent, t } from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const preVote = (
  from: number,
  to: number,
  term: number,
  lastOffset = -1,
  lastTerm = 0,
): Message => ({
  type: 'preVote',
  from: id(from),
  to: id(to),
  term: t(term),
  lastOffset: off(lastOffset),
  lastTerm: t(lastTerm),
});

describe('pre-vote (Raft thesis 9.6)', () => {
  it('a pre-candidate asks in term + 1 without changing its term or vote; pre-votes need no sync', () => {
    const node = makeNode(1, { terms: [1], term: 1, vote: 3, config: { preVote: true } });
    node.campaign();
    expect(node.status()).toMatchObject({ role: 'preCandidate', term: 1 });
    const ready = cycle(node);
    expect(ready.hardState).toBeNull();
    expect(ready.messagesAfterPersist).toEqual([]);
    expect(ofType(ready.messages, 'preVote').map((message) => [message.to, message.term])).toEqual([
      [2, 2],
      [3, 2],
    ]);
  });

  it('granting a pre-vote changes neither the voter’s term nor its vote', () => {
    const voter = makeNode(2, { terms: [1], term: 1, config: { preVote: true } });
    voter.step(preVote(1, 2, 2, 0, 1));
    const ready = cycle(voter);
    expect(ready.hardState).toBeNull();
    expect(ofType(ready.messages, 'preVoteResponse')[0]).toMatchObject({ granted: true, term: 2 });
    expect(voter.status().term).toBe(1);
    // A real vote in term 2 is still free.
    voter.step({
      type: 'vote',
      from: id(3),
      to: id(2),
      term: t(2),
      lastOffset: off(0),
      lastTerm: t(1),
      transfer: false,
    });
    expect(sent(voter, 'voteResponse')[0]?.granted).toBe(true);
  });

  it('refuses a pre-vote from a less up-to-date log, or from an earlier term', () => {
    const voter = makeNode(2, { terms: [1, 2], term: 2, config: { preVote: true } });
    voter.step(preVote(1, 2, 3, 5, 1));
    voter.step(preVote(3, 2, 1, 9, 9));
    expect(
      sent(voter, 'preVoteResponse').map((message) => [message.to, message.granted, message.term]),
    ).toEqual([
      [1, false, 2],
      [3, false, 2],
    ]);
  });

  it('a pre-vote majority leads to a real election in term + 1', () => {
    const net = new Network({ voters: [1, 2, 3], config: { preVote: true } });
    net.elect(1);
    expect(net.node(1).status().term).toBe(1);
    const types = net.sent.map((message) => message.type);
    expect(types.indexOf('preVote')).toBeLessThan(types.indexOf('vote'));
  });

  it('a rejection from a later term ends the pre-campaign in that term', () => {
    const node = makeNode(1, { terms: [1], term: 1, config: { preVote: true } });
    node.campaign();
    node.step({ type: 'preVoteResponse', from: id(2), to: id(1), term: t(5), granted: false });
    expect(node.status()).toMatchObject({ role: 'follower', term: 5 });
  });

  it('a partitioned node that rejoins does not bump the term (pre-vote + check-quorum)', () => {
    const net = new Network({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.isolate(3);
    for (let tick = 0; tick < 100; tick++) {
      net.tickAll();
      net.stabilize();
    }
    // Cut off, 3 kept asking for pre-votes in vain: its term did not move.
    expect(net.node(3).status().term).toBe(1);
    net.heal();
    for (let tick = 0; tick < 100; tick++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.leader()).toBe(id(1));
    for (const member of [1, 2, 3]) expect(net.node(member).status().term).toBe(1);
  });

  it('pre-vote alone: a rejoining node with a stale log cannot win pre-votes either', () => {
    const net = new Network({ voters: [1, 2, 3], config: { preVote: true } });
    net.elect(1);
    net.isolate(3);
    net.propose(1);
    net.stabilize();
    net.heal();
    net.node(3).campaign();
    net.stabilize();
    expect(net.leader()).toBe(id(1));
    for (const member of [1, 2, 3]) expect(net.node(member).status().term).toBe(1);
  });

  it('without pre-vote the same rejoining node disrupts the group (the problem pre-vote solves)', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    net.propose(1);
    net.stabilize();
    for (let tick = 0; tick < 30; tick++) net.tick(3);
    net.stabilize();
    expect(net.node(3).status().term).toBeGreaterThan(1);
    net.heal();
    net.node(3).campaign();
    net.stabilize();
    expect(net.node(1).status().term).toBeGreaterThan(1);
  });
});

describe('check-quorum and the leader lease (Raft thesis 6.2, 4.2.3)', () => {
  it('a leader that hears from no quorum for an election timeout steps down', () => {
    const net = new Network({ voters: [1, 2, 3], config: { checkQuorum: true } });
    net.elect(1);
    net.isolate(1);
    for (let tick = 0; tick < 9; tick++) net.tick(1);
    expect(net.node(1).status().role).toBe('leader');
    for (let tick = 0; tick < 11; tick++) net.tick(1);
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 1, leader: null });
  });

  it('a leader that hears from a quorum keeps leading', () => {
    const net = new Network({ voters: [1, 2, 3], config: { checkQuorum: true } });
    net.elect(1);
    net.isolate(3);
    for (let tick = 0; tick < 50; tick++) {
      net.tick(1);
      net.stabilize();
    }
    expect(net.node(1).status().role).toBe('leader');
  });

  it('without check-quorum an isolated leader stays leader', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    for (let tick = 0; tick < 50; tick++) net.tick(1);
    expect(net.node(1).status().role).toBe('leader');
  });

  it('followers in the lease ignore a disruptive vote request of a higher term', () => {
    const net = new Network({ voters: [1, 2, 3], config: { checkQuorum: true } });
    net.elect(1);
    // 3 was cut off without pre-vote and inflated its term; now it asks for votes.
    net.isolate(3);
    for (let tick = 0; tick < 40; tick++) net.tick(3);
    net.stabilize();
    expect(net.node(3).status().term).toBeGreaterThan(1);
    net.heal();
    net.node(3).campaign();
    net.processReady(3);
    net.deliver((message) => message.type === 'vote');
    for (const member of [1, 2]) expect(net.node(member).status()).toMatchObject({ term: 1 });
    expect(net.leader()).toBe(id(1));
    expect(allMessages(cycle(net.node(2)))).toEqual([]);
  });

  it('the lease does not stop a vote that follows TimeoutNow (transfer: true)', () => {
    const follower = makeNode(2, { terms: [1], term: 1, config: { checkQuorum: true } });
    follower.step({
      type: 'heartbeat',
      from: id(1),
      to: id(2),
      term: t(1),
      commit: off(0),
      readContext: null,
    });
    cycle(follower);
    const request = {
      type: 'vote' as const,
      from: id(3),
      to: id(2),
      term: t(2),
      lastOffset: off(0),
      lastTerm: t(1),
    };
    follower.step({ ...request, transfer: false });
    expect(follower.status().term).toBe(1);
    follower.step({ ...request, transfer: true });
    expect(follower.status().term).toBe(2);
    expect(sent(follower, 'voteResponse')[0]?.granted).toBe(true);
  });

  it('a stale leader steps down on the append answer carrying the newer term', () => {
    const net = new Network({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.isolate(1);
    // Once their lease expires, 2 and 3 elect a new leader among themselves.
    for (let tick = 0; tick < 40 && net.node(2).status().role !== 'leader'; tick++) {
      net.tick(2);
      net.tick(3);
      net.stabilize();
      if (net.node(3).status().role === 'leader') break;
    }
    const newLeader = net.node(2).status().role === 'leader' ? 2 : 3;
    expect(net.node(newLeader).status()).toMatchObject({ role: 'leader', term: 2 });
    net.heal();
    // 1 still believes it leads term 1; its heartbeat draws an answer in term 2.
    net.tick(1);
    net.stabilize();
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 2 });
    expect(
      net.sent.some(
        (message) =>
          message.type === 'appendResponse' &&
          message.to === id(1) &&
          message.term === 2 &&
          !message.success,
      ),
    ).toBe(true);
  });
});
