/**
 * The Raft entries the replica loop writes itself: a new leader's no-op and configuration
 * (membership) entries. Both are control batches (attribute bit 5), so consumers skip them and
 * they take offsets like any batch (ARCHITECTURE.md, decision 2: no offset translation).
 *
 * Control record layout (Kafka's): key = int16 version (0) + int16 type; value = JSON.
 * Types follow Kafka's ControlRecordType numbering where it has one: 0 abort and 1 commit are
 * transaction markers (not ours: they go to the state machines), 2 is the leader-change record
 * (Brook: the leader's no-op), 6 is the voters record (Brook: the membership).
 *
 * Must not: interpret data batches, or decide anything about Raft (the core does).
 */
import {
  BATCH_HEADER_BYTES,
  batchSizeOf,
  compressionOf,
  decodeRecords,
  encodeBatch,
  isControl,
} from '../protocol/record-batch.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import { BrookError } from '../protocol/errors.js';
import type { Membership, NodeId, Offset, Term } from '../raft/types.js';
import { asBrokerId } from '../util/brand.js';

export const CONTROL_TYPE_LEADER_NOOP = 2;
export const CONTROL_TYPE_MEMBERSHIP = 6;
const CONTROL_KEY_VERSION = 0;

/** What an entry is to the replica loop. */
export type EntryKind =
  | { readonly kind: 'data' }
  | { readonly kind: 'noop' }
  | { readonly kind: 'config'; readonly membership: Membership };

const DATA: EntryKind = { kind: 'data' };
const NOOP: EntryKind = { kind: 'noop' };

export interface ControlEntryOptions {
  readonly baseOffset: Offset;
  readonly term: Term;
  /** Record timestamp (the leader's clock; followers receive the bytes, never re-encode). */
  readonly timestampMs: number;
}

function controlKey(type: number): Uint8Array {
  const key = new Uint8Array(4);
  const view = new DataView(key.buffer);
  view.setInt16(0, CONTROL_KEY_VERSION);
  view.setInt16(2, type);
  return key;
}

async function encodeControl(
  type: number,
  value: unknown,
  options: ControlEntryOptions,
): Promise<Buffer> {
  return encodeBatch(
    [{ key: controlKey(type), value: new TextEncoder().encode(JSON.stringify(value)) }],
    {
      control: true,
      baseOffset: options.baseOffset,
      partitionLeaderEpoch: options.term,
      defaultTimestamp: options.timestampMs,
    },
  );
}

/** The no-op a leader appends at the start of its term (Raft thesis 6.4). */
export function encodeNoopEntry(leader: NodeId, options: ControlEntryOptions): Promise<Buffer> {
  return encodeControl(CONTROL_TYPE_LEADER_NOOP, { leader }, options);
}

/** A configuration entry carrying the whole new membership. */
export function encodeConfigEntry(
  membership: Membership,
  options: ControlEntryOptions,
): Promise<Buffer> {
  const value = { voters: [...membership.voters], learners: [...membership.learners] };
  return encodeControl(CONTROL_TYPE_MEMBERSHIP, value, options);
}

/**
 * Classifies the batch at `position` of `bytes` (header already read). Control batches of other
 * types (transaction markers) and anything this code cannot parse count as data: they belong to
 * the state machines, which see every non-Raft batch.
 */
export function classifyEntry(bytes: Uint8Array, position: number, header: BatchHeader): EntryKind {
  if (!isControl(header) || compressionOf(header) !== 0 || header.recordCount !== 1) return DATA;
  const section = bytes.subarray(position + BATCH_HEADER_BYTES, position + batchSizeOf(header));
  const records = decodeRecords(section, header);
  const record = records[0];
  if (record?.key?.length !== 4 || record.value === null) return DATA;
  const view = new DataView(record.key.buffer, record.key.byteOffset, 4);
  if (view.getInt16(0) !== CONTROL_KEY_VERSION) return DATA;
  const type = view.getInt16(2);
  if (type === CONTROL_TYPE_LEADER_NOOP) return NOOP;
  if (type !== CONTROL_TYPE_MEMBERSHIP) return DATA;
  return { kind: 'config', membership: parseMembership(record.value) };
}

function parseMembership(value: Uint8Array): Membership {
  const parsed = JSON.parse(new TextDecoder().decode(value)) as unknown;
  const ids = (field: unknown): NodeId[] => {
    if (!Array.isArray(field) || !field.every((id) => Number.isSafeInteger(id))) {
      throw new BrookError('CORRUPT_MESSAGE', 'membership entry: ids must be integer arrays');
    }
    return (field as number[]).map((id) => asBrokerId(id));
  };
  if (typeof parsed !== 'object' || parsed === null) {
    throw new BrookError('CORRUPT_MESSAGE', 'membership entry: value is not an object');
  }
  const record = parsed as Record<string, unknown>;
  return { voters: ids(record['voters']), learners: ids(record['learners']) };
}
