// Original file: proto/brook/v1/data.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An offset of one partition.
 */
export interface PartitionOffset {
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * The offset. For OFFSET_SPEC_TIMESTAMP when no record is that recent: the high watermark.
   */
  'offset'?: (number | string | Long);
  /**
   * The timestamp of the record at `offset` for OFFSET_SPEC_TIMESTAMP; otherwise -1.
   */
  'timestampMs'?: (number | string | Long);
}

/**
 * An offset of one partition.
 */
export interface PartitionOffset__Output {
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * The offset. For OFFSET_SPEC_TIMESTAMP when no record is that recent: the high watermark.
   */
  'offset': (number);
  /**
   * The timestamp of the record at `offset` for OFFSET_SPEC_TIMESTAMP; otherwise -1.
   */
  'timestampMs': (number);
}
