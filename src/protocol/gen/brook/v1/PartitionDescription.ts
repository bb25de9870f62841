// Original file: proto/brook/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One partition's state.
 */
export interface PartitionDescription {
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Broker id of the leader; -1 when there is none.
   */
  'leader'?: (number);
  /**
   * Broker ids of the replicas.
   */
  'replicas'?: (number)[];
  /**
   * Replicas caught up with the leader.
   */
  'isr'?: (number)[];
  /**
   * The leader's epoch (Raft term).
   */
  'leaderEpoch'?: (number);
  /**
   * Offset after the last committed record.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * First offset still in the log.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * Bytes on disk on the leader.
   */
  'sizeBytes'?: (number | string | Long);
}

/**
 * One partition's state.
 */
export interface PartitionDescription__Output {
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Broker id of the leader; -1 when there is none.
   */
  'leader': (number);
  /**
   * Broker ids of the replicas.
   */
  'replicas': (number)[];
  /**
   * Replicas caught up with the leader.
   */
  'isr': (number)[];
  /**
   * The leader's epoch (Raft term).
   */
  'leaderEpoch': (number);
  /**
   * Offset after the last committed record.
   */
  'highWatermark': (number);
  /**
   * First offset still in the log.
   */
  'logStartOffset': (number);
  /**
   * Bytes on disk on the leader.
   */
  'sizeBytes': (number);
}
