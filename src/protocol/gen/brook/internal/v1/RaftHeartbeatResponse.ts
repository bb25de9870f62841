// Original file: proto/brook/internal/v1/peer.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The answer to a heartbeat.
 */
export interface RaftHeartbeatResponse {
  /**
   * The ReadIndex round answered; absent when none.
   */
  'readContext'?: (number | string | Long);
  '_readContext'?: "readContext";
}

/**
 * The answer to a heartbeat.
 */
export interface RaftHeartbeatResponse__Output {
  /**
   * The ReadIndex round answered; absent when none.
   */
  'readContext'?: (number);
  '_readContext'?: "readContext";
}
