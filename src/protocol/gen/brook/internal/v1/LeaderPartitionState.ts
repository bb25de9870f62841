// Original file: proto/brook/internal/v1/controller.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A partition as its leader reports it.
 */
export interface LeaderPartitionState {
  /**
   * Id of the partition's topic.
   */
  'topicId'?: (string);
  /**
   * Name of the partition's topic.
   */
  'topic'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Broker id of the leader.
   */
  'leader'?: (number);
  /**
   * The leader's Raft term (Kafka's leader epoch).
   */
  'leaderEpoch'?: (number | string | Long);
  /**
   * The Raft group's members: voters, then learners.
   */
  'replicas'?: (number)[];
  /**
   * In-sync replicas (the leader included).
   */
  'isr'?: (number)[];
  /**
   * One past the last committed offset.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * First offset in the log.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * Bytes of the leader's log.
   */
  'sizeBytes'?: (number | string | Long);
}

/**
 * A partition as its leader reports it.
 */
export interface LeaderPartitionState__Output {
  /**
   * Id of the partition's topic.
   */
  'topicId': (string);
  /**
   * Name of the partition's topic.
   */
  'topic': (string);
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Broker id of the leader.
   */
  'leader': (number);
  /**
   * The leader's Raft term (Kafka's leader epoch).
   */
  'leaderEpoch': (number);
  /**
   * The Raft group's members: voters, then learners.
   */
  'replicas': (number)[];
  /**
   * In-sync replicas (the leader included).
   */
  'isr': (number)[];
  /**
   * One past the last committed offset.
   */
  'highWatermark': (number);
  /**
   * First offset in the log.
   */
  'logStartOffset': (number);
  /**
   * Bytes of the leader's log.
   */
  'sizeBytes': (number);
}
