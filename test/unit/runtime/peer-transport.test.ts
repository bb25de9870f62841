/**
 * The gRPC peer transport end to end over loopback (runtime/peer-transport.ts client side,
 * server/peer-service.ts server side): coalescing of one event-loop turn into one frame, frame
 * and queue bounds, refusal of another cluster's traffic, and reconnection after the peer
 * comes back.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRaftMessage } from '../../../src/cluster/peer-codec.js';
import type { PeerItem } from '../../../src/protocol/peer-grpc.js';
import { loadPeerProto } from '../../../src/protocol/peer-grpc.js';
import type { Message } from '../../../src/raft/types.js';
import { PeerTransport } from '../../../src/runtime/peer-transport.js';
import type { PeerTransportLimits } from '../../../src/runtime/peer-transport.js';
import { newPeerServiceStats, peerService } from '../../../src/server/peer-service.js';
import type { PeerServiceStats } from '../../../src/server/peer-service.js';
import { asBrokerId, asOffset, asTerm } from '../../../src/util/brand.js';
import type { Logger } from '../../../src/util/ports.js';
import { silentLogger } from '../../../src/util/ports.js';

interface Delivered {
  readonly group: string;
  readonly message: Message;
  readonly payload: Uint8Array | null;
}

interface Receiver {
  readonly address: string;
  readonly delivered: Delivered[];
  readonly heard: [number, number][];
  readonly alive: { group: string; leader: number; term: number }[];
  readonly stats: PeerServiceStats;
  readonly errors: string[];
  stop(): Promise<void>;
}

const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function capturingLogger(errors: string[]): Logger {
  const logger: Logger = {
    ...silentLogger,
    error: (_object, message) => errors.push(message ?? ''),
    child: () => logger,
  };
  return logger;
}

async function startReceiver(clusterId: string | null, port = 0): Promise<Receiver> {
  const delivered: Delivered[] = [];
  const heard: [number, number][] = [];
  const alive: { group: string; leader: number; term: number }[] = [];
  const errors: string[] = [];
  const stats = newPeerServiceStats();
  const server = new grpc.Server();
  const handle = peerService(
    {
      router: {
        deliver: (group, message, payload) => delivered.push({ group, message, payload }),
        heardFrom: (broker, incarnation) => heard.push([broker, incarnation]),
        leaderAlive: (group, leader, term) => alive.push({ group, leader, term }),
      },
      clusterId: () => clusterId,
      logger: capturingLogger(errors),
    },
    stats,
  );
  server.addService(loadPeerProto().proto.brook.internal.v1.PeerService.service, handle.handlers);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error === null ? resolve(p) : reject(error),
    );
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    handle.endAll();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  };
  cleanup.push(stop);
  return { address: `127.0.0.1:${bound}`, delivered, heard, alive, stats, errors, stop };
}

function newTransport(
  address: string | undefined,
  limits: Partial<PeerTransportLimits> = {},
  onRefused?: (peer: number, theirs: string) => void,
): PeerTransport {
  const transport = new PeerTransport({
    self: 1,
    logger: silentLogger,
    addressOf: (broker) => (broker === 2 ? address : undefined),
    limits,
    ...(onRefused === undefined ? {} : { onRefused }),
  });
  cleanup.push(() => transport.close());
  return transport;
}

function heartbeat(commit: number, group = 'g/0'): PeerItem {
  const message: Message = {
    type: 'heartbeat',
    from: asBrokerId(1),
    to: asBrokerId(2),
    term: asTerm(3),
    commit: asOffset(commit),
    readContext: null,
  };
  return { group, message: encodeRaftMessage(message), payload: null };
}

function append(index: number, payloadBytes: number): PeerItem {
  const message: Message = {
    type: 'append',
    from: asBrokerId(1),
    to: asBrokerId(2),
    term: asTerm(3),
    prevLastOffset: asOffset(index - 1),
    prevTerm: asTerm(3),
    entries: [
      {
        baseOffset: asOffset(index),
        lastOffset: asOffset(index),
        term: asTerm(3),
        sizeBytes: payloadBytes,
      },
    ],
    commit: asOffset(index - 1),
  };
  return {
    group: 'g/0',
    message: encodeRaftMessage(message),
    payload: new Uint8Array(payloadBytes).fill(index),
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('peer transport', () => {
  it('sends everything queued for a peer within one event-loop turn as one frame', async () => {
    const receiver = await startReceiver('cluster-a');
    const transport = newTransport(receiver.address);
    transport.setClusterId('cluster-a');
    // One turn: 200 heartbeats of 200 groups (one tick of a broker that leads them all).
    for (let group = 0; group < 200; group++) transport.send(2, heartbeat(group, `t/${group}`));
    await until(() => receiver.delivered.length === 200);
    expect(receiver.stats.framesReceived).toBe(1);
    expect(receiver.delivered.map((item) => item.group)).toEqual(
      Array.from({ length: 200 }, (_, group) => `t/${group}`),
    );
    expect(receiver.delivered[7]?.message).toMatchObject({ type: 'heartbeat', commit: 7 });
    // A later turn is a later frame.
    transport.send(2, heartbeat(500));
    await until(() => receiver.delivered.length === 201);
    expect(receiver.stats.framesReceived).toBe(2);
    expect(transport.stats.framesSent).toBe(2);
  });

  it('carries the liveness signal on the next frame, the latest list only, also empty', async () => {
    const receiver = await startReceiver(null);
    const transport = newTransport(receiver.address);
    // Within one turn: a stale list replaced by the latest, riding with a message.
    transport.sendLiveness(2, [{ group: 'old/0', term: 1 }]);
    transport.send(2, heartbeat(4));
    transport.sendLiveness(2, [
      { group: 't/0', term: 3 },
      { group: 't/1', term: 5 },
    ]);
    await until(() => receiver.delivered.length === 1 && receiver.alive.length === 2);
    expect(receiver.alive).toEqual([
      { group: 't/0', leader: 1, term: 3 },
      { group: 't/1', leader: 1, term: 5 },
    ]);
    expect(receiver.stats.framesReceived).toBe(1);
    // An empty list is a frame of its own: the sender is alive.
    transport.sendLiveness(2, []);
    await until(() => receiver.stats.framesReceived === 2);
    // Both frames name the sender and its process incarnation, the same in both.
    expect(receiver.heard).toEqual([
      [1, transport.incarnation],
      [1, transport.incarnation],
    ]);
    expect(transport.incarnation).toBeGreaterThan(0);
    expect(receiver.alive).toHaveLength(2);
  });

  it('splits a turn into frames of at most frameBytesMax, payloads intact and in order', async () => {
    const receiver = await startReceiver(null);
    const transport = newTransport(receiver.address, { frameBytesMax: 10_000 });
    for (let index = 1; index <= 6; index++) transport.send(2, append(index, 4_000));
    await until(() => receiver.delivered.length === 6);
    expect(receiver.stats.framesReceived).toBe(3);
    receiver.delivered.forEach((item, position) => {
      expect(new Uint8Array(item.payload ?? [])).toEqual(new Uint8Array(4_000).fill(position + 1));
      expect(item.message).toMatchObject({ type: 'append', prevLastOffset: position });
    });
  });

  it('drops what exceeds the per-peer queue bounds, by count and by bytes', async () => {
    const receiver = await startReceiver(null);
    const byCount = newTransport(receiver.address, { queueMessagesMax: 10 });
    for (let commit = 0; commit < 25; commit++) byCount.send(2, heartbeat(commit));
    expect(byCount.queued(2)).toBe(10);
    expect(byCount.stats.messagesDropped).toBe(15);
    await until(() => receiver.delivered.length === 10);
    expect(receiver.delivered.map((item) => (item.message as { commit: number }).commit)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const byBytes = newTransport(receiver.address, { queueBytesMax: 20_000 });
    for (let index = 1; index <= 5; index++) byBytes.send(2, append(index, 8_000));
    expect(byBytes.queued(2)).toBe(2);
    expect(byBytes.stats.messagesDropped).toBe(3);
  });

  it('refuses frames from another cluster, logs it, and tells the sender', async () => {
    const receiver = await startReceiver('cluster-a');
    const refusals: [number, string][] = [];
    const transport = newTransport(receiver.address, {}, (peer, theirs) =>
      refusals.push([peer, theirs]),
    );
    transport.setClusterId('cluster-b');
    transport.send(2, heartbeat(1));
    await until(() => refusals.length === 1);
    expect(refusals).toEqual([[2, 'cluster-a']]);
    expect(receiver.delivered).toEqual([]);
    expect(receiver.stats.framesRefused).toBe(1);
    expect(receiver.errors.join('\n')).toMatch(/belongs to cluster cluster-b.*refused/);
  });

  it('accepts a sender that does not know its cluster yet', async () => {
    const receiver = await startReceiver('cluster-a');
    const transport = newTransport(receiver.address);
    transport.send(2, heartbeat(1));
    await until(() => receiver.delivered.length === 1);
    expect(receiver.stats.framesRefused).toBe(0);
  });

  it('drops messages for a peer without an address, and reconnects to a peer that returns', async () => {
    const nowhere = newTransport(undefined);
    nowhere.send(2, heartbeat(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(nowhere.stats.messagesDropped).toBe(1);

    const first = await startReceiver(null);
    const port = Number(first.address.split(':')[1]);
    const transport = newTransport(first.address, { reconnectBackoffMaxMs: 200 });
    transport.send(2, heartbeat(1));
    await until(() => first.delivered.length === 1);
    await first.stop();
    // Sent into the void while the peer is down: lost, as Raft allows.
    transport.send(2, heartbeat(2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await startReceiver(null, port);
    for (let attempt = 0; second.delivered.length === 0 && attempt < 200; attempt++) {
      transport.send(2, heartbeat(3));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(second.delivered.length).toBeGreaterThan(0);
    expect(second.delivered.at(-1)?.message).toMatchObject({ type: 'heartbeat', commit: 3 });
  });
});
