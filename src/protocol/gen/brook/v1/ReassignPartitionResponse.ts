// Original file: proto/brook/v1/admin.proto

import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from '../../brook/v1/TopicDescription.js';

/**
 * The recorded assignment.
 */
export interface ReassignPartitionResponse {
  /**
   * The topic after the change (replicas show the target set).
   */
  'topic'?: (_brook_v1_TopicDescription | null);
}

/**
 * The recorded assignment.
 */
export interface ReassignPartitionResponse__Output {
  /**
   * The topic after the change (replicas show the target set).
   */
  'topic': (_brook_v1_TopicDescription__Output | null);
}
