// Original file: proto/brook/internal/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The answer to an append.
 */
export interface RaftAppendResponse {
  /**
   * Whether the entries matched and were stored durably.
   */
  'success'?: (boolean);
  /**
   * On success the last offset held matching the leader; on rejection the rejected
   * prev_last_offset.
   */
  'matchOffset'?: (number | string | Long);
  /**
   * On rejection: the follower's candidate next match point.
   */
  'rejectHint'?: (number | string | Long);
  /**
   * On rejection: the term at reject_hint.
   */
  'rejectHintTerm'?: (number | string | Long);
}

/**
 * The answer to an append.
 */
export interface RaftAppendResponse__Output {
  /**
   * Whether the entries matched and were stored durably.
   */
  'success': (boolean);
  /**
   * On success the last offset held matching the leader; on rejection the rejected
   * prev_last_offset.
   */
  'matchOffset': (number);
  /**
   * On rejection: the follower's candidate next match point.
   */
  'rejectHint': (number);
  /**
   * On rejection: the term at reject_hint.
   */
  'rejectHintTerm': (number);
}
