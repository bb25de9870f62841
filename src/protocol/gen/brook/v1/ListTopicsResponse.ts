// Original file: proto/brook/v1/admin.proto

import type { TopicSummary as _brook_v1_TopicSummary, TopicSummary__Output as _brook_v1_TopicSummary__Output } from '../../brook/v1/TopicSummary.js';

/**
 * The topics.
 */
export interface ListTopicsResponse {
  /**
   * Topics in name order.
   */
  'topics'?: (_brook_v1_TopicSummary)[];
}

/**
 * The topics.
 */
export interface ListTopicsResponse__Output {
  /**
   * Topics in name order.
   */
  'topics': (_brook_v1_TopicSummary__Output)[];
}
