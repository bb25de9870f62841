/**
 * Membership changes (Raft thesis chapter 4): single-server changes (4.1–4.3), configurations in
 * effect on append (4.1), learners (4.2.1, "non-voting members"), removing the leader (4.2.2),
 * and the pure helpers that build configurations.
 */
import { describe, expect, it } from 'vitest';
import { membershipAfter, validateMembershipChange } from '../../../src/raft/index.js';
import { Network, freshStorage, id, off } from './network.js';
import { cycle, makeNode, t } from './fixtures.js';
import type { EntryMeta, Membership } from '../../../src/raft/index.js';

const config = (voters: number[], learners: number[] = []): Membership => ({
  voters: voters.map(id),
  learners: learners.map(id),
});

/** A group of voters 1..3 plus spare nodes 4 and 5 that are not members yet. */
function group(options: { voters?: number[]; learners?: number[] } = {}): Network {
  const voters = options.voters ?? [1, 2, 3];
  const net = new Network({ voters, learners: options.learners ?? [] });
  const initial = net.node(voters[0]!).status().membership;
  for (const spare of [4, 5]) {
    if (!net.nodes.has(id(spare))) net.add(id(spare), freshStorage(initial));
  }
  return net;
}

function proposeConfig(net: Network, leader: number, membership: Membership) {
  const node = net.node(leader);
  return node.propose({ recordCount: 1, sizeBytes: 20, config: membership }, node.status().term);
}

describe('membership helpers', () => {
  it('membershipAfter builds addLearner, promote, addVoter and remove', () => {
    const start = config([1, 2, 3]);
    const learner = membershipAfter(start, { type: 'addLearner', node: id(4) });
    expect(learner).toEqual({ ok: true, membership: config([1, 2, 3], [4]) });
    if (!learner.ok) return;
    expect(membershipAfter(learner.membership, { type: 'promote', node: id(4) })).toEqual({
      ok: true,
      membership: config([1, 2, 3, 4]),
    });
    expect(membershipAfter(start, { type: 'addVoter', node: id(5) })).toEqual({
      ok: true,
      membership: config([1, 2, 3, 5]),
    });
    expect(membershipAfter(learner.membership, { type: 'remove', node: id(2) })).toEqual({
      ok: true,
      membership: config([1, 3], [4]),
    });
    expect(membershipAfter(start, { type: 'promote', node: id(2) }).ok).toBe(false);
    expect(membershipAfter(start, { type: 'addLearner', node: id(2) }).ok).toBe(false);
    expect(membershipAfter(start, { type: 'remove', node: id(9) }).ok).toBe(false);
  });

  it('allows one voter in or out at a time, learners freely (thesis 4.1)', () => {
    const start = config([1, 2, 3], [6]);
    expect(validateMembershipChange(start, config([1, 2, 3, 4], [6]))).toBeNull();
    expect(validateMembershipChange(start, config([1, 2], [6]))).toBeNull();
    expect(validateMembershipChange(start, config([1, 2, 3, 6]))).toBeNull(); // promote
    expect(validateMembershipChange(start, config([1, 2], [3, 6]))).toBeNull(); // demote
    expect(validateMembershipChange(start, config([1, 2, 3], [4, 5]))).toBeNull(); // learners
    expect(validateMembershipChange(start, config([1, 2, 3, 4, 5]))).toMatch(/one at a time/);
    expect(validateMembershipChange(start, config([1, 4], [6]))).toMatch(/one at a time/);
    expect(validateMembershipChange(start, config([1, 2, 3], [3]))).toMatch(/twice/);
    expect(validateMembershipChange(config([1]), config([]))).toMatch(/at least one voter/);
  });
});

describe('configuration changes in the core (Raft thesis 4)', () => {
  it('a configuration takes effect when appended, on the leader and on followers', () => {
    const net = group();
    net.elect(1);
    net.cut(2, 1);
    net.cut(3, 1);
    const result = proposeConfig(net, 1, config([1, 2, 3], [4]));
    expect(result.ok).toBe(true);
    expect(net.node(1).status().membership).toEqual(config([1, 2, 3], [4]));
    expect(
      net
        .node(1)
        .status()
        .progress.map((progress) => progress.id),
    ).toEqual([2, 3, 4]);
    net.stabilize();
    // Not committed (the answers are lost), yet in effect on the followers that appended it.
    expect(net.node(2).status().commit).toBeLessThan(result.ok ? result.entry.lastOffset : 0);
    expect(net.node(2).status().membership).toEqual(config([1, 2, 3], [4]));
  });

  it('a truncated configuration entry stops being in effect', () => {
    const entries: EntryMeta[] = [
      { baseOffset: off(0), lastOffset: off(0), term: t(1), sizeBytes: 1 },
      {
        baseOffset: off(1),
        lastOffset: off(1),
        term: t(2),
        sizeBytes: 1,
        config: config([1, 2, 3], [4]),
      },
    ];
    const follower = makeNode(1, { entries, term: 2, commit: 0 });
    expect(follower.status().membership).toEqual(config([1, 2, 3], [4]));
    follower.step({
      type: 'append',
      from: id(2),
      to: id(1),
      term: t(3),
      prevLastOffset: off(0),
      prevTerm: t(1),
      entries: [{ baseOffset: off(1), lastOffset: off(1), term: t(3), sizeBytes: 1 }],
      commit: off(0),
    });
    expect(cycle(follower).truncateFrom).toBe(1);
    expect(follower.status().membership).toEqual(config([1, 2, 3]));
  });

  it('refuses a change before the leader committed an entry of its term', () => {
    const net = group();
    net.node(1).campaign();
    net.processAll();
    net.deliver();
    net.processAll();
    net.deliver();
    expect(net.node(1).status()).toMatchObject({ role: 'leader', commit: -1 });
    expect(proposeConfig(net, 1, config([1, 2, 3], [4]))).toEqual({
      ok: false,
      error: {
        code: 'CONFIG_CHANGE_REJECTED',
        reason: 'the leader has not committed an entry of its term yet',
      },
    });
  });

  it('refuses a change while the previous one is not committed', () => {
    const net = group();
    net.elect(1);
    expect(proposeConfig(net, 1, config([1, 2, 3], [4])).ok).toBe(true);
    const second = proposeConfig(net, 1, config([1, 2, 3], [4, 5]));
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFIG_CHANGE_REJECTED' } });
    net.stabilize();
    expect(proposeConfig(net, 1, config([1, 2, 3], [4, 5])).ok).toBe(true);
  });

  it('refuses changing two voters at once', () => {
    const net = group();
    net.elect(1);
    expect(proposeConfig(net, 1, config([1, 2, 3, 4, 5]))).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_CHANGE_REJECTED' },
    });
  });

  it('learners receive the log but neither count toward commit nor elections', () => {
    const net = group({ voters: [1, 2], learners: [3] });
    net.elect(1);
    net.cutBoth(1, 2);
    const entry = net.propose(1);
    net.stabilize();
    expect(net.node(3).status().lastOffset).toBe(entry.lastOffset);
    expect(net.node(1).status().commit).toBeLessThan(entry.lastOffset);
    for (let tick = 0; tick < 100; tick++) net.tick(3);
    expect(net.node(3).status().role).toBe('follower');
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.node(1).status().commit).toBe(entry.lastOffset);
  });

  it('a candidate does not count a learner’s vote', () => {
    const candidate = makeNode(1, { voters: [1, 2, 3], learners: [4] });
    candidate.campaign();
    cycle(candidate);
    candidate.step({ type: 'voteResponse', from: id(4), to: id(1), term: t(1), granted: true });
    expect(candidate.status().role).toBe('candidate');
    candidate.step({ type: 'voteResponse', from: id(2), to: id(1), term: t(1), granted: true });
    expect(candidate.status().role).toBe('leader');
  });

  it('a learner catches up, is promoted, and then votes and may lead', () => {
    const net = group();
    net.elect(1);
    net.propose(1);
    expect(proposeConfig(net, 1, config([1, 2, 3], [4])).ok).toBe(true);
    net.stabilize();
    expect(net.node(4).status().lastOffset).toBe(net.node(1).status().lastOffset);
    expect(proposeConfig(net, 1, config([1, 2, 3, 4])).ok).toBe(true);
    net.stabilize();
    expect(net.node(4).status().membership).toEqual(config([1, 2, 3, 4]));
    net.elect(4);
    expect(net.leader()).toBe(id(4));
  });

  it('a new voter raises the quorum as soon as its configuration is appended', () => {
    const net = group();
    net.elect(1);
    expect(proposeConfig(net, 1, config([1, 2, 3, 4])).ok).toBe(true);
    net.stabilize();
    net.isolate(4);
    net.cutBoth(1, 3);
    const entry = net.propose(1);
    net.stabilize();
    // 1 and 2 are a majority of {1, 2, 3} but not of {1, 2, 3, 4}.
    expect(net.node(1).status().commit).toBeLessThan(entry.lastOffset);
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.node(1).status().commit).toBe(entry.lastOffset);
  });

  it('a removed leader replicates until the change commits (without counting itself), then steps down', () => {
    const net = group();
    net.elect(1);
    const result = proposeConfig(net, 1, config([2, 3]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // The leader's own copy never becomes durable here: {2, 3} is the quorum that counts.
    const ready = net.node(1).ready();
    net.route(ready.messages);
    expect(net.node(1).status().role).toBe('leader');
    net.deliver();
    net.processReady(2);
    net.processReady(3);
    net.deliver();
    expect(net.node(1).status()).toMatchObject({
      role: 'follower',
      commit: result.entry.lastOffset,
    });
    net.persist(id(1), ready);
    net.node(1).advance(ready);
    for (let tick = 0; tick < 100 && net.leader() === null; tick++) {
      net.tickAll();
      net.stabilize();
    }
    expect([id(2), id(3)]).toContain(net.leader());
    // The removed node never campaigns, however long it waits.
    for (let tick = 0; tick < 100; tick++) net.tick(1);
    expect(net.node(1).status().role).toBe('follower');
  });

  it('refuses promoting a learner that has not caught up with the commit offset', () => {
    const net = group();
    net.elect(1);
    expect(proposeConfig(net, 1, config([1, 2, 3], [4])).ok).toBe(true);
    net.stabilize();
    net.isolate(4);
    net.propose(1);
    net.stabilize();
    expect(proposeConfig(net, 1, config([1, 2, 3, 4]))).toEqual({
      ok: false,
      error: {
        code: 'CONFIG_CHANGE_REJECTED',
        reason: 'learner 4 has not caught up: match 1 < commit 2',
      },
    });
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(proposeConfig(net, 1, config([1, 2, 3, 4])).ok).toBe(true);
  });

  it('a removed leader hands off: the others learn the commit and one campaigns at once', () => {
    const net = group();
    net.elect(1);
    const result = proposeConfig(net, 1, config([2, 3]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    // No tick at all: without the hand-off the group would wait an election timeout.
    net.stabilize();
    expect(net.node(1).status().role).toBe('follower');
    expect(net.leader()).toBe(id(2)); // both caught up: the first in configuration order
    expect(net.node(2).status().term).toBe(2);
    for (const member of [2, 3]) {
      expect(net.node(member).status().commit).toBeGreaterThanOrEqual(result.entry.lastOffset);
    }
  });

  it('the hand-off goes to the most caught-up remaining voter', () => {
    const net = group({ voters: [1, 2, 3, 4] });
    net.elect(1);
    net.cut(1, 2); // 2 falls behind
    net.propose(1);
    const result = proposeConfig(net, 1, config([2, 3, 4]));
    expect(result.ok).toBe(true);
    net.stabilize();
    expect(net.node(1).status().role).toBe('follower');
    const handOff = net.sent.filter((message) => message.type === 'timeoutNow');
    expect(handOff.map((message) => message.to)).toEqual([id(3)]);
    expect(net.leader()).toBe(id(3));
  });
});
