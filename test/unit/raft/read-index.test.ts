/** Linearizable reads with ReadIndex (Raft thesis 6.4). */
import { describe, expect, it } from 'vitest';
import { Network, id } from './network.js';
import { ofType } from './fixtures.js';

describe('ReadIndex (Raft thesis 6.4)', () => {
  it('answers once a quorum confirmed leadership, at the commit offset of the request', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1);
    net.stabilize();
    expect(net.node(1).readIndex(7)).toEqual({ ok: true });
    const ready = net.processReady(1);
    const heartbeats = ofType(ready?.messages ?? [], 'heartbeat');
    expect(heartbeats).toHaveLength(2);
    expect(heartbeats.every((message) => message.readContext !== null)).toBe(true);
    expect(net.readStates.get(id(1))).toEqual([]);
    // A proposal after the request does not move its read point.
    net.propose(1);
    net.stabilize();
    expect(net.readStates.get(id(1))).toEqual([{ requestId: 7, offset: 1 }]);
  });

  it('needs a quorum of voters, itself included; one answer of three voters is enough', () => {
    const net = new Network({ voters: [1, 2, 3], learners: [4] });
    net.elect(1);
    net.isolate(3);
    net.node(1).readIndex(1);
    net.stabilize();
    expect(net.readStates.get(id(1))).toEqual([{ requestId: 1, offset: 0 }]);
    net.isolate(2);
    net.node(1).readIndex(2);
    net.stabilize();
    // Only the learner answers: no quorum of voters.
    expect(net.readStates.get(id(1))).toHaveLength(1);
  });

  it('a single voter answers at once', () => {
    const net = new Network({ voters: [1] });
    net.elect(1);
    net.node(1).readIndex(3);
    const ready = net.processReady(1);
    expect(ready?.readStates).toEqual([{ requestId: 3, offset: 0 }]);
  });

  it('waits until the leader committed an entry of its own term', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.node(1).campaign();
    for (let round = 0; round < 2; round++) {
      net.processAll();
      net.deliver();
    }
    expect(net.node(1).status()).toMatchObject({ role: 'leader', commit: -1 });
    net.node(1).readIndex(5);
    net.processReady(1);
    expect(net.readStates.get(id(1))).toEqual([]);
    net.stabilize();
    expect(net.readStates.get(id(1))).toEqual([{ requestId: 5, offset: 0 }]);
  });

  it('releases reads in order; an answer to a later round confirms the earlier ones', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.node(1).readIndex(1);
    net.processReady(1);
    net.queue = []; // the first round's heartbeats are lost
    net.node(1).readIndex(2);
    net.stabilize();
    expect(net.readStates.get(id(1))?.map((state) => state.requestId)).toEqual([1, 2]);
  });

  it('refuses on a non-leader', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    expect(net.node(2).readIndex(1)).toEqual({
      ok: false,
      error: { code: 'NOT_LEADER', leader: 1 },
    });
  });

  it('a deposed leader never produces a ReadState', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    net.node(1).readIndex(9);
    net.processReady(1);
    net.elect(2);
    net.propose(2);
    net.stabilize();
    net.heal();
    for (let tick = 0; tick < 20; tick++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.node(1).status()).toMatchObject({ role: 'follower', leader: 2 });
    expect(net.readStates.get(id(1))).toEqual([]);
  });
});
