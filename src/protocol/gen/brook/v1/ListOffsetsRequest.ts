// Original file: proto/brook/v1/data.proto

import type { OffsetSpec as _brook_v1_OffsetSpec, OffsetSpec__Output as _brook_v1_OffsetSpec__Output } from '../../brook/v1/OffsetSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Offsets of some or all partitions of a topic.
 */
export interface ListOffsetsRequest {
  /**
   * Topic name.
   */
  'topic'?: (string);
  /**
   * Partitions to look up; empty means all.
   */
  'partitions'?: (number)[];
  /**
   * What to look up.
   */
  'spec'?: (_brook_v1_OffsetSpec);
  /**
   * With OFFSET_SPEC_TIMESTAMP: milliseconds since the epoch.
   */
  'timestampMs'?: (number | string | Long);
}

/**
 * Offsets of some or all partitions of a topic.
 */
export interface ListOffsetsRequest__Output {
  /**
   * Topic name.
   */
  'topic': (string);
  /**
   * Partitions to look up; empty means all.
   */
  'partitions': (number)[];
  /**
   * What to look up.
   */
  'spec': (_brook_v1_OffsetSpec__Output);
  /**
   * With OFFSET_SPEC_TIMESTAMP: milliseconds since the epoch.
   */
  'timestampMs': (number);
}
