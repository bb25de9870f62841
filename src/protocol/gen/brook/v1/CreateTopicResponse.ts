// Original file: proto/brook/v1/admin.proto

import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from '../../brook/v1/TopicDescription.js';

/**
 * The created topic.
 */
export interface CreateTopicResponse {
  /**
   * Its description.
   */
  'topic'?: (_brook_v1_TopicDescription | null);
}

/**
 * The created topic.
 */
export interface CreateTopicResponse__Output {
  /**
   * Its description.
   */
  'topic': (_brook_v1_TopicDescription__Output | null);
}
