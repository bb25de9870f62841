/**
 * Leader election: Raft paper 5.1 (terms), 5.2 (elections), 5.4.1 (election restriction), and
 * the durability of term and vote (figure 2, "persistent state"; ARCHITECTURE.md decision 6).
 */
import { describe, expect, it } from 'vitest';
import { RaftCore } from '../../../src/raft/index.js';
import { Network, id, off } from './network.js';
import {
  allMessages,
  configOf,
  cycle,
  makeNode,
  ofType,
  sent,
  storageOf,
  t,
  ticksToCampaign,
} from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const heartbeat = (from: number, to: number, term: number): Message => ({
  type: 'heartbeat',
  from: id(from),
  to: id(to),
  term: t(term),
  commit: off(-1),
  readContext: null,
});

const vote = (from: number, to: number, term: number, lastOffset = -1, lastTerm = 0): Message => ({
  type: 'vote',
  from: id(from),
  to: id(to),
  term: t(term),
  lastOffset: off(lastOffset),
  lastTerm: t(lastTerm),
  transfer: false,
});

describe('terms (Raft paper 5.1)', () => {
  it('a follower, candidate or leader that sees a higher term adopts it and follows', () => {
    const follower = makeNode(1, { term: 1 });
    const candidate = makeNode(1, { term: 1 });
    candidate.campaign();
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    const leader = net.node(1);
    for (const node of [follower, candidate, leader]) {
      node.step(heartbeat(2, 1, 5));
      const status = node.status();
      expect(status.role).toBe('follower');
      expect(status.term).toBe(5);
      // An append or heartbeat names the leader of its term.
      expect(status.leader).toBe(2);
    }
  });

  it('a vote request of a higher term raises the term without naming a leader', () => {
    const node = makeNode(1, { term: 1 });
    node.step(vote(2, 1, 4));
    expect(node.status()).toMatchObject({ role: 'follower', term: 4, leader: null });
  });

  it('a message of a lower term is not processed; a stale leader gets our term back', () => {
    const node = makeNode(1, { term: 3 });
    node.step(heartbeat(2, 1, 2));
    node.step(vote(2, 1, 2));
    expect(node.status()).toMatchObject({ term: 3, leader: null });
    const messages = allMessages(cycle(node));
    // The heartbeat gets an append rejection in our term (so its sender steps down), the vote
    // request a refusal in our term (figure 2: so the candidate updates its term).
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ type: 'appendResponse', term: 3, success: false, to: 2 });
    expect(messages[1]).toMatchObject({ type: 'voteResponse', term: 3, granted: false, to: 2 });
  });

  it('a candidate a term behind a voter that never writes to it catches up and wins', () => {
    // Voter 3's configuration ({1, 3}, uncommitted) leaves 2 out, so 3's own campaigns never
    // reach 2; 1 refuses them both (its log is ahead). 2's stale request must teach it 3's term,
    // or 2 campaigns one term behind 3 for ever.
    const candidate = makeNode(2, { terms: [1], term: 6 });
    const voter = makeNode(3, { terms: [1], term: 8, vote: 3 });
    candidate.campaign(); // term 7: stale for the voter, which answers in its term
    cycle(candidate);
    voter.step(vote(2, 3, 7, 0, 1));
    const refusal = ofType(allMessages(cycle(voter)), 'voteResponse');
    expect(refusal).toMatchObject([{ term: 8, granted: false }]);
    candidate.step(refusal[0] as Message);
    expect(candidate.status()).toMatchObject({ role: 'follower', term: 8 });
    candidate.campaign(); // term 9: ahead of the voter now
    const request = ofType(allMessages(cycle(candidate)), 'vote').find((m) => m.to === id(3));
    voter.step(request as Message);
    expect(ofType(allMessages(cycle(voter)), 'voteResponse')).toMatchObject([
      { term: 9, granted: true },
    ]);
  });

  it('a leader steps down when an answer carries a higher term', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.node(1).step({
      type: 'appendResponse',
      from: id(2),
      to: id(1),
      term: t(7),
      success: false,
      matchOffset: off(0),
      rejectHint: off(0),
      rejectHintTerm: t(1),
    });
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 7, leader: null });
  });
});

describe('elections (Raft paper 5.2)', () => {
  it('a follower campaigns after its election timeout: new term, own vote, requests to voters', () => {
    const node = makeNode(1, { terms: [1, 1], term: 1 });
    const ticks = ticksToCampaign(node);
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(ticks).toBeLessThan(20);
    expect(node.status()).toMatchObject({ role: 'candidate', term: 2 });
    const ready = cycle(node);
    expect(ready.hardState).toEqual({ term: 2, vote: 1, commit: -1 });
    expect(ready.mustSync).toBe(true);
    // Vote requests promise our vote is durable: they leave only after the Ready persists.
    expect(ready.messages).toEqual([]);
    expect(ready.messagesAfterPersist).toEqual([
      { ...vote(1, 2, 2, 1, 1), transfer: false },
      { ...vote(1, 3, 2, 1, 1), transfer: false },
    ]);
  });

  it('randomizes election timeouts in [electionTicks, 2 * electionTicks), differently per node', () => {
    const timeouts = new Set<number>();
    for (let member = 1; member <= 20; member++) {
      const ticks = ticksToCampaign(makeNode(member, { seed: member, voters: [member, 100, 101] }));
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
      timeouts.add(ticks);
    }
    expect(timeouts.size).toBeGreaterThan(3);
  });

  it('the same seed gives the same timeouts (determinism)', () => {
    const run = (): number[] => {
      const node = makeNode(1, { seed: 42 });
      return [ticksToCampaign(node), ticksToCampaign(node), ticksToCampaign(node)];
    };
    expect(run()).toEqual(run());
  });

  it("counts the candidate's own vote only once its term and vote are durable", () => {
    const candidate = makeNode(1, { voters: [1, 2, 3] });
    candidate.campaign();
    const ready = candidate.ready();
    // Node 2's grant arrives before our own Ready is persisted: 1 of 3 votes is not a majority.
    candidate.step({ type: 'voteResponse', from: id(2), to: id(1), term: t(1), granted: true });
    expect(candidate.status().role).toBe('candidate');
    candidate.advance(ready);
    expect(candidate.status().role).toBe('leader');
  });

  it('a voter grants at most one vote per term (and repeats the one it gave)', () => {
    const voter = makeNode(1, { term: 1 });
    const answer = (from: number): boolean => {
      voter.step(vote(from, 1, 2));
      const [response] = sent(voter, 'voteResponse');
      return response?.granted ?? false;
    };
    expect(answer(2)).toBe(true);
    expect(answer(3)).toBe(false);
    expect(answer(2)).toBe(true);
    expect(voter.status().term).toBe(2);
  });

  it('vote answers leave only after the Ready that records the vote is durable', () => {
    const voter = makeNode(1, { term: 1 });
    voter.step(vote(2, 1, 2));
    const ready = cycle(voter);
    expect(ready.hardState).toMatchObject({ term: 2, vote: 2 });
    expect(ready.mustSync).toBe(true);
    expect(ready.messages).toEqual([]);
    expect(ofType(ready.messagesAfterPersist, 'voteResponse')).toHaveLength(1);
  });

  it('refuses a candidate whose log is less up to date (5.4.1)', () => {
    // Our log: offsets 0..2, last term 2.
    const cases: [lastOffset: number, lastTerm: number, granted: boolean][] = [
      [1, 1, false], // older last term
      [5, 1, false], // longer, but older last term
      [1, 2, false], // same last term, shorter
      [2, 2, true], // identical
      [3, 2, true], // same term, longer
      [0, 3, true], // newer last term, even if shorter
    ];
    for (const [lastOffset, lastTerm, granted] of cases) {
      const voter = makeNode(1, { terms: [1, 2, 2], term: 2 });
      voter.step(vote(2, 1, 3, lastOffset, lastTerm));
      expect(sent(voter, 'voteResponse')[0]?.granted, `${lastOffset}/${lastTerm}`).toBe(granted);
    }
  });

  it('a candidate that hears from the leader of its term becomes its follower', () => {
    const candidate = makeNode(1, { term: 1 });
    candidate.campaign();
    expect(candidate.status().term).toBe(2);
    candidate.step(heartbeat(3, 1, 2));
    expect(candidate.status()).toMatchObject({ role: 'follower', term: 2, leader: 3 });
  });

  it('a candidate refused by a majority falls back to follower in its term', () => {
    const candidate = makeNode(1, { voters: [1, 2, 3] });
    candidate.campaign();
    cycle(candidate);
    for (const from of [2, 3]) {
      candidate.step({
        type: 'voteResponse',
        from: id(from),
        to: id(1),
        term: t(1),
        granted: false,
      });
    }
    expect(candidate.status()).toMatchObject({ role: 'follower', term: 1 });
  });

  it('a split vote is resolved by a later election', () => {
    const net = new Network({ voters: [1, 2, 3, 4] });
    // 1 and 2 campaign in term 1 at once; 3 votes for 1 and 4 for 2: nobody has 3 of 4.
    net.cutBoth(1, 4);
    net.cutBoth(2, 3);
    net.node(1).campaign();
    net.node(2).campaign();
    net.stabilize();
    expect(net.leader()).toBeNull();
    net.heal();
    for (let tick = 0; tick < 100 && net.leader() === null; tick++) {
      net.tickAll();
      net.stabilize();
    }
    const leader = net.leader();
    expect(leader).not.toBeNull();
    expect(net.node(leader!).status().term).toBeGreaterThan(1);
  });

  it('a candidate with a stale log cannot win; an up-to-date one overwrites the rest', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    net.propose(1);
    net.stabilize();
    net.heal();
    net.node(3).campaign();
    net.stabilize();
    expect(net.node(3).status().role).not.toBe('leader');
    net.node(2).campaign();
    net.stabilize();
    expect(net.leader()).toBe(id(2));
    expect(net.node(3).status().lastOffset).toBe(net.node(2).status().lastOffset);
  });

  it('a single voter elects itself, with or without pre-vote', () => {
    for (const preVote of [false, true]) {
      const net = new Network({ voters: [1], config: { preVote } });
      net.tick(1, 20);
      net.stabilize();
      expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 1, commit: 0 });
    }
  });

  it('a learner answers vote requests (its promotion may not have reached it yet)', () => {
    const learner = makeNode(4, { voters: [1, 2, 3], learners: [4] });
    learner.step(vote(1, 4, 1));
    expect(sent(learner, 'voteResponse')[0]?.granted).toBe(true);
  });

  it('a learner or a removed node never campaigns', () => {
    const learner = makeNode(4, { voters: [1, 2, 3], learners: [4] });
    const stranger = makeNode(5, { voters: [1, 2, 3] });
    for (const node of [learner, stranger]) {
      for (let tick = 0; tick < 100; tick++) node.tick();
      node.campaign();
      expect(node.status()).toMatchObject({ role: 'follower', term: 0 });
      expect(node.hasReady()).toBe(false);
    }
  });

  it('asserts illegal role transitions', () => {
    const core = new RaftCore(configOf(1), storageOf({ voters: [1] }));
    expect(() => core.becomeLeader()).toThrow('invalid transition follower -> leader');
    core.campaign();
    cycle(core);
    expect(core.status().role).toBe('leader');
    expect(() => core.becomeCandidate(false)).toThrow('invalid transition leader -> candidate');
  });
});
