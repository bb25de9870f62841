/**
 * Why a replica refused or could not finish a request. Each reason travels as a `BrookError`
 * with the code from the one table (protocol/errors.ts) that tells a client what to do, plus
 * the precise `reason` for callers inside the broker:
 * - NOT_LEADER, TERM_MISMATCH, TRANSFER_IN_PROGRESS: nothing was appended; retry on the leader
 *   (`leader` is the hint, when known). Code NOT_LEADER.
 * - CONFIG_CHANGE_REJECTED: the membership change is invalid or another one is under way.
 *   Code INVALID_REQUEST.
 * - OUTCOME_UNKNOWN: the entry was appended, then this replica lost leadership (or stopped)
 *   before it committed. It may still commit under the next leader: the caller must treat the
 *   write as indeterminate (Kafka clients see a timeout). Code REQUEST_TIMED_OUT.
 * - REPLICA_FAILED: storage failed; the replica stopped. Code STORAGE_ERROR.
 * - REPLICA_CLOSED: the replica is closed or halted. Code BROKER_UNAVAILABLE.
 * - BUSY: the leader holds too much uncommitted work or too many pending reads (usually it
 *   cannot reach a quorum); nothing was queued. Code RESOURCE_EXHAUSTED (retriable).
 */
import { BrookError } from '../protocol/errors.js';
import type { ErrorCode } from '../protocol/errors.js';
import type { NodeId, ProposeError } from '../raft/types.js';

export type ReplicaErrorReason =
  | 'NOT_LEADER'
  | 'TERM_MISMATCH'
  | 'TRANSFER_IN_PROGRESS'
  | 'CONFIG_CHANGE_REJECTED'
  | 'OUTCOME_UNKNOWN'
  | 'REPLICA_FAILED'
  | 'REPLICA_CLOSED'
  | 'BUSY';

const CODES: Record<ReplicaErrorReason, ErrorCode> = {
  NOT_LEADER: 'NOT_LEADER',
  TERM_MISMATCH: 'NOT_LEADER',
  TRANSFER_IN_PROGRESS: 'NOT_LEADER',
  CONFIG_CHANGE_REJECTED: 'INVALID_REQUEST',
  OUTCOME_UNKNOWN: 'REQUEST_TIMED_OUT',
  REPLICA_FAILED: 'STORAGE_ERROR',
  REPLICA_CLOSED: 'BROKER_UNAVAILABLE',
  BUSY: 'RESOURCE_EXHAUSTED',
};

export class ReplicaError extends BrookError {
  constructor(
    readonly reason: ReplicaErrorReason,
    message: string,
    /** The current leader when known (NOT_LEADER and friends). */
    readonly leader: NodeId | null = null,
    cause?: unknown,
  ) {
    const details: Record<string, string> = { reason };
    if (leader !== null) details['leader'] = String(leader);
    super(CODES[reason], message, cause === undefined ? { details } : { details, cause });
  }
}

export function isReplicaError(error: unknown, reason?: ReplicaErrorReason): error is ReplicaError {
  return error instanceof ReplicaError && (reason === undefined || error.reason === reason);
}

/** The error for a refusal the core reported. */
export function fromProposeError(error: ProposeError): ReplicaError {
  switch (error.code) {
    case 'NOT_LEADER':
      return new ReplicaError('NOT_LEADER', 'this replica does not lead the group', error.leader);
    case 'TERM_MISMATCH':
      return new ReplicaError('TERM_MISMATCH', `leadership moved: the term is now ${error.term}`);
    case 'TRANSFER_IN_PROGRESS':
      return new ReplicaError('TRANSFER_IN_PROGRESS', 'a leadership transfer is under way');
    case 'CONFIG_CHANGE_REJECTED':
      return new ReplicaError('CONFIG_CHANGE_REJECTED', error.reason);
    case 'BUSY':
      return new ReplicaError('BUSY', error.reason);
  }
}
