/**
 * Leaving the snapshot state (liveness). A follower in the snapshot state leaves it when it
 * acknowledges the snapshot that was actually sent (`pendingSnapshot`, as etcd did), not only
 * the leader's current one: if the leader compacted again while a snapshot was in flight, the
 * follower's success answer must still move it on (probe, then the newer snapshot at once)
 * instead of waiting for the retry after 2 * electionTicks.
 */
import { describe, expect, it } from 'vitest';
import { Network, id, off } from './network.js';

describe('snapshot state after a second compaction', () => {
  it('a follower that acknowledged the snapshot sent gets the newer one without waiting 2 election timeouts', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    net.node(1).compact(off(3));
    net.heal();
    // Heartbeat -> answer -> the leader sends snapshot 3 to node 3; hold it in flight.
    net.tick(1);
    for (let round = 0; round < 5; round++) {
      net.processAll();
      net.deliver((message) => message.type !== 'installSnapshot');
    }
    const inFlight = net.queue.filter((message) => message.type === 'installSnapshot');
    expect(inFlight.map((message) => message.to)).toEqual([id(3)]);
    net.queue = net.queue.filter((message) => message.type !== 'installSnapshot');
    // Meanwhile the group moves on and the leader compacts again, at 6.
    net.cutBoth(1, 3);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    net.node(1).compact(off(6));
    net.heal();
    // Snapshot 3 arrives; node 3 installs it and answers success, matchOffset 3.
    net.route(inFlight);
    net.deliver();
    net.processReady(3);
    expect(net.node(3).status().lastOffset).toBe(3);
    expect(
      net
        .node(1)
        .status()
        .progress.find((p) => p.id === id(3))?.state,
    ).toBe('snapshot');
    // The answer takes node 3 out of the snapshot state, and snapshot 6 goes out at once:
    // no tick at all (the retry would take 2 * electionTicks = 20).
    net.stabilize();
    expect(net.node(3).status().lastOffset).toBe(6);
    const progress = net
      .node(1)
      .status()
      .progress.find((p) => p.id === id(3));
    expect(progress).toMatchObject({ state: 'replicate', match: 6 });
  });

  it('an answer below the snapshot sent (a stale append answer) keeps the snapshot state', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(3);
    for (let proposal = 0; proposal < 3; proposal++) net.propose(1);
    net.stabilize();
    net.node(1).compact(off(3));
    net.heal();
    net.tick(1);
    for (let round = 0; round < 5; round++) {
      net.processAll();
      net.deliver((message) => message.type !== 'installSnapshot');
    }
    net.node(1).step({
      type: 'appendResponse',
      from: id(3),
      to: id(1),
      term: net.node(1).status().term,
      success: true,
      matchOffset: off(1), // raises match from 0, still below the snapshot sent (3)
      rejectHint: off(-1),
      rejectHintTerm: net.node(1).status().term,
    });
    const progress = net
      .node(1)
      .status()
      .progress.find((p) => p.id === id(3));
    expect(progress).toMatchObject({ state: 'snapshot', match: 1 });
  });
});
