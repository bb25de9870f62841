// Original file: proto/brook/v1/data.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Where the records went.
 */
export interface ProduceResponse {
  /**
   * Offset of the first record appended; -1 with ACKS_NONE.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * Offset of the last record appended; -1 with ACKS_NONE.
   */
  'lastOffset'?: (number | string | Long);
  /**
   * The broker's append time when the topic uses LogAppendTime, otherwise -1.
   */
  'logAppendTimeMs'?: (number | string | Long);
  /**
   * The partition's first offset after the append.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * Number of records appended.
   */
  'recordCount'?: (number);
}

/**
 * Where the records went.
 */
export interface ProduceResponse__Output {
  /**
   * Offset of the first record appended; -1 with ACKS_NONE.
   */
  'baseOffset': (number);
  /**
   * Offset of the last record appended; -1 with ACKS_NONE.
   */
  'lastOffset': (number);
  /**
   * The broker's append time when the topic uses LogAppendTime, otherwise -1.
   */
  'logAppendTimeMs': (number);
  /**
   * The partition's first offset after the append.
   */
  'logStartOffset': (number);
  /**
   * Number of records appended.
   */
  'recordCount': (number);
}
