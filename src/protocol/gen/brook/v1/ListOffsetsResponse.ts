// Original file: proto/brook/v1/data.proto

import type { PartitionOffset as _brook_v1_PartitionOffset, PartitionOffset__Output as _brook_v1_PartitionOffset__Output } from '../../brook/v1/PartitionOffset.js';

/**
 * The offsets found.
 */
export interface ListOffsetsResponse {
  /**
   * One entry per partition asked for, in partition order.
   */
  'offsets'?: (_brook_v1_PartitionOffset)[];
}

/**
 * The offsets found.
 */
export interface ListOffsetsResponse__Output {
  /**
   * One entry per partition asked for, in partition order.
   */
  'offsets': (_brook_v1_PartitionOffset__Output)[];
}
