// Original file: proto/brook/internal/v1/peer.proto

import type { RaftMessage as _brook_internal_v1_RaftMessage, RaftMessage__Output as _brook_internal_v1_RaftMessage__Output } from '../../../brook/internal/v1/RaftMessage.js';

/**
 * One Raft message of one group.
 */
export interface GroupMessage {
  /**
   * The Raft group: "__controller", or "<topicId>/<partition>" for a partition.
   */
  'group'?: (string);
  /**
   * The message.
   */
  'message'?: (_brook_internal_v1_RaftMessage | null);
  /**
   * The bytes the Raft core never sees: the record batches of an append (back to back, exactly
   * its entries) or the snapshot of an installSnapshot; empty for every other message.
   */
  'payload'?: (Buffer | Uint8Array | string);
}

/**
 * One Raft message of one group.
 */
export interface GroupMessage__Output {
  /**
   * The Raft group: "__controller", or "<topicId>/<partition>" for a partition.
   */
  'group': (string);
  /**
   * The message.
   */
  'message': (_brook_internal_v1_RaftMessage__Output | null);
  /**
   * The bytes the Raft core never sees: the record batches of an append (back to back, exactly
   * its entries) or the snapshot of an installSnapshot; empty for every other message.
   */
  'payload': (Buffer);
}
