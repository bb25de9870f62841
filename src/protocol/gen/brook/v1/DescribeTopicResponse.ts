// Original file: proto/brook/v1/admin.proto

import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from '../../brook/v1/TopicDescription.js';

/**
 * The topic.
 */
export interface DescribeTopicResponse {
  /**
   * Its description.
   */
  'topic'?: (_brook_v1_TopicDescription | null);
}

/**
 * The topic.
 */
export interface DescribeTopicResponse__Output {
  /**
   * Its description.
   */
  'topic': (_brook_v1_TopicDescription__Output | null);
}
