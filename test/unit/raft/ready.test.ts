/** The Ready / advance protocol (types.ts, Ready): what is handed out, and misuse asserted. */
import { describe, expect, it } from 'vitest';
import { Network, id, off } from './network.js';
import { allMessages, cycle, makeNode, ofType, t } from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const appendsTo = (messages: readonly Message[], to: number) =>
  ofType(messages, 'append').filter((message) => message.to === id(to));

describe('Ready and advance', () => {
  it('carries hard state only when it changed; syncs for term, vote or log changes only', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1);
    net.processReady(1);
    net.deliver();
    net.processReady(2);
    net.deliver();
    // Commit moved on the leader: hard state without a sync, and appends carrying it.
    const ready = cycle(net.node(1));
    expect(ready.hardState).toMatchObject({ commit: 1 });
    expect(ready.entries).toEqual([]);
    expect(ready.mustSync).toBe(false);
    expect(ready.committed).toEqual({ from: 1, to: 1 });
    expect(appendsTo(ready.messages, 2)[0]?.commit).toBe(1);
    expect(net.node(1).hasReady()).toBe(false);
  });

  it('asserts advance() with a Ready that is not the last one, and ready() twice', () => {
    const node = makeNode(1, { voters: [1] });
    node.campaign();
    const first = node.ready();
    expect(() => node.ready()).toThrow(/before advance/);
    node.advance(first);
    const second = node.ready();
    expect(() => node.advance(first)).toThrow(/not the last one/);
    node.advance(second);
    expect(() => node.advance(second)).toThrow();
    expect(allMessages(second)).toEqual([]);
  });
});

describe('the worked example of types.ts', () => {
  it('proposes, replicates, commits and hands out the committed range as documented', () => {
    const batch = { baseOffset: off(0), lastOffset: off(9), term: t(1), sizeBytes: 100 };
    const net = new Network({
      voters: [1, 2, 3],
      storage: (_member, fresh) => ({
        ...fresh,
        entries: [batch],
        hardState: { term: t(1), vote: null, commit: off(9) },
        applied: off(9),
      }),
    });
    net.elect(1);
    expect(net.node(1).status()).toMatchObject({ term: 2, lastOffset: 10, commit: 10 });
    const leader = net.node(1);
    const result = leader.propose({ recordCount: 5, sizeBytes: 300 }, t(2));
    const entry = { baseOffset: 11, lastOffset: 15, term: 2, sizeBytes: 300 };
    expect(result).toEqual({ ok: true, entry });
    const ready = leader.ready();
    expect(ready.entries).toEqual([entry]);
    expect(ready.hardState).toBeNull();
    expect(ofType(ready.messages, 'append')).toEqual(
      [2, 3].map((to) => ({
        type: 'append',
        from: 1,
        to,
        term: 2,
        prevLastOffset: 10,
        prevTerm: 2,
        entries: [entry],
        commit: 10,
      })),
    );
    leader.advance(ready);
    expect(leader.status().commit).toBe(10);
    leader.step({
      type: 'appendResponse',
      from: id(2),
      to: id(1),
      term: t(2),
      success: true,
      matchOffset: off(15),
      rejectHint: off(-1),
      rejectHintTerm: t(0),
    });
    expect(leader.status().commit).toBe(15);
    expect(leader.ready().committed).toEqual({ from: 11, to: 15 });
  });
});
