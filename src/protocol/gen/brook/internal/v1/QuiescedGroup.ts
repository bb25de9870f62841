// Original file: proto/brook/internal/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A group whose leader stopped heartbeating it while idle (the leader's broker is the sender).
 */
export interface QuiescedGroup {
  /**
   * The group id (as in GroupMessage.group).
   */
  'group'?: (string);
  /**
   * The leader's term: a follower in another term ignores the entry.
   */
  'term'?: (number | string | Long);
}

/**
 * A group whose leader stopped heartbeating it while idle (the leader's broker is the sender).
 */
export interface QuiescedGroup__Output {
  /**
   * The group id (as in GroupMessage.group).
   */
  'group': (string);
  /**
   * The leader's term: a follower in another term ignores the entry.
   */
  'term': (number);
}
