// Original file: proto/brook/v1/admin.proto

import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from '../../brook/v1/TopicDescription.js';

/**
 * The topic after the change.
 */
export interface AlterTopicConfigResponse {
  /**
   * Its description.
   */
  'topic'?: (_brook_v1_TopicDescription | null);
}

/**
 * The topic after the change.
 */
export interface AlterTopicConfigResponse__Output {
  /**
   * Its description.
   */
  'topic': (_brook_v1_TopicDescription__Output | null);
}
