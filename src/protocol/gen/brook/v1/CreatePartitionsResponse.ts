// Original file: proto/brook/v1/admin.proto

import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from '../../brook/v1/TopicDescription.js';

/**
 * The topic with its new partitions.
 */
export interface CreatePartitionsResponse {
  /**
   * Its description.
   */
  'topic'?: (_brook_v1_TopicDescription | null);
}

/**
 * The topic with its new partitions.
 */
export interface CreatePartitionsResponse__Output {
  /**
   * Its description.
   */
  'topic': (_brook_v1_TopicDescription__Output | null);
}
