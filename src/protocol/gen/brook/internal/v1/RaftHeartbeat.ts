// Original file: proto/brook/internal/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The leader's heartbeat.
 */
export interface RaftHeartbeat {
  /**
   * min(leader commit, the follower's known match).
   */
  'commit'?: (number | string | Long);
  /**
   * The ReadIndex round this heartbeat belongs to; absent when none.
   */
  'readContext'?: (number | string | Long);
  /**
   * The leader stops heartbeating after this one: the group is idle (quiesced).
   */
  'quiesce'?: (boolean);
  '_readContext'?: "readContext";
}

/**
 * The leader's heartbeat.
 */
export interface RaftHeartbeat__Output {
  /**
   * min(leader commit, the follower's known match).
   */
  'commit': (number);
  /**
   * The ReadIndex round this heartbeat belongs to; absent when none.
   */
  'readContext'?: (number);
  /**
   * The leader stops heartbeating after this one: the group is idle (quiesced).
   */
  'quiesce': (boolean);
  '_readContext'?: "readContext";
}
