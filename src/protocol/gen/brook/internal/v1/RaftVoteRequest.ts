// Original file: proto/brook/internal/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A pre-vote or vote request.
 */
export interface RaftVoteRequest {
  /**
   * The candidate's last log offset.
   */
  'lastOffset'?: (number | string | Long);
  /**
   * The term of the candidate's last entry.
   */
  'lastTerm'?: (number | string | Long);
  /**
   * Votes only: set when campaigning after TimeoutNow (voters ignore their leader lease).
   */
  'transfer'?: (boolean);
}

/**
 * A pre-vote or vote request.
 */
export interface RaftVoteRequest__Output {
  /**
   * The candidate's last log offset.
   */
  'lastOffset': (number);
  /**
   * The term of the candidate's last entry.
   */
  'lastTerm': (number);
  /**
   * Votes only: set when campaigning after TimeoutNow (voters ignore their leader lease).
   */
  'transfer': (boolean);
}
