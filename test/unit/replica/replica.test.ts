/**
 * The replica loop against a scripted core: the order of the Ready steps, where entry bytes
 * come from (proposals, payloads, the log, the loop's own no-op and configuration batches),
 * how requests are answered, and what the loop does when storage fails.
 */
import { describe, expect, it } from 'vitest';
import { isControl, readBatchHeader, splitBatches } from '../../../src/protocol/record-batch.js';
import type { AppendMessage, EntryMeta, Message } from '../../../src/raft/types.js';
import { isReplicaError } from '../../../src/replica/errors.js';
import { RaftStorage } from '../../../src/replica/raft-storage.js';
import { encodeSnapshotPayload } from '../../../src/replica/snapshot-payload.js';
import { asOffset, asTerm } from '../../../src/util/brand.js';
import { N1, N2, N3, THREE } from './fake-node.js';
import type { FakeNode } from './fake-node.js';
import { DIRECTORY, dataBatch, harness, openReplica, settle } from './harness.js';
import type { Harness } from './harness.js';

const T1 = asTerm(1);
const T2 = asTerm(2);

function meta(baseOffset: number, lastOffset: number, term: number, sizeBytes = 0): EntryMeta {
  return {
    baseOffset: asOffset(baseOffset),
    lastOffset: asOffset(lastOffset),
    term: asTerm(term),
    sizeBytes,
  };
}

function appendFrom(leader: typeof N2, term: number, entries: EntryMeta[]): AppendMessage {
  const first = entries[0];
  return {
    type: 'append',
    from: leader,
    to: N1,
    term: asTerm(term),
    prevLastOffset: asOffset((first?.baseOffset ?? 0) - 1),
    prevTerm: asTerm(0),
    entries,
    commit: asOffset(-1),
  };
}

function appendResponse(to: typeof N2, matchOffset: number): Message {
  return {
    type: 'appendResponse',
    from: N1,
    to,
    term: T2,
    success: true,
    matchOffset: asOffset(matchOffset),
    rejectHint: asOffset(-1),
    rejectHintTerm: asTerm(0),
  };
}

/** Makes `node` a leader of term 2 whose no-op [0..0] is appended, durable and applied. */
async function leadTerm2(setup: Harness, replica: { tick(): void }, node: FakeNode): Promise<void> {
  node.role = 'leader';
  node.term = T2;
  node.leader = N1;
  node.lastOffset = 0;
  const noop = { ...meta(0, 0, 2), noop: true };
  node.push({
    entries: [noop],
    hardState: { term: T2, vote: N1, commit: asOffset(-1) },
    messages: [{ ...appendFrom(N1, 2, [noop]), from: N1, to: N2 }],
    mustSync: true,
  });
  node.push({ committed: { from: asOffset(0), to: asOffset(0) } });
  replica.tick();
  await settle();
  expect(node.advanced).toHaveLength(2);
}

describe('Replica open', () => {
  it('creates a fresh group: snapshot at -1 with the initial membership, empty log', async () => {
    const setup = harness();
    const { replica, state } = await openReplica(setup);
    expect(state.snapshot).toEqual({ lastOffset: -1, term: 0, membership: THREE });
    expect(state.hardState).toEqual({ term: 0, vote: null, commit: -1 });
    expect(state.entries).toEqual([]);
    expect(state.applied).toBe(-1);
    expect(await setup.fs.exists(`${DIRECTORY}/raft-snapshot`)).toBe(true);
    await replica.close();
  });

  it('rebuilds entries (no-op, data, configuration) and term and vote from disk', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a', 3));
    const change = replica.changeMembership({ type: 'addLearner', node: asBrokerIdFor(4) });
    await settle();
    const [data, config] = node.proposed;
    if (data === undefined || config === undefined) throw new Error('two proposals expected');
    node.push({
      entries: [data, config],
      mustSync: true,
      committed: { from: asOffset(1), to: config.lastOffset },
    });
    replica.tick();
    expect(await proposal).toEqual({ baseOffset: 1, lastOffset: 3, term: 2 });
    expect(await change).toEqual({ baseOffset: 4, lastOffset: 4, term: 2 });
    await replica.close();

    const reopened = await openReplica(setup);
    const entries = reopened.state.entries;
    expect(entries.map((e) => [e.baseOffset, e.lastOffset, e.term])).toEqual([
      [0, 0, 2],
      [1, 3, 2],
      [4, 4, 2],
    ]);
    expect(entries[0]?.noop).toBe(true);
    expect(entries[2]?.config).toEqual({ voters: [N1, N2, N3], learners: [4] });
    expect(reopened.state.hardState).toEqual({ term: 2, vote: N1, commit: -1 });
    await reopened.replica.close();
  });
});

function asBrokerIdFor(id: number): typeof N1 {
  return id as typeof N1;
}

describe('Replica Ready order', () => {
  it('rewrites a damaged raft-state file with the first hard state after reopening', async () => {
    const setup = harness();
    const first = await openReplica(setup);
    await leadTerm2(setup, first.replica, first.node);
    await first.replica.close();
    setup.fs.corrupt(`${DIRECTORY}/raft-state`, 20);
    const { replica, node, state } = await openReplica(setup);
    expect(state.hardState).toEqual({ term: 2, vote: null, commit: -1 });
    // Only the commit moves (term and vote as recovered): normally not worth a raft-state write.
    node.push({ hardState: { term: T2, vote: null, commit: asOffset(0) } });
    replica.tick();
    await settle();
    expect(await new RaftStorage(setup.fs, DIRECTORY).readHardState()).toEqual({
      term: 2,
      vote: null,
      commit: 0,
    });
    await replica.close();
  });

  it('sends messages before the fsync and messagesAfterPersist after it and the raft-state write', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    setup.events.length = 0;
    const payload = await dataBatch('x', 2, 0, 1);
    const entries = [meta(0, 1, 1, payload.length)];
    replica.receive(appendFrom(N2, 1, entries), payload);
    node.push({
      entries,
      hardState: { term: T1, vote: null, commit: asOffset(-1) },
      messages: [{ type: 'heartbeatResponse', from: N1, to: N2, term: T1, readContext: null }],
      messagesAfterPersist: [appendResponse(N2, 1)],
      mustSync: true,
    });
    replica.tick();
    await settle();
    const events = setup.events.filter((e) => !e.startsWith('fsync raft-state.tmp'));
    const heartbeat = events.indexOf('send heartbeatResponse');
    const logSync = events.indexOf('fsync 00000000000000000000.log');
    const rename = events.indexOf('rename raft-state.tmp');
    const response = events.indexOf('send appendResponse');
    expect(heartbeat).toBeGreaterThanOrEqual(0);
    expect(heartbeat).toBeLessThan(logSync);
    expect(logSync).toBeLessThan(response);
    expect(rename).toBeLessThan(response);
    expect(node.advanced).toHaveLength(1);
    await replica.close();
  });

  it('applies committed entries after persisting, skipping the no-op, and resolves the proposal', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a', 3));
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    node.push({
      entries: [entry],
      mustSync: true,
      committed: { from: asOffset(1), to: asOffset(3) },
    });
    replica.tick();
    expect(await proposal).toEqual({ baseOffset: 1, lastOffset: 3, term: 2 });
    expect(setup.stateMachine.applied).toEqual([1]);
    expect(setup.observer.calls).toContain('applied 0 noop');
    expect(setup.observer.calls).toContain('applied 1 data');
    const read = await replica.partitionLog.read(0, 1 << 20);
    const spans = splitBatches(read.data);
    expect(spans.map((s) => [s.header.baseOffset, s.header.partitionLeaderEpoch])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(isControl(spans[0]!.header)).toBe(true);
    const sentNoop = setup.transport.sent[0]?.payload;
    expect(sentNoop && readBatchHeader(sentNoop).baseOffset).toBe(0);
    await replica.close();
  });

  it('attaches bytes read back from the log to an append for older entries', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    void replica.propose(await dataBatch('a', 2)).catch(() => undefined);
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    node.push({ entries: [entry], mustSync: true });
    replica.tick();
    await settle();
    setup.transport.sent.length = 0;
    node.push({
      messages: [{ ...appendFrom(N1, 2, [{ ...meta(0, 0, 2), noop: true }, entry]), to: N3 }],
    });
    replica.tick();
    await settle();
    const payload = setup.transport.sent[0]?.payload;
    if (payload === null || payload === undefined) throw new Error('payload expected');
    expect(splitBatches(payload).map((s) => s.header.baseOffset)).toEqual([0, 1]);
    await replica.close();
  });
});

describe('Replica as a follower', () => {
  it('appends the bytes of a validated payload and drops corrupt or mismatched ones', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    const payload = await dataBatch('x', 2, 0, 1);
    const entries = [meta(0, 1, 1, payload.length)];
    const corrupt = Uint8Array.from(payload);
    corrupt[payload.length - 1] = (corrupt[payload.length - 1] ?? 0) ^ 0xff;
    replica.receive(appendFrom(N2, 1, entries), corrupt);
    replica.receive(appendFrom(N2, 1, [meta(0, 1, 5, payload.length)]), payload);
    replica.receive(appendFrom(N2, 1, entries), null);
    expect(node.stepped).toHaveLength(0);
    replica.receive(appendFrom(N2, 1, entries), payload);
    expect(node.stepped).toHaveLength(1);
    node.push({ entries, mustSync: true });
    replica.tick();
    await settle();
    const read = await replica.partitionLog.read(0, 1 << 20);
    expect(Buffer.compare(read.data, payload)).toBe(0);
    expect(replica.partitionLog.durableEndOffset).toBe(2);
    await replica.close();
  });

  it('truncates a conflicting suffix before appending the new entries', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    const first = await dataBatch('a', 2, 0, 1);
    const second = await dataBatch('b', 2, 2, 1);
    const old = [meta(0, 1, 1, first.length), meta(2, 3, 1, second.length)];
    replica.receive(appendFrom(N2, 1, old), Buffer.concat([first, second]));
    node.push({ entries: old, mustSync: true, committed: { from: asOffset(0), to: asOffset(1) } });
    replica.tick();
    await settle();
    const replacement = await dataBatch('c', 1, 2, 2);
    const fresh = [meta(2, 2, 2, replacement.length)];
    replica.receive(appendFrom(N3, 2, fresh), replacement);
    node.push({ truncateFrom: asOffset(2), entries: fresh, mustSync: true });
    replica.tick();
    await settle();
    expect(setup.observer.calls).toContain('truncated 2');
    const spans = splitBatches((await replica.partitionLog.read(0, 1 << 20)).data);
    expect(spans.map((s) => [s.header.baseOffset, s.header.partitionLeaderEpoch])).toEqual([
      [0, 1],
      [2, 2],
    ]);
    expect(replica.partitionLog.logEndOffset).toBe(3);
    await replica.close();
  });

  it('drops an append a former leader queued for entries the same Ready truncates', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    const first = await dataBatch('a', 2, 0, 1);
    const second = await dataBatch('b', 2, 2, 1);
    const old = [meta(0, 1, 1, first.length), meta(2, 3, 1, second.length)];
    replica.receive(appendFrom(N2, 1, old), Buffer.concat([first, second]));
    node.push({ entries: old, mustSync: true });
    replica.tick();
    await settle();
    setup.transport.sent.length = 0;
    const replacement = await dataBatch('c', 1, 2, 2);
    const fresh = [meta(2, 2, 2, replacement.length)];
    replica.receive(appendFrom(N3, 2, fresh), replacement);
    // The core queued the append to N3 while it led term 1, then followed N3's term 2.
    const stale = { ...appendFrom(N1, 1, [old[1] as EntryMeta]), to: N3 };
    node.push({ truncateFrom: asOffset(2), entries: fresh, messages: [stale], mustSync: true });
    replica.tick();
    await settle();
    expect(replica.status().failure).toBeNull();
    expect(setup.transport.sent).toEqual([]);
    expect(node.advanced).toHaveLength(2);
    await replica.close();
  });

  it('fails rather than truncate applied entries', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    const first = await dataBatch('a', 2, 0, 1);
    const entries = [meta(0, 1, 1, first.length)];
    replica.receive(appendFrom(N2, 1, entries), first);
    node.push({ entries, mustSync: true, committed: { from: asOffset(0), to: asOffset(1) } });
    node.push({ truncateFrom: asOffset(0) });
    replica.tick();
    await settle();
    expect(replica.status().failure).toMatch(/applied entries/);
    expect(setup.observer.calls).toContain('failed');
    await replica.close();
  });

  it('installs a snapshot (dropping a damaged payload): discards the log, restores the state machine, survives a reopen', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    const first = await dataBatch('a', 2, 0, 1);
    const entries = [meta(0, 1, 1, first.length)];
    replica.receive(appendFrom(N2, 1, entries), first);
    node.push({ entries, mustSync: true });
    replica.tick();
    await settle();
    const snapshot = { lastOffset: asOffset(9), term: asTerm(3), membership: THREE };
    const message = {
      type: 'installSnapshot',
      from: N2,
      to: N1,
      term: asTerm(3),
      snapshot,
    } as const;
    const payload = encodeSnapshotPayload(new TextEncoder().encode('[5,7]'));
    const damaged = Uint8Array.from(payload);
    damaged[5] = (damaged[5] ?? 0) ^ 1;
    replica.receive(message, damaged);
    expect(node.stepped).toHaveLength(1);
    replica.receive(message, payload);
    expect(node.stepped).toHaveLength(2);
    node.push({ snapshot, mustSync: true });
    replica.tick();
    await settle();
    expect(setup.stateMachine.restoredAt).toBe(9);
    expect(setup.stateMachine.applied).toEqual([5, 7]);
    expect(replica.partitionLog.logStartOffset).toBe(10);
    expect(replica.partitionLog.logEndOffset).toBe(10);
    await replica.close();
    const reopened = await openReplica(setup);
    expect(reopened.state.snapshot).toEqual(snapshot);
    expect(reopened.state.entries).toEqual([]);
    expect(reopened.state.applied).toBe(9);
    await reopened.replica.close();
  });
});

describe('Replica requests', () => {
  it('refuses a proposal when not leading, with the leader hint', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    node.leader = N2;
    const error: unknown = await replica.propose(await dataBatch('a')).catch((e: unknown) => e);
    expect(isReplicaError(error, 'NOT_LEADER')).toBe(true);
    expect(isReplicaError(error) && error.leader).toBe(N2);
    expect(isReplicaError(error) && error.code).toBe('NOT_LEADER');
    await replica.close();
  });

  it('answers OUTCOME_UNKNOWN when leadership is lost before the entry commits', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a')).catch((e: unknown) => e);
    node.role = 'follower';
    node.leader = N3;
    replica.tick();
    const error = await proposal;
    expect(isReplicaError(error, 'OUTCOME_UNKNOWN')).toBe(true);
    await replica.close();
  });

  it('still resolves a proposal committed just before leadership was lost (a leader removing itself)', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a'));
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    node.push({ entries: [entry], mustSync: true });
    replica.tick();
    await settle();
    // The core commits the entry and steps down in the same step; the apply comes later.
    node.commit = 1;
    node.role = 'follower';
    replica.tick();
    node.push({ committed: { from: asOffset(1), to: asOffset(1) } });
    replica.tick();
    expect(await proposal).toEqual({ baseOffset: 1, lastOffset: 1, term: 2 });
    await replica.close();
  });

  it('resolves a read once it is confirmed and applied', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const read = replica.readIndex();
    expect(node.readRequests).toEqual([1]);
    node.push({ readStates: [{ requestId: 1, offset: asOffset(0) }] });
    replica.tick();
    expect(await read).toBe(0);
    await replica.close();
  });

  it('fails a read the core dropped (it stopped leading) with NOT_LEADER', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const read = replica.readIndex();
    expect(node.readRequests).toEqual([1]);
    node.push({ droppedReads: [1] });
    replica.tick();
    await expect(read).rejects.toMatchObject({ code: 'NOT_LEADER', reason: 'NOT_LEADER' });
    await replica.close();
  });

  it('compacts: snapshot file first, then the core, then the log prefix', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a', 3));
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    node.push({
      entries: [entry],
      mustSync: true,
      committed: { from: asOffset(1), to: asOffset(3) },
    });
    replica.tick();
    await proposal;
    expect(await replica.compact()).toBe(3);
    expect(node.compacted).toEqual([3]);
    expect(replica.partitionLog.logStartOffset).toBe(4);
    expect(setup.observer.calls).toContain('compacted 3');
    expect(await replica.compact()).toBeNull();
    await replica.close();
    const reopened = await openReplica(setup);
    expect(reopened.state.snapshot).toEqual({ lastOffset: 3, term: 2, membership: THREE });
    expect(setup.stateMachine.applied).toEqual([1]);
    await reopened.replica.close();
  });

  it('fails on a storage error: status reports it, waiting proposals are indeterminate', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    const proposal = replica.propose(await dataBatch('a')).catch((e: unknown) => e);
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    setup.fs.failOperation({ nth: 1, kinds: ['sync'] });
    node.push({ entries: [entry], mustSync: true });
    replica.tick();
    await settle();
    expect(isReplicaError(await proposal, 'OUTCOME_UNKNOWN')).toBe(true);
    expect(replica.status().failure).toMatch(/EIO/);
    const later: unknown = await replica.propose(await dataBatch('b')).catch((e: unknown) => e);
    expect(isReplicaError(later, 'REPLICA_FAILED')).toBe(true);
    const ticks = node.ticks;
    replica.tick();
    expect(node.ticks).toBe(ticks);
  });

  it('keeps fsynced entries across a power loss and loses the rest', async () => {
    const setup = harness();
    const { replica, node } = await openReplica(setup);
    await leadTerm2(setup, replica, node);
    void replica.propose(await dataBatch('a')).catch(() => undefined);
    const [entry] = node.proposed;
    if (entry === undefined) throw new Error('proposal expected');
    node.push({ entries: [entry], mustSync: false });
    replica.tick();
    await settle();
    expect(replica.partitionLog.logEndOffset).toBe(2);
    replica.halt();
    setup.fs = setup.fs.crash();
    const reopened = await openReplica(setup);
    expect(reopened.state.entries.map((e) => e.baseOffset)).toEqual([0]);
    await reopened.replica.close();
  });
});
