// Original file: proto/brook/internal/v1/peer.proto

import type { GroupMessage as _brook_internal_v1_GroupMessage, GroupMessage__Output as _brook_internal_v1_GroupMessage__Output } from '../../../brook/internal/v1/GroupMessage.js';

/**
 * One frame: the messages one broker queued for another within one event-loop turn.
 */
export interface ReplicateRequest {
  /**
   * The sender's broker id.
   */
  'fromBroker'?: (number);
  /**
   * The cluster the sender belongs to; empty while it does not know one yet.
   */
  'clusterId'?: (string);
  /**
   * The messages, in the order they were sent.
   */
  'messages'?: (_brook_internal_v1_GroupMessage)[];
}

/**
 * One frame: the messages one broker queued for another within one event-loop turn.
 */
export interface ReplicateRequest__Output {
  /**
   * The sender's broker id.
   */
  'fromBroker': (number);
  /**
   * The cluster the sender belongs to; empty while it does not know one yet.
   */
  'clusterId': (string);
  /**
   * The messages, in the order they were sent.
   */
  'messages': (_brook_internal_v1_GroupMessage__Output)[];
}
