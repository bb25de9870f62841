// Original file: proto/brook/v1/admin.proto

import type { PartitionDescription as _brook_v1_PartitionDescription, PartitionDescription__Output as _brook_v1_PartitionDescription__Output } from '../../brook/v1/PartitionDescription.js';
import type { ConfigEntry as _brook_v1_ConfigEntry, ConfigEntry__Output as _brook_v1_ConfigEntry__Output } from '../../brook/v1/ConfigEntry.js';

/**
 * Everything about a topic.
 */
export interface TopicDescription {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * Replicas per partition.
   */
  'replicationFactor'?: (number);
  /**
   * Partitions in order.
   */
  'partitions'?: (_brook_v1_PartitionDescription)[];
  /**
   * The effective configuration: overrides and defaults.
   */
  'configs'?: (_brook_v1_ConfigEntry)[];
}

/**
 * Everything about a topic.
 */
export interface TopicDescription__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * Replicas per partition.
   */
  'replicationFactor': (number);
  /**
   * Partitions in order.
   */
  'partitions': (_brook_v1_PartitionDescription__Output)[];
  /**
   * The effective configuration: overrides and defaults.
   */
  'configs': (_brook_v1_ConfigEntry__Output)[];
}
