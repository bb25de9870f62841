/**
 * Flow control of replication (etcd's Progress, Raft thesis 10.2): probe and replicate states,
 * the in-flight window and byte budget, per-message sizing, and recovery of lost appends
 * through heartbeat answers; stale, duplicated and reordered answers are harmless.
 */
import { describe, expect, it } from 'vitest';
import { Network, id, off } from './network.js';
import { ofType, t } from './fixtures.js';
import type { Message } from '../../../src/raft/index.js';

const appendsTo = (messages: readonly Message[], to: number) =>
  ofType(messages, 'append').filter((message) => message.to === id(to));

describe('flow control (etcd Progress)', () => {
  it('probes a follower with one append at a time until it answers', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.isolate(2);
    net.elect(1);
    let appends = appendsTo(net.sent, 2).length;
    expect(appends).toBe(1);
    for (let round = 0; round < 5; round++) {
      net.propose(1);
      net.tick(1);
      net.stabilize();
    }
    expect(appendsTo(net.sent, 2).length).toBe(appends);
    expect(
      net
        .node(1)
        .status()
        .progress.find((progress) => progress.id === 2)?.state,
    ).toBe('probe');
    net.heal();
    net.tick(1);
    net.stabilize();
    appends = appendsTo(net.sent, 2).length;
    expect(
      net
        .node(1)
        .status()
        .progress.find((progress) => progress.id === 2),
    ).toMatchObject({
      state: 'replicate',
      match: net.node(1).status().lastOffset,
    });
  });

  it('pipelines up to inflightMessagesMax appends to a follower in replicate', () => {
    const net = new Network({
      voters: [1, 2, 3],
      config: { inflightMessagesMax: 3, messageBytesMax: 10 },
    });
    net.elect(1);
    net.cut(2, 1);
    const before = appendsTo(net.sent, 2).length;
    for (let proposal = 0; proposal < 10; proposal++) net.propose(1, 10);
    net.stabilize();
    expect(appendsTo(net.sent, 2).length - before).toBe(3);
    expect(
      net
        .node(1)
        .status()
        .progress.find((progress) => progress.id === 2)?.inflightMessages,
    ).toBe(3);
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(10);
  });

  it('stops at the in-flight byte budget', () => {
    const net = new Network({ voters: [1, 2, 3], config: { inflightBytesMax: 50 } });
    net.elect(1);
    net.cut(2, 1);
    const before = appendsTo(net.sent, 2).length;
    for (let proposal = 0; proposal < 10; proposal++) net.propose(1, 10);
    net.stabilize();
    // Five appends of 10 bytes reach the budget (50); the rest waits for answers.
    expect(appendsTo(net.sent, 2).length - before).toBe(5);
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(10);
  });

  it('sizes each append by messageBytesMax when entries accumulated', () => {
    const net = new Network({ voters: [1, 2, 3], config: { messageBytesMax: 25 } });
    net.isolate(2);
    net.elect(1);
    for (let proposal = 0; proposal < 6; proposal++) net.propose(1, 10);
    net.stabilize();
    net.heal();
    const before = appendsTo(net.sent, 2).length;
    net.tick(1);
    net.stabilize();
    const appends = appendsTo(net.sent, 2).slice(before);
    // The probe carries the no-op (80 bytes: at least one entry always goes), then two
    // 10-byte entries per append (a third would exceed 25 bytes).
    expect(appends.map((message) => message.entries.length)).toEqual([1, 2, 2, 2]);
  });

  it('always sends at least one entry, even one larger than messageBytesMax', () => {
    const net = new Network({ voters: [1, 2, 3], config: { messageBytesMax: 10 } });
    net.elect(1);
    const entry = net.propose(1, 1000);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(entry.lastOffset);
  });

  it('recovers appends lost with a full window through heartbeat answers', () => {
    const net = new Network({ voters: [1, 2, 3], config: { inflightMessagesMax: 1 } });
    net.elect(1);
    net.propose(1);
    net.processReady(1);
    net.drop((message) => message.type === 'append' && message.to === id(2));
    net.propose(1);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(0);
    net.tick(1);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(2);
    expect(
      net
        .node(1)
        .status()
        .progress.find((progress) => progress.id === 2)?.match,
    ).toBe(2);
  });

  it('recovers a lost probe through heartbeat answers', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.node(1).campaign();
    for (let round = 0; round < 10; round++) {
      net.processAll();
      net.drop((message) => message.type === 'append' && message.to === id(2));
      net.deliver();
    }
    expect(net.node(2).status().lastOffset).toBe(-1);
    net.tick(1);
    net.stabilize();
    expect(net.node(2).status().lastOffset).toBe(0);
  });

  it('ignores stale, duplicated and reordered answers; a fresh rejection drops to probe', () => {
    const net = new Network({ voters: [1, 2, 3] });
    net.elect(1);
    for (let proposal = 0; proposal < 3; proposal++) {
      net.propose(1);
      net.processReady(1);
    }
    net.deliver((message) => message.to === id(2));
    net.processReady(2);
    const answers = ofType(net.queue, 'appendResponse').filter((message) => message.from === id(2));
    expect(answers.map((message) => message.matchOffset)).toEqual([1, 2, 3]);
    net.queue = [];
    const leader = net.node(1);
    const progressOf2 = () => leader.status().progress.find((progress) => progress.id === 2);
    for (const answer of [...answers].reverse()) leader.step(answer);
    expect(progressOf2()).toMatchObject({ match: 3, next: 4, state: 'replicate' });
    for (const answer of answers) leader.step(answer);
    expect(progressOf2()).toMatchObject({ match: 3, next: 4, state: 'replicate' });
    // A rejection of an append at or below the match is stale.
    leader.step({
      ...answers[0]!,
      success: false,
      matchOffset: off(2),
      rejectHint: off(1),
      rejectHintTerm: t(1),
    });
    expect(progressOf2()).toMatchObject({ match: 3, next: 4, state: 'replicate' });
    // One above the match means the follower lost entries: probe from match + 1.
    net.propose(1);
    net.processReady(1);
    net.queue = [];
    leader.step({
      ...answers[0]!,
      success: false,
      matchOffset: off(4),
      rejectHint: off(3),
      rejectHintTerm: t(1),
    });
    expect(progressOf2()).toMatchObject({ match: 3, next: 4, state: 'probe' });
    // While probing, a rejection of anything but the current probe is ignored.
    leader.step({
      ...answers[0]!,
      success: false,
      matchOffset: off(1),
      rejectHint: off(0),
      rejectHintTerm: t(1),
    });
    expect(progressOf2()).toMatchObject({ match: 3, next: 4, state: 'probe' });
    net.stabilize();
    expect(progressOf2()).toMatchObject({ match: 4, next: 5, state: 'replicate' });
  });

  it('reports every follower in status() on the leader only', () => {
    const net = new Network({ voters: [1, 2, 3], learners: [4] });
    net.elect(1);
    expect(
      net
        .node(1)
        .status()
        .progress.map((progress) => [progress.id, progress.isLearner]),
    ).toEqual([
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(net.node(2).status().progress).toEqual([]);
  });
});
