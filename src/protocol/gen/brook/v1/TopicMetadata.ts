// Original file: proto/brook/v1/data.proto

import type { PartitionMetadata as _brook_v1_PartitionMetadata, PartitionMetadata__Output as _brook_v1_PartitionMetadata__Output } from '../../brook/v1/PartitionMetadata.js';

/**
 * The partitions of a topic and their leaders.
 */
export interface TopicMetadata {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * Partitions in order.
   */
  'partitions'?: (_brook_v1_PartitionMetadata)[];
}

/**
 * The partitions of a topic and their leaders.
 */
export interface TopicMetadata__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * Partitions in order.
   */
  'partitions': (_brook_v1_PartitionMetadata__Output)[];
}
