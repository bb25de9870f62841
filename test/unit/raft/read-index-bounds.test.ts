/**
 * ReadIndex bounds and costs (read-index.ts), on a leader that cannot reach a quorum (check-quorum
 * off, or within the election timeout before it steps down):
 *  - at most `readIndexPendingMax` reads wait; beyond, readIndex fails with BUSY;
 *  - reads asked before one Ready share one heartbeat round (one broadcast, not one per read);
 *  - releasing a large backlog at once neither throws (no spread of large arrays) nor costs
 *    more than linear time;
 *  - a leader that steps down reports its pending reads in `Ready.droppedReads`, so the caller
 *    fails them instead of timing each out;
 *  - an answer naming a read context never sent confirms nothing.
 */
import { describe, expect, it } from 'vitest';
import { Network, id } from './network.js';
import { ofType, t } from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const REQUESTS = 50_000;

const heartbeatAnswer = (from: number, term: number, readContext: number | null): Message => ({
  type: 'heartbeatResponse',
  from: id(from),
  to: id(1),
  term: t(term),
  readContext,
});

describe('bounds on a leader without a quorum', () => {
  it('readIndex pushes back once many reads wait for a quorum that does not answer', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    const leader = net.node(1);
    let refused = 0;
    for (let request = 1; request <= REQUESTS; request++) {
      if (!leader.readIndex(request).ok) refused++;
    }
    expect(refused, 'every read was queued').toBeGreaterThan(0);
    expect(refused).toBe(REQUESTS - 10_000); // the default readIndexPendingMax
    expect(leader.readIndex(REQUESTS + 1)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
  });

  it('releasing a large read backlog at once does not throw out of step() (Outbox.addReadStates)', () => {
    // `push(...readStates)` of every released read as call arguments throws RangeError past
    // ~120k, from inside step(heartbeatResponse), after the queue already removed them.
    const net = new Network({ voters: [1, 2, 3], config: { readIndexPendingMax: 200_000 } });
    net.elect(1);
    net.cutBoth(1, 3);
    const leader = net.node(1);
    for (let request = 1; request <= 200_000; request++) leader.readIndex(request);
    const ready = leader.ready();
    leader.advance(ready);
    const heartbeats = ready.messages.filter(
      (message): message is Extract<Message, { type: 'heartbeat' }> =>
        message.type === 'heartbeat' && message.to === id(2),
    );
    // One round for all of them: a single heartbeat to each follower.
    expect(heartbeats).toHaveLength(1);
    const last = heartbeats.at(-1)!;
    expect(() =>
      leader.step({
        type: 'heartbeatResponse',
        from: id(2),
        to: id(1),
        term: last.term,
        readContext: last.readContext,
      }),
    ).not.toThrow();
    expect(leader.ready().readStates.length).toBe(200_000);
  });

  it('the bound counts pending reads only: released reads make room again', () => {
    const net = new Network({ voters: [1, 2, 3], config: { readIndexPendingMax: 2 } });
    net.elect(1);
    const leader = net.node(1);
    expect(leader.readIndex(1).ok).toBe(true);
    expect(leader.readIndex(2).ok).toBe(true);
    expect(leader.readIndex(3)).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    net.stabilize();
    expect(net.readStates.get(id(1))?.map((read) => read.requestId)).toEqual([1, 2]);
    expect(leader.readIndex(3).ok).toBe(true);
  });
});

describe('read rounds', () => {
  it('reads asked after a Ready was taken go out with the next Ready, in a new round', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    const leader = net.node(1);
    leader.readIndex(1);
    leader.readIndex(2);
    expect(leader.hasReady()).toBe(true);
    const first = leader.ready();
    leader.readIndex(3);
    expect(leader.hasReady()).toBe(false); // the first Ready is still outstanding
    leader.advance(first);
    expect(leader.hasReady()).toBe(true);
    const second = leader.ready();
    leader.advance(second);
    const contexts = (messages: readonly Message[]) =>
      ofType(messages, 'heartbeat').map((message) => message.readContext);
    expect(contexts(first.messages)).toEqual([1, 1]);
    expect(contexts(second.messages)).toEqual([2, 2]);
    // An answer to round 1 releases reads 1 and 2 only.
    leader.step(heartbeatAnswer(2, 1, 1));
    expect(leader.ready().readStates.map((read) => read.requestId)).toEqual([1, 2]);
  });

  it('an answer naming a context no heartbeat carried confirms nothing', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    const leader = net.node(1);
    leader.readIndex(1);
    leader.step(heartbeatAnswer(2, 1, 1)); // round 1 was not sent yet
    leader.step(heartbeatAnswer(3, 1, 99));
    const ready = leader.ready();
    expect(ready.readStates).toEqual([]);
    leader.advance(ready);
    leader.step(heartbeatAnswer(2, 1, 1));
    expect(leader.ready().readStates).toEqual([{ requestId: 1, offset: 0 }]);
  });
});

describe('reads of a leader that steps down', () => {
  it('are reported in droppedReads, waiting ones (before its first commit) included', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.node(1).campaign();
    for (let round = 0; round < 2; round++) {
      net.processAll();
      net.deliver();
    }
    const leader = net.node(1);
    expect(leader.status()).toMatchObject({ role: 'leader', commit: -1 });
    leader.readIndex(1); // waits for the leader's first commit
    net.queue = [];
    net.isolate(1);
    net.processReady(1);
    leader.step(heartbeatAnswer(2, 1, null)); // nothing: the answer confirms no read
    leader.readIndex(2);
    leader.step(heartbeatAnswer(2, 5, null)); // a later term: the leader steps down
    expect(leader.status()).toMatchObject({ role: 'follower', term: 5 });
    const ready = net.processReady(1);
    expect(ready?.droppedReads).toEqual([1, 2]);
    expect(ready?.readStates).toEqual([]);
    expect(net.processReady(1)?.droppedReads ?? []).toEqual([]);
  });

  it('are dropped when check-quorum deposes the leader', () => {
    const net = new Network({ voters: [1, 2, 3], config: { checkQuorum: true } });
    net.elect(1);
    net.isolate(1);
    net.node(1).readIndex(7);
    net.processReady(1);
    for (let tick = 0; tick < 20 && net.node(1).status().role === 'leader'; tick++) net.tick(1);
    expect(net.node(1).status().role).toBe('follower');
    net.processReady(1);
    expect(net.droppedReads.get(id(1))).toEqual([7]);
    expect(net.readStates.get(id(1))).toEqual([]);
  });

  it('are dropped when the leader is removed and steps down', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    const leader = net.node(1);
    const membership = { voters: [id(2), id(3)], learners: [] };
    expect(leader.propose({ recordCount: 1, sizeBytes: 1, config: membership }, t(1)).ok).toBe(
      true,
    );
    // Reads asked in the same Ready as the change; the answers to it are lost.
    leader.readIndex(4);
    net.processReady(1);
    net.drop((message) => message.type === 'heartbeatResponse');
    net.deliver();
    net.processAll();
    net.drop((message) => message.type === 'heartbeatResponse');
    net.deliver();
    expect(leader.status().role).toBe('follower');
    net.processReady(1);
    expect(net.droppedReads.get(id(1))).toEqual([4]);
  });
});

describe('a single voter', () => {
  it('confirms its reads at once, without a heartbeat round or an empty Ready', () => {
    const net = new Network({ voters: [1], learners: [2] });
    net.elect(1);
    const leader = net.node(1);
    leader.readIndex(1);
    const ready = leader.ready();
    expect(ready.readStates).toEqual([{ requestId: 1, offset: 0 }]);
    expect(ofType(ready.messages, 'heartbeat')).toEqual([]);
    leader.advance(ready);
    expect(leader.hasReady()).toBe(false);
  });
});
