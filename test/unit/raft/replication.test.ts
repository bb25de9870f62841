/**
 * Log replication: Raft paper 5.3 (log matching, consistency check, repair), 5.4.2 and figure 8
 * (the commit rule), thesis 10.2.1 (appends before the leader's own fsync), and etcd's flow
 * control (probe / replicate, in-flight window, byte budget, heartbeat-driven recovery).
 */
import { describe, expect, it } from 'vitest';
import { NOOP_ENTRY_BYTES, RaftCore } from '../../../src/raft/index.js';
import { Network, entriesOfTerms, id, off } from './network.js';
import { configOf, cycle, makeNode, ofType, sent, storageOf, t } from './fixtures.js';
import type { EntryMeta, Message } from '../../../src/raft/index.js';

const append = (
  prev: number,
  prevTerm: number,
  entries: readonly EntryMeta[],
  { term = 3, commit = -1, from = 2 } = {},
): Message => ({
  type: 'append',
  from: id(from),
  to: id(1),
  term: t(term),
  prevLastOffset: off(prev),
  prevTerm: t(prevTerm),
  entries,
  commit: off(commit),
});

const logOf = (net: Network, member: number): string[] =>
  net
    .storage(member)
    .entries.map((entry) => `${entry.baseOffset}-${entry.lastOffset}:${entry.term}`);

const appendsTo = (messages: readonly Message[], to: number) =>
  ofType(messages, 'append').filter((message) => message.to === id(to));

describe('the leader (Raft paper 5.3, thesis 6.4 and 10.2.1)', () => {
  it('appends a one-offset no-op entry of its term when elected, and commits it', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    expect(net.storage(1).entries).toEqual([
      { baseOffset: 0, lastOffset: 0, term: 1, sizeBytes: NOOP_ENTRY_BYTES, noop: true },
    ]);
    for (const member of [1, 2, 3]) expect(net.node(member).status().commit).toBe(0);
  });

  it('sends appends before its own fsync, but counts its own copy only after advance()', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.cutBoth(1, 3);
    const entry = net.propose(1, 100, 5);
    expect(entry).toMatchObject({ baseOffset: 1, lastOffset: 5, term: 1 });
    const leader = net.node(1);
    const ready = leader.ready();
    expect(ready.entries).toEqual([entry]);
    expect(appendsTo(ready.messages, 2)[0]?.entries).toEqual([entry]);
    expect(ready.messagesAfterPersist).toEqual([]);
    net.route(ready.messages);
    net.deliver();
    net.processReady(2);
    net.deliver();
    // Node 2 holds offset 5 durably; our own copy is not durable yet: 1 of 3, no quorum.
    expect(leader.status().commit).toBe(0);
    net.persist(id(1), ready);
    leader.advance(ready);
    expect(leader.status().commit).toBe(5);
  });

  it('refuses proposals unless it leads in the expected term; asserts recordCount >= 1', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    const proposal = { recordCount: 1, sizeBytes: 1 };
    expect(net.node(2).propose(proposal, t(1))).toEqual({
      ok: false,
      error: { code: 'NOT_LEADER', leader: 1 },
    });
    expect(net.node(1).propose(proposal, t(0))).toEqual({
      ok: false,
      error: { code: 'TERM_MISMATCH', term: 1 },
    });
    expect(() => net.node(1).propose({ recordCount: 0, sizeBytes: 1 }, t(1))).toThrow();
  });

  it('sends heartbeats every heartbeatTicks with commit = min(leader commit, follower match)', () => {
    const net = new Network({ voters: [1, 2, 3], config: { heartbeatTicks: 3 } });
    net.elect(1);
    net.cutBoth(1, 3);
    net.propose(1);
    net.stabilize();
    net.node(1).tick();
    net.node(1).tick();
    expect(sent(net.node(1), 'heartbeat')).toEqual([]);
    net.node(1).tick();
    const heartbeats = sent(net.node(1), 'heartbeat');
    expect(heartbeats.map((message) => [message.to, message.commit])).toEqual([
      [2, 1],
      [3, 0],
    ]);
  });
});

describe('the follower (Raft paper 5.3)', () => {
  it('rejects an append whose (prevLastOffset, prevTerm) it does not hold, with a hint', () => {
    const cases: [prev: number, prevTerm: number, hint: number, hintTerm: number][] = [
      [2, 3, 2, 2], // conflicting term at prev: our last entry of a term <= 3
      [5, 2, 2, 2], // beyond our log: our last offset
      [2, 1, 1, 1], // our entry at 2 is of term 2 > 1: back to the last entry of term <= 1
    ];
    for (const [prev, prevTerm, hint, hintTerm] of cases) {
      const follower = makeNode(1, { terms: [1, 1, 2], term: 3 });
      follower.step(append(prev, prevTerm, []));
      const [response] = sent(follower, 'appendResponse');
      expect(response).toMatchObject({
        success: false,
        matchOffset: prev,
        rejectHint: hint,
        rejectHintTerm: hintTerm,
      });
      expect(follower.status().lastOffset).toBe(2);
    }
  });

  it('truncates a conflicting suffix from the first conflicting offset and appends the rest', () => {
    const follower = makeNode(1, { terms: [1, 1, 2, 2], term: 3, commit: 0 });
    const incoming = entriesOfTerms([1, 3, 3], 1);
    follower.step(append(0, 1, incoming, { commit: 2 }));
    const ready = cycle(follower);
    expect(ready.truncateFrom).toBe(2);
    expect(ready.entries).toEqual(incoming.slice(1));
    expect(ready.mustSync).toBe(true);
    // The answer promises durability: it waits for the Ready to persist.
    expect(ready.messages).toEqual([]);
    expect(ofType(ready.messagesAfterPersist, 'appendResponse')[0]).toMatchObject({
      success: true,
      matchOffset: 3,
    });
    expect(follower.status()).toMatchObject({ lastOffset: 3, lastTerm: 3, commit: 2 });
  });

  it('skips entries it holds with the same term; commit = min(leader commit, last verified)', () => {
    const follower = makeNode(1, { terms: [1, 1, 2, 2], term: 3 });
    follower.step(append(0, 1, entriesOfTerms([1, 2], 1), { commit: 3 }));
    const ready = cycle(follower);
    expect(ready.truncateFrom).toBeNull();
    expect(ready.entries).toEqual([]);
    // Offset 3 is held, but this append does not vouch for it: commit stops at 2.
    expect(follower.status().commit).toBe(2);
    expect(ofType(ready.messagesAfterPersist, 'appendResponse')[0]?.matchOffset).toBe(2);
  });

  it('answers an append that starts below its commit offset with the commit offset', () => {
    const follower = makeNode(1, { terms: [1, 1, 2], term: 3, commit: 2 });
    follower.step(append(0, 1, entriesOfTerms([1], 1)));
    expect(sent(follower, 'appendResponse')[0]).toMatchObject({ success: true, matchOffset: 2 });
  });

  it('never truncates a committed entry (assertion)', () => {
    const core = new RaftCore(configOf(1), storageOf({ terms: [1, 1, 2], term: 3, commit: 2 }));
    expect(() => core.appendFromLeader(entriesOfTerms([3], 1))).toThrow(/committed/);
  });
});

describe('log repair', () => {
  // Raft paper figure 7: the leader's log and six possible follower logs (terms per offset).
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followerLogs: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };

  it.each(Object.entries(followerLogs))(
    'the leader makes follower (%s) of figure 7 identical to its log',
    (_name, followerLog) => {
      const specs = [leaderLog, followerLog, leaderLog];
      const net = new Network({
        voters: [1, 2, 3],
        storage: (member, fresh) => ({
          ...fresh,
          entries: entriesOfTerms(specs[member - 1] ?? []),
          hardState: { ...fresh.hardState, term: t(7) },
        }),
      });
      net.elect(1);
      net.propose(1);
      net.stabilize();
      expect(logOf(net, 2)).toEqual(logOf(net, 1));
      expect(net.node(2).status().commit).toBe(net.node(1).status().commit);
    },
  );

  it('a partitioned old leader rejoins and its uncommitted suffix is overwritten', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    net.elect(2);
    net.propose(2);
    net.stabilize();
    net.heal();
    net.node(2).tick();
    net.stabilize();
    expect(net.node(1).status()).toMatchObject({ role: 'follower', term: 2, leader: 2 });
    expect(logOf(net, 1)).toEqual(logOf(net, 2));
    expect(net.applied.get(id(1))).toEqual(net.applied.get(id(2)));
  });

  it('fast backtracking repairs a long divergent log in O(terms) round trips, not O(entries)', () => {
    // Offsets 0..9 agree (term 1). The follower then has 150 entries of terms 2, 3 and 5 that
    // the leader never had; the leader has 150 entries of term 6 there.
    const followerLog = [
      ...Array<number>(10).fill(1),
      ...Array<number>(50).fill(2),
      ...Array<number>(50).fill(3),
      ...Array<number>(50).fill(5),
    ];
    const leaderLog = [...Array<number>(10).fill(1), ...Array<number>(150).fill(6)];
    const specs = [leaderLog, followerLog, leaderLog];
    const net = new Network({
      voters: [1, 2, 3],
      config: { messageBytesMax: 100 },
      storage: (member, fresh) => ({
        ...fresh,
        entries: entriesOfTerms(specs[member - 1] ?? []),
        hardState: { term: t(6), vote: null, commit: off(9) },
        applied: off(9),
      }),
    });
    net.elect(1);
    const rejections = net.sent.filter(
      (message) => message.type === 'appendResponse' && message.from === id(2) && !message.success,
    );
    expect(logOf(net, 2)).toEqual(logOf(net, 1));
    // One rejection skips a whole term: at most one per divergent term, plus the first probe.
    expect(rejections.length).toBeLessThanOrEqual(4);
  });

  it('a follower that is simply behind is repaired after a single rejection (hint = its end)', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(2);
    for (let proposal = 0; proposal < 50; proposal++) net.propose(1);
    net.stabilize();
    net.heal();
    net.node(1).tick();
    net.stabilize();
    const rejections = net.sent.filter(
      (message) => message.type === 'appendResponse' && message.from === id(2) && !message.success,
    );
    // The heartbeat answer triggers an append at the leader's end; its rejection's hint
    // (the follower's last offset) takes the leader straight to where the logs match.
    expect(rejections).toHaveLength(1);
    expect(logOf(net, 2)).toEqual(logOf(net, 1));
  });
});

describe('the commit rule (Raft paper 5.4.2, figure 8)', () => {
  /** Figure 8, state (c): S1 leads term 4; the term-2 entry at offset 1 is on S1, S2, S3. */
  function figure8(broken = false): Network {
    const logs: Record<number, number[]> = { 1: [1, 2], 2: [1, 2], 3: [1], 4: [1], 5: [1, 3] };
    const terms: Record<number, number> = { 1: 3, 2: 2, 3: 3, 4: 3, 5: 3 };
    // The broken variant, as the simulator's test builds it: RaftCore's one seam overridden.
    class CountsEarlierTerms extends RaftCore {
      protected override isCommittable(): boolean {
        return true;
      }
    }
    const net = new Network({
      voters: [1, 2, 3, 4, 5],
      config: { messageBytesMax: 1 },
      factory: (config, state) =>
        broken ? new CountsEarlierTerms(config, state) : new RaftCore(config, state),
      storage: (member, fresh) => ({
        ...fresh,
        entries: entriesOfTerms(logs[member] ?? []),
        hardState: { term: t(terms[member] ?? 0), vote: null, commit: off(0) },
        applied: off(0),
      }),
    });
    // S5 is down; S1 is elected in term 4 with S2 and S3 and appends its no-op at offset 2.
    net.isolate(5);
    net.cutBoth(1, 4);
    net.node(1).campaign();
    // The no-op reaches S2 only: S3 gets the term-2 entry, never the term-4 one (appends that
    // carry the no-op reach S3 only when it would reject them).
    const noopS3WouldTake = (message: Message): boolean =>
      message.type === 'append' &&
      message.to === id(3) &&
      message.entries.some((entry) => entry.term === 4) &&
      net.node(3).status().lastOffset >= message.prevLastOffset;
    // S1 crashes before anyone hears of a commit beyond offset 0 (so only it could apply more).
    const commitNews = (message: Message): boolean =>
      (message.type === 'append' || message.type === 'heartbeat') && message.commit >= 1;
    for (let round = 0; round < 50; round++) {
      net.processAll();
      net.drop((message) => noopS3WouldTake(message) || commitNews(message));
      net.deliver();
      net.tick(1);
    }
    return net;
  }

  it('a leader does not commit an earlier term entry held by a majority, by counting', () => {
    const net = figure8();
    expect(net.node(1).status()).toMatchObject({ role: 'leader', term: 4 });
    expect(net.storage(3).entries.map((entry) => entry.term)).toEqual([1, 2]);
    expect(net.node(1).status().commit).toBe(0);
    // State (d): S1 crashes; S5 wins term 5 with S2... no, with S3 and S4, and overwrites
    // offset 1 with its term-3 entry. Nobody ever applied the term-2 entry: no conflict.
    net.heal();
    net.isolate(1);
    net.node(5).campaign();
    net.stabilize();
    net.node(5).campaign();
    net.stabilize();
    expect(net.node(5).status().role).toBe('leader');
    const applied = (member: number) =>
      (net.applied.get(id(member)) ?? []).map((entry) => `${entry.baseOffset}:${entry.term}`);
    for (const member of [1, 2, 3, 4, 5]) expect(applied(member)).not.toContain('1:2');
    expect(applied(5)).toContain('1:3');
  });

  it('the broken rule (count earlier-term entries) commits it, and then loses it', () => {
    const net = figure8(true);
    expect(net.node(1).status().commit).toBe(1);
    expect(
      (net.applied.get(id(1)) ?? []).map((entry) => `${entry.baseOffset}:${entry.term}`),
    ).toContain('1:2');
    net.heal();
    net.isolate(1);
    net.node(5).campaign();
    net.stabilize();
    net.node(5).campaign();
    net.stabilize();
    expect(net.node(5).status().role).toBe('leader');
    // S5 applies a different entry at offset 1 than S1 did: state machine safety is broken.
    expect(
      (net.applied.get(id(5)) ?? []).map((entry) => `${entry.baseOffset}:${entry.term}`),
    ).toContain('1:3');
  });

  it('the earlier-term entry commits together with the first entry of the current term', () => {
    const net = figure8();
    net.heal();
    net.isolate(5);
    net.node(1).tick();
    net.stabilize();
    expect(net.node(1).status().commit).toBe(2);
  });
});
