/**
 * The wire form of Raft messages (proto/brook/internal/v1/peer.proto): every message type, with
 * every field of src/raft/types.ts, survives encode → protobuf bytes → decode unchanged; and
 * what the wire cannot be trusted with (missing bodies, impossible numbers) decodes to null.
 */
import { describe, expect, it } from 'vitest';
import { decodeRaftMessage, encodeRaftMessage } from '../../../src/cluster/peer-codec.js';
import type { RaftMessage__Output } from '../../../src/protocol/gen/brook/internal/v1/RaftMessage.js';
import { loadPeerProto } from '../../../src/protocol/peer-grpc.js';
import type { Message } from '../../../src/raft/types.js';
import { asBrokerId, asOffset, asTerm } from '../../../src/util/brand.js';

const n = asBrokerId;
const o = asOffset;
const t = asTerm;
const envelope = { from: n(1), to: n(2), term: t(7) };
const membership = { voters: [n(1), n(2), n(3)], learners: [n(4)] };

const EVERY_MESSAGE: Message[] = [
  { type: 'preVote', ...envelope, lastOffset: o(41), lastTerm: t(6) },
  { type: 'vote', ...envelope, lastOffset: o(-1), lastTerm: t(0), transfer: false },
  { type: 'vote', ...envelope, lastOffset: o(41), lastTerm: t(6), transfer: true },
  { type: 'preVoteResponse', ...envelope, granted: true },
  { type: 'voteResponse', ...envelope, granted: false },
  {
    type: 'append',
    ...envelope,
    prevLastOffset: o(9),
    prevTerm: t(5),
    entries: [
      { baseOffset: o(10), lastOffset: o(10), term: t(7), sizeBytes: 80, noop: true },
      { baseOffset: o(11), lastOffset: o(15), term: t(7), sizeBytes: 300 },
      { baseOffset: o(16), lastOffset: o(16), term: t(7), sizeBytes: 120, config: membership },
    ],
    commit: o(9),
  },
  {
    type: 'append',
    ...envelope,
    prevLastOffset: o(-1),
    prevTerm: t(0),
    entries: [],
    commit: o(-1),
  },
  {
    type: 'appendResponse',
    ...envelope,
    success: false,
    matchOffset: o(20),
    rejectHint: o(12),
    rejectHintTerm: t(3),
  },
  {
    type: 'appendResponse',
    ...envelope,
    success: true,
    matchOffset: o(16),
    rejectHint: o(-1),
    rejectHintTerm: t(0),
  },
  { type: 'heartbeat', ...envelope, commit: o(15), readContext: null },
  { type: 'heartbeat', ...envelope, commit: o(15), readContext: 0 },
  { type: 'heartbeatResponse', ...envelope, readContext: 42 },
  { type: 'heartbeatResponse', ...envelope, readContext: null },
  {
    type: 'installSnapshot',
    ...envelope,
    snapshot: { lastOffset: o(99), term: t(4), membership },
  },
  { type: 'timeoutNow', ...envelope },
];

/** Through real protobuf bytes, as a frame travels. */
function overTheWire(message: Message): RaftMessage__Output | null {
  const method = loadPeerProto().proto.brook.internal.v1.PeerService.service.Replicate;
  const bytes = method.requestSerialize({
    fromBroker: 1,
    clusterId: 'c',
    messages: [{ group: 'g', message: encodeRaftMessage(message) }],
  });
  return method.requestDeserialize(bytes).messages[0]?.message ?? null;
}

describe('peer codec', () => {
  it.each(EVERY_MESSAGE.map((message) => [message.type, message] as const))(
    'round-trips %s with every field',
    (_type, message) => {
      expect(decodeRaftMessage(overTheWire(message))).toEqual(message);
    },
  );

  it('decodes a message without a body, or with impossible numbers, to null', () => {
    const heartbeat = encodeRaftMessage({
      type: 'heartbeat',
      ...envelope,
      commit: o(1),
      readContext: null,
    });
    const wire = overTheWire({ type: 'heartbeat', ...envelope, commit: o(1), readContext: null });
    expect(wire).not.toBeNull();
    const bodyless = {
      ...wire,
      body: undefined,
      heartbeat: null,
    } as unknown as RaftMessage__Output;
    expect(decodeRaftMessage(bodyless)).toBeNull();
    expect(decodeRaftMessage({ ...wire, term: -3 } as RaftMessage__Output)).toBeNull();
    expect(decodeRaftMessage({ ...wire, from: 1.5 } as RaftMessage__Output)).toBeNull();
    expect(decodeRaftMessage(null)).toBeNull();
    expect(heartbeat.heartbeat?.commit).toBe(1);
    const append = overTheWire({
      type: 'append',
      ...envelope,
      prevLastOffset: o(9),
      prevTerm: t(5),
      entries: [{ baseOffset: o(10), lastOffset: o(12), term: t(7), sizeBytes: 1 }],
      commit: o(9),
    });
    const backwards = structuredClone(append) as RaftMessage__Output;
    const entry = backwards.append?.entries[0];
    if (entry !== undefined) entry.lastOffset = 5;
    expect(decodeRaftMessage(backwards)).toBeNull();
  });
});
