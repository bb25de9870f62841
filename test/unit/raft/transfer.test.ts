/** Leadership transfer (Raft thesis 3.10, TimeoutNow). */
import { describe, expect, it } from 'vitest';
import { Network, id } from './network.js';
import { t } from './fixtures.js';

describe('leadership transfer (Raft thesis 3.10)', () => {
  it('hands leadership to an up-to-date voter: TimeoutNow, then an election in term + 1', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    expect(net.node(1).transferLeadership(id(2))).toEqual({ ok: true });
    net.stabilize();
    expect(net.leader()).toBe(id(2));
    expect(net.node(2).status().term).toBe(2);
    expect(net.node(1).status()).toMatchObject({ role: 'follower', leader: 2 });
    const timeoutNow = net.sent.filter((message) => message.type === 'timeoutNow');
    expect(timeoutNow.map((message) => [message.from, message.to])).toEqual([[1, 2]]);
  });

  it('catches a lagging target up first', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    for (let proposal = 0; proposal < 5; proposal++) net.propose(1);
    net.stabilize();
    net.heal();
    expect(net.node(1).transferLeadership(id(3)).ok).toBe(true);
    // Proposals wait while the transfer runs.
    expect(net.node(1).propose({ recordCount: 1, sizeBytes: 1 }, t(1))).toEqual({
      ok: false,
      error: { code: 'TRANSFER_IN_PROGRESS' },
    });
    net.stabilize();
    expect(net.leader()).toBe(id(3));
    expect(net.node(3).status().lastOffset).toBeGreaterThanOrEqual(5);
  });

  it('skips pre-vote and passes the leader lease (transfer: true)', () => {
    const net = new Network({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.node(1).transferLeadership(id(3));
    net.stabilize();
    expect(net.leader()).toBe(id(3));
    const votes = net.sent.filter((message) => message.type === 'vote' && message.from === id(3));
    expect(votes.every((message) => message.type === 'vote' && message.transfer)).toBe(true);
    expect(net.sent.some((message) => message.type === 'preVote' && message.from === id(3))).toBe(
      false,
    );
  });

  it('aborts after an election timeout when the target does not take over', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(2);
    expect(net.node(1).transferLeadership(id(2)).ok).toBe(true);
    net.stabilize();
    for (let tick = 0; tick < 9; tick++) net.tick(1);
    expect(net.node(1).propose({ recordCount: 1, sizeBytes: 1 }, t(1)).ok).toBe(false);
    net.tick(1);
    expect(net.node(1).propose({ recordCount: 1, sizeBytes: 1 }, t(1)).ok).toBe(true);
    expect(net.node(1).status().role).toBe('leader');
  });

  it('refuses a target that is not a voter, itself, or a call on a non-leader', () => {
    const net = new Network({ voters: [1, 2, 3], learners: [4] });
    net.elect(1);
    expect(net.node(1).transferLeadership(id(4)).ok).toBe(false);
    expect(net.node(1).transferLeadership(id(9)).ok).toBe(false);
    expect(net.node(1).transferLeadership(id(1)).ok).toBe(false);
    expect(net.node(2).transferLeadership(id(3))).toEqual({ ok: false, reason: 'not the leader' });
  });

  it('a learner or a follower of another term ignores TimeoutNow it cannot act on', () => {
    const net = new Network({ voters: [1, 2, 3], learners: [4] });
    net.elect(1);
    net.node(4).step({ type: 'timeoutNow', from: id(1), to: id(4), term: t(1) });
    expect(net.node(4).status().role).toBe('follower');
    net.node(2).step({ type: 'timeoutNow', from: id(1), to: id(2), term: t(0) });
    expect(net.node(2).status().role).toBe('follower');
  });
});
