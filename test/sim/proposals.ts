/**
 * Client proposals in the simulator: each carries a unique value, and its fate is recorded as
 * the replica reported it. 'acked' means committed at the given offsets (it must be there at
 * the end), 'failed' means nothing was appended (it must never show up), 'unknown' means
 * leadership was lost after appending (either outcome is allowed).
 */
import { encodeBatch } from '../../src/protocol/record-batch.js';
import type { NodeId } from '../../src/raft/types.js';
import { isReplicaError } from '../../src/replica/errors.js';
import type { ProposalResult } from '../../src/replica/pending.js';

export type ProposalStatus = 'pending' | 'acked' | 'failed' | 'unknown';

export interface ProposalRecord {
  readonly id: number;
  readonly value: string;
  readonly node: NodeId;
  readonly proposedAtMs: number;
  status: ProposalStatus;
  /** The batch's CRC-32C: its identity in the logs (it covers the records, not the offsets). */
  crc: number | null;
  result: ProposalResult | null;
  reason: string | null;
  settledAtMs: number | null;
}

/** Definitely not appended: the replica refused before the core took the entry. */
const REFUSALS = new Set([
  'NOT_LEADER',
  'TERM_MISMATCH',
  'TRANSFER_IN_PROGRESS',
  'CONFIG_CHANGE_REJECTED',
  'REPLICA_CLOSED',
  'REPLICA_FAILED',
]);

/** How a rejection counts, or null for an error no replica should ever raise (a bug). */
export function classifyRejection(error: unknown): 'failed' | 'unknown' | null {
  if (!isReplicaError(error)) return null;
  if (error.reason === 'OUTCOME_UNKNOWN') return 'unknown';
  return REFUSALS.has(error.reason) ? 'failed' : null;
}

export function describeError(error: unknown): string {
  if (isReplicaError(error)) return `${error.reason}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** One record per value, 1-3 records per batch (to vary the offsets an entry spans). */
export async function proposalBatch(
  value: string,
  records: number,
  timestampMs: number,
): Promise<Buffer> {
  const inputs = [];
  for (let index = 0; index < records; index++) {
    inputs.push({
      key: new TextEncoder().encode(value),
      value: new TextEncoder().encode(`${value}#${index}`),
    });
  }
  return encodeBatch(inputs, { defaultTimestamp: timestampMs });
}

/** The value a proposal batch carries (its first record's key). */
export function valueOf(key: Uint8Array | null): string | null {
  return key === null ? null : new TextDecoder().decode(key);
}
