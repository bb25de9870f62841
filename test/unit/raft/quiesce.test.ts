/**
 * Quiescence (RaftConfig.quiesceAfterTicks): an idle group's leader stops heartbeating, its
 * followers keep their election timers and count `leaderAlive` signals as heartbeats, and any
 * real input wakes the leader.
 */
import { describe, expect, it } from 'vitest';
import { Network, id } from './network.js';
import { asTerm } from '../../../src/raft/index.js';
import type { Message } from '../../../src/raft/index.js';

const QUIESCE_AFTER = 5;

function quiescingNetwork(quiesceAfterTicks = QUIESCE_AFTER): Network {
  const net = new Network({
    voters: [1, 2, 3],
    config: {
      preVote: true,
      checkQuorum: true,
      heartbeatTicks: 1,
      electionTicks: 10,
      quiesceAfterTicks,
    },
  });
  net.elect(1);
  net.propose(1);
  net.stabilize();
  return net;
}

/**
 * `ticks` ticks of every node; after each, the leader's process signals the followers it leads
 * quiesced (what the broker's liveness frame does) unless `alive` is false or it is cut off.
 */
function run(net: Network, ticks: number, alive = true): void {
  for (let tick = 0; tick < ticks; tick++) {
    net.tickAll();
    net.stabilize();
    if (!alive) continue;
    const leader = net.leader();
    if (leader === null || !net.node(leader).isQuiesced()) continue;
    const term = net.node(leader).status().term;
    for (const [member, node] of net.nodes) if (member !== leader) node.leaderAlive(leader, term);
  }
}

const heartbeatsSince = (net: Network, start: number): Message[] =>
  net.sent.slice(start).filter((message) => message.type === 'heartbeat');

describe('quiescence', () => {
  it('an idle leader sends one last heartbeat marked quiesce, then none', () => {
    const net = quiescingNetwork();
    run(net, QUIESCE_AFTER + 1);
    expect(net.node(1).isQuiesced()).toBe(true);
    expect(net.node(2).isQuiesced()).toBe(true);
    expect(net.node(3).isQuiesced()).toBe(true);
    expect(
      net.sent.some((message) => message.type === 'heartbeat' && message.quiesce === true),
    ).toBe(true);
    const start = net.sent.length;
    run(net, 100);
    expect(heartbeatsSince(net, start)).toEqual([]);
    // 100 ticks is ten election timeouts: the liveness signal alone kept everyone in place.
    expect(net.leader()).toBe(id(1));
    expect(net.node(2).status()).toMatchObject({
      role: 'follower',
      term: net.node(1).status().term,
    });
  });

  it('quiesces after more idle ticks than an election timeout (check-quorum rounds in between)', () => {
    const net = quiescingNetwork(25);
    run(net, 24);
    expect(net.node(1).isQuiesced()).toBe(false);
    run(net, 2);
    expect(net.node(1).isQuiesced()).toBe(true);
  });

  it('without the liveness signal, the followers elect a new leader after a timeout', () => {
    const net = quiescingNetwork();
    run(net, QUIESCE_AFTER + 1);
    const term = net.node(1).status().term;
    // The leader's process dies (no more signals, no more messages).
    net.isolate(1);
    run(net, 40, false);
    const status2 = net.node(2).status();
    const status3 = net.node(3).status();
    expect([status2.role, status3.role]).toContain('leader');
    expect(Math.max(status2.term, status3.term)).toBeGreaterThan(term);
  });

  it('ignores a signal for another leader or another term', () => {
    const net = quiescingNetwork();
    run(net, QUIESCE_AFTER + 1);
    const term = net.node(1).status().term;
    net.isolate(1);
    for (let tick = 0; tick < 40; tick++) {
      net.tickAll();
      net.stabilize();
      net.node(2).leaderAlive(id(3), term);
      net.node(3).leaderAlive(id(1), asTerm(term - 1));
    }
    expect(net.node(2).status().role === 'leader' || net.node(3).status().role === 'leader').toBe(
      true,
    );
  });

  it('a proposal wakes the leader: replicated and committed at once, quiet again after', () => {
    const net = quiescingNetwork();
    run(net, QUIESCE_AFTER + 1);
    const entry = net.propose(1);
    expect(net.node(1).isQuiesced()).toBe(false);
    net.stabilize();
    for (const member of [1, 2, 3]) expect(net.node(member).status().commit).toBe(entry.lastOffset);
    expect(net.node(2).isQuiesced()).toBe(false);
    run(net, QUIESCE_AFTER + 1);
    expect(net.node(1).isQuiesced()).toBe(true);
    expect(net.node(2).isQuiesced()).toBe(true);
  });

  it('does not quiesce while a follower lags behind', () => {
    const net = quiescingNetwork();
    net.cutBoth(1, 3);
    net.propose(1);
    run(net, 30);
    expect(net.node(1).isQuiesced()).toBe(false);
    net.heal();
    run(net, QUIESCE_AFTER + 2);
    expect(net.node(1).isQuiesced()).toBe(true);
    expect(net.node(3).status().commit).toBe(net.node(1).status().commit);
  });

  it('a follower that missed the quiesce heartbeat wakes the leader with its pre-vote, no term change', () => {
    const net = quiescingNetwork();
    const term = net.node(1).status().term;
    net.cut(1, 3);
    run(net, QUIESCE_AFTER + 1);
    expect(net.node(1).isQuiesced()).toBe(true);
    expect(net.node(3).isQuiesced()).toBe(false);
    net.heal();
    // Node 3 hears nothing and campaigns; its pre-vote wakes the leader, node 2 refuses it
    // (it hears from its leader), and the leader's heartbeats bring node 3 back.
    run(net, 25);
    expect(net.sent.some((message) => message.type === 'preVote' && message.from === id(3))).toBe(
      true,
    );
    expect(net.leader()).toBe(id(1));
    for (const member of [1, 2, 3]) expect(net.node(member).status().term).toBe(term);
    expect(net.node(3).status().leader).toBe(id(1));
  });

  it('is off unless configured', () => {
    const net = new Network({ voters: [1, 2, 3], config: { heartbeatTicks: 1 } });
    net.elect(1);
    net.stabilize();
    const start = net.sent.length;
    run(net, 50);
    expect(net.node(1).isQuiesced()).toBe(false);
    expect(heartbeatsSince(net, start).length).toBe(100);
  });
});
