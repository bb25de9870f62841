/**
 * Raft messages (raft/types.ts, `Message`) to and from their wire form in
 * proto/brook/internal/v1/peer.proto (`RaftMessage`). The peer transport (runtime/) carries the
 * proto objects without knowing Raft; this file is the only place that knows both shapes.
 *
 * Decoding never trusts the wire: a message whose body is missing, whose numbers are not safe
 * integers in range, or whose membership lists are malformed decodes to null (the caller drops
 * it, as Raft tolerates loss). The core re-checks terms and offsets against its own state.
 *
 * Must not: touch payload bytes (the replica validates them against the entries), or import
 * grpc-js.
 */
import type { RaftEntry__Output } from '../protocol/gen/brook/internal/v1/RaftEntry.js';
import type { RaftMembership__Output } from '../protocol/gen/brook/internal/v1/RaftMembership.js';
import type {
  RaftMessage,
  RaftMessage__Output,
} from '../protocol/gen/brook/internal/v1/RaftMessage.js';
import type { RaftSnapshotMeta__Output } from '../protocol/gen/brook/internal/v1/RaftSnapshotMeta.js';
import type { EntryMeta, Membership, Message, SnapshotMeta } from '../raft/types.js';
import { asBrokerId, asOffset, asTerm } from '../util/brand.js';
import type { BrokerId, Offset, Term } from '../util/brand.js';

// ---- encode ----

function membershipToProto(membership: Membership): { voters: number[]; learners: number[] } {
  return { voters: [...membership.voters], learners: [...membership.learners] };
}

function entryToProto(entry: EntryMeta): {
  baseOffset: number;
  lastOffset: number;
  term: number;
  sizeBytes: number;
  config?: { voters: number[]; learners: number[] };
  noop: boolean;
} {
  return {
    baseOffset: entry.baseOffset,
    lastOffset: entry.lastOffset,
    term: entry.term,
    sizeBytes: entry.sizeBytes,
    ...(entry.config === undefined ? {} : { config: membershipToProto(entry.config) }),
    noop: entry.noop === true,
  };
}

function readContextToProto(readContext: number | null): { readContext?: number } {
  return readContext === null ? {} : { readContext };
}

/** The wire form of `message` (see peer.proto). */
export function encodeRaftMessage(message: Message): RaftMessage {
  const envelope = { from: message.from, to: message.to, term: message.term };
  switch (message.type) {
    case 'preVote':
    case 'vote': {
      const request = {
        lastOffset: message.lastOffset,
        lastTerm: message.lastTerm,
        transfer: message.type === 'vote' && message.transfer,
      };
      return message.type === 'vote'
        ? { ...envelope, vote: request }
        : { ...envelope, preVote: request };
    }
    case 'preVoteResponse':
      return { ...envelope, preVoteResponse: { granted: message.granted } };
    case 'voteResponse':
      return { ...envelope, voteResponse: { granted: message.granted } };
    case 'append':
      return {
        ...envelope,
        append: {
          prevLastOffset: message.prevLastOffset,
          prevTerm: message.prevTerm,
          entries: message.entries.map(entryToProto),
          commit: message.commit,
        },
      };
    case 'appendResponse':
      return {
        ...envelope,
        appendResponse: {
          success: message.success,
          matchOffset: message.matchOffset,
          rejectHint: message.rejectHint,
          rejectHintTerm: message.rejectHintTerm,
        },
      };
    case 'heartbeat':
      return {
        ...envelope,
        heartbeat: {
          commit: message.commit,
          ...readContextToProto(message.readContext),
          ...(message.quiesce === true ? { quiesce: true } : {}),
        },
      };
    case 'heartbeatResponse':
      return { ...envelope, heartbeatResponse: readContextToProto(message.readContext) };
    case 'installSnapshot':
      return {
        ...envelope,
        installSnapshot: {
          snapshot: {
            lastOffset: message.snapshot.lastOffset,
            term: message.snapshot.term,
            membership: membershipToProto(message.snapshot.membership),
          },
        },
      };
    case 'timeoutNow':
      return { ...envelope, timeoutNow: {} };
  }
}

// ---- decode ----

/** Thrown inside decoding only; turned into null at the boundary. */
class Malformed extends Error {}

function integer(value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new Malformed(`not an integer >= ${min}: ${String(value)}`);
  }
  return value;
}

const offsetOf = (value: unknown): Offset => asOffset(integer(value, -1));
const termOf = (value: unknown): Term => asTerm(integer(value, 0));
const brokerOf = (value: unknown): BrokerId => asBrokerId(integer(value, 0));

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Malformed('a required field is missing');
  return value;
}

function membershipOf(proto: RaftMembership__Output | null | undefined): Membership {
  const membership = present(proto);
  return { voters: membership.voters.map(brokerOf), learners: membership.learners.map(brokerOf) };
}

function entryOf(proto: RaftEntry__Output): EntryMeta {
  const base = {
    baseOffset: offsetOf(proto.baseOffset),
    lastOffset: offsetOf(proto.lastOffset),
    term: termOf(proto.term),
    sizeBytes: integer(proto.sizeBytes, 0),
  };
  if (base.lastOffset < base.baseOffset) throw new Malformed('an entry ends before it starts');
  if (proto.config !== null) {
    return { ...base, config: membershipOf(proto.config) };
  }
  return proto.noop ? { ...base, noop: true } : base;
}

function snapshotOf(proto: RaftSnapshotMeta__Output | null | undefined): SnapshotMeta {
  const snapshot = present(proto);
  return {
    lastOffset: offsetOf(snapshot.lastOffset),
    term: termOf(snapshot.term),
    membership: membershipOf(snapshot.membership),
  };
}

function readContextOf(value: number | undefined): number | null {
  return value === undefined ? null : integer(value, 0);
}

function decodeBody(proto: RaftMessage__Output): Message {
  const envelope = { from: brokerOf(proto.from), to: brokerOf(proto.to), term: termOf(proto.term) };
  if (proto.body === undefined) throw new Malformed('a message without a body');
  switch (proto.body) {
    case 'preVote':
    case 'vote': {
      const request = present(proto.body === 'vote' ? proto.vote : proto.preVote);
      const fields = {
        lastOffset: offsetOf(request.lastOffset),
        lastTerm: termOf(request.lastTerm),
      };
      return proto.body === 'vote'
        ? { type: 'vote', ...envelope, ...fields, transfer: request.transfer }
        : { type: 'preVote', ...envelope, ...fields };
    }
    case 'preVoteResponse':
      return {
        type: 'preVoteResponse',
        ...envelope,
        granted: present(proto.preVoteResponse).granted,
      };
    case 'voteResponse':
      return { type: 'voteResponse', ...envelope, granted: present(proto.voteResponse).granted };
    case 'append': {
      const append = present(proto.append);
      return {
        type: 'append',
        ...envelope,
        prevLastOffset: offsetOf(append.prevLastOffset),
        prevTerm: termOf(append.prevTerm),
        entries: append.entries.map(entryOf),
        commit: offsetOf(append.commit),
      };
    }
    case 'appendResponse': {
      const response = present(proto.appendResponse);
      return {
        type: 'appendResponse',
        ...envelope,
        success: response.success,
        matchOffset: offsetOf(response.matchOffset),
        rejectHint: offsetOf(response.rejectHint),
        rejectHintTerm: termOf(response.rejectHintTerm),
      };
    }
    case 'heartbeat': {
      const heartbeat = present(proto.heartbeat);
      return {
        type: 'heartbeat',
        ...envelope,
        commit: offsetOf(heartbeat.commit),
        readContext: readContextOf(heartbeat.readContext),
        ...(heartbeat.quiesce ? { quiesce: true } : {}),
      };
    }
    case 'heartbeatResponse':
      return {
        type: 'heartbeatResponse',
        ...envelope,
        readContext: readContextOf(present(proto.heartbeatResponse).readContext),
      };
    case 'installSnapshot':
      return {
        type: 'installSnapshot',
        ...envelope,
        snapshot: snapshotOf(present(proto.installSnapshot).snapshot),
      };
    case 'timeoutNow':
      return { type: 'timeoutNow', ...envelope };
  }
}

/** The Raft message `proto` carries, or null when it is malformed (see the module comment). */
export function decodeRaftMessage(proto: RaftMessage__Output | null | undefined): Message | null {
  if (proto === null || proto === undefined) return null;
  try {
    return decodeBody(proto);
  } catch (error) {
    if (error instanceof Malformed) return null;
    throw error;
  }
}
