// Original file: proto/brook/internal/v1/controller.proto

import type { LeaderPartitionState as _brook_internal_v1_LeaderPartitionState, LeaderPartitionState__Output as _brook_internal_v1_LeaderPartitionState__Output } from '../../../brook/internal/v1/LeaderPartitionState.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One broker's heartbeat.
 */
export interface BrokerHeartbeatRequest {
  /**
   * The sender's broker id.
   */
  'brokerId'?: (number);
  /**
   * host:port where clients and peers reach the sender.
   */
  'address'?: (string);
  /**
   * The cluster id the sender belongs to; empty when it does not know one yet.
   */
  'clusterId'?: (string);
  /**
   * The state of every partition whose replica on the sender leads (all of them, every time:
   * a partition missing here is one the sender no longer leads).
   */
  'partitions'?: (_brook_internal_v1_LeaderPartitionState)[];
  /**
   * The leader table the sender holds: the epoch of the controller leader that produced it.
   */
  'leaderTableEpoch'?: (number | string | Long);
  /**
   * ... and the version within that epoch; 0 with epoch 0 when the sender holds none.
   */
  'leaderTableVersion'?: (number | string | Long);
}

/**
 * One broker's heartbeat.
 */
export interface BrokerHeartbeatRequest__Output {
  /**
   * The sender's broker id.
   */
  'brokerId': (number);
  /**
   * host:port where clients and peers reach the sender.
   */
  'address': (string);
  /**
   * The cluster id the sender belongs to; empty when it does not know one yet.
   */
  'clusterId': (string);
  /**
   * The state of every partition whose replica on the sender leads (all of them, every time:
   * a partition missing here is one the sender no longer leads).
   */
  'partitions': (_brook_internal_v1_LeaderPartitionState__Output)[];
  /**
   * The leader table the sender holds: the epoch of the controller leader that produced it.
   */
  'leaderTableEpoch': (number);
  /**
   * ... and the version within that epoch; 0 with epoch 0 when the sender holds none.
   */
  'leaderTableVersion': (number);
}
