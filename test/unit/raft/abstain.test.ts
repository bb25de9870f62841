/**
 * RaftConfig.abstain: a node whose storage lost data it may have acknowledged grants no vote
 * or pre-vote and never campaigns until its log reaches what it held before (and, when its
 * term and vote were lost, until it has heard a leader); then it behaves normally again.
 */
import { describe, expect, it } from 'vitest';
import { Network, id, off } from './network.js';
import { cycle, makeNode, sent, t } from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const voteRequest = (
  type: 'vote' | 'preVote',
  from: number,
  to: number,
  term: number,
  lastOffset: number,
  lastTerm: number,
): Message =>
  type === 'vote'
    ? {
        type,
        from: id(from),
        to: id(to),
        term: t(term),
        lastOffset: off(lastOffset),
        lastTerm: t(lastTerm),
        transfer: false,
      }
    : {
        type,
        from: id(from),
        to: id(to),
        term: t(term),
        lastOffset: off(lastOffset),
        lastTerm: t(lastTerm),
      };

describe('abstaining after storage damage', () => {
  it('refuses votes and pre-votes from up-to-date candidates while its log is short', () => {
    const node = makeNode(2, {
      terms: [1, 1],
      term: 1,
      config: { preVote: true, abstain: { untilOffset: off(5), untilLeaderHeard: false } },
    });
    expect(node.status().abstaining).toBe(true);
    node.step(voteRequest('preVote', 1, 2, 2, 1, 1));
    node.step(voteRequest('vote', 3, 2, 2, 1, 1));
    const ready = cycle(node);
    const answers = [...ready.messages, ...ready.messagesAfterPersist];
    expect(
      answers.map((message) => [message.type, 'granted' in message && message.granted]),
    ).toEqual([
      ['preVoteResponse', false],
      ['voteResponse', false],
    ]);
    expect(node.status().term).toBe(2);
    expect(ready.hardState?.vote ?? null).toBeNull();
  });

  it('a healthy node grants the same requests (the rule is what refuses)', () => {
    const node = makeNode(2, { terms: [1, 1], term: 1, config: { preVote: true } });
    expect(node.status().abstaining).toBe(false);
    node.step(voteRequest('vote', 3, 2, 2, 1, 1));
    expect(sent(node, 'voteResponse')[0]?.granted).toBe(true);
  });

  it('does not campaign on election timeouts, campaign() or TimeoutNow', () => {
    const node = makeNode(1, {
      terms: [1],
      term: 1,
      config: { abstain: { untilOffset: off(3), untilLeaderHeard: false } },
    });
    for (let tick = 0; tick < 100; tick++) node.tick();
    node.campaign();
    node.step({ type: 'timeoutNow', from: id(2), to: id(1), term: t(1) });
    expect(node.status()).toMatchObject({ role: 'follower', term: 1, abstaining: true });
    expect(node.hasReady()).toBe(false);
  });

  it('a sole voter does not abstain: nobody could repair it, and the group would stop', () => {
    const node = makeNode(1, {
      terms: [1],
      voters: [1],
      config: { abstain: { untilOffset: off(9), untilLeaderHeard: true } },
    });
    expect(node.status().abstaining).toBe(false);
    node.campaign();
    cycle(node);
    expect(node.status().role).toBe('leader');
  });

  it('catches up from the leader, then votes and campaigns again', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    for (let index = 0; index < 6; index++) net.propose(1);
    net.stabilize();
    const end = net.node(1).status().lastOffset;
    // Node 3 loses the second half of its log from disk.
    const stored = net.storage(3);
    stored.entries = stored.entries.filter((entry) => entry.lastOffset <= 2);
    stored.hardState = { ...stored.hardState, commit: off(2) };
    stored.applied = off(2);
    net.add(id(3), stored, { abstain: { untilOffset: end, untilLeaderHeard: false } });
    expect(net.node(3).status().abstaining).toBe(true);
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.node(3).status()).toMatchObject({ lastOffset: end, abstaining: false });
    // Node 1 goes away; node 3 may lead now, with node 2's vote.
    net.isolate(1);
    net.tick(3, 40);
    net.stabilize();
    expect(net.node(3).status().role === 'leader' || net.node(2).status().role === 'leader').toBe(
      true,
    );
  });

  it('with the hard state lost, also waits for a leader before voting', () => {
    const node = makeNode(2, {
      terms: [1, 1, 1],
      term: 1,
      config: { abstain: { untilOffset: off(2), untilLeaderHeard: true } },
    });
    // Its log holds everything already, but no leader was heard.
    expect(node.status().abstaining).toBe(true);
    node.step(voteRequest('vote', 3, 2, 3, 2, 1));
    expect(sent(node, 'voteResponse')[0]?.granted).toBe(false);
    node.step({
      type: 'heartbeat',
      from: id(1),
      to: id(2),
      term: t(3),
      commit: off(2),
      readContext: null,
    });
    cycle(node);
    expect(node.status()).toMatchObject({ abstaining: false, leader: 1, term: 3 });
    node.step(voteRequest('vote', 3, 2, 4, 2, 1));
    expect(sent(node, 'voteResponse')[0]?.granted).toBe(true);
  });

  it('keeps a damaged voter from electing a leader that lacks a committed entry', () => {
    // 1 leads and commits offsets 0..3 with 3's acknowledgement; 2 was down and holds 0..1.
    // 3 then loses 2..3 from disk. Without the rule, 2 and 3 would elect 2 and lose 2..3.
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1);
    net.stabilize();
    net.isolate(2);
    net.propose(1);
    net.propose(1);
    net.stabilize();
    const committed = net.node(1).status().commit;
    const stored = net.storage(3);
    stored.entries = stored.entries.filter((entry) => entry.lastOffset < committed - 1);
    stored.hardState = { ...stored.hardState, commit: off(-1) };
    stored.applied = off(-1);
    net.add(id(3), stored, { abstain: { untilOffset: committed, untilLeaderHeard: false } });
    net.isolate(1);
    net.heal();
    net.isolate(1);
    net.tick(2, 60);
    net.tick(3, 60);
    net.stabilize();
    expect([net.node(2).status().role, net.node(3).status().role]).not.toContain('leader');
  });
});
