// Original file: proto/brook/v1/data.proto

import type { BrokerInfo as _brook_v1_BrokerInfo, BrokerInfo__Output as _brook_v1_BrokerInfo__Output } from '../../brook/v1/BrokerInfo.js';
import type { TopicMetadata as _brook_v1_TopicMetadata, TopicMetadata__Output as _brook_v1_TopicMetadata__Output } from '../../brook/v1/TopicMetadata.js';

/**
 * Brokers and partition leaders.
 */
export interface GetMetadataResponse {
  /**
   * The cluster's id.
   */
  'clusterId'?: (string);
  /**
   * Every known broker.
   */
  'brokers'?: (_brook_v1_BrokerInfo)[];
  /**
   * The topics asked for.
   */
  'topics'?: (_brook_v1_TopicMetadata)[];
}

/**
 * Brokers and partition leaders.
 */
export interface GetMetadataResponse__Output {
  /**
   * The cluster's id.
   */
  'clusterId': (string);
  /**
   * Every known broker.
   */
  'brokers': (_brook_v1_BrokerInfo__Output)[];
  /**
   * The topics asked for.
   */
  'topics': (_brook_v1_TopicMetadata__Output)[];
}
