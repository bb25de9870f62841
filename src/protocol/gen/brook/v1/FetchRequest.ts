// Original file: proto/brook/v1/data.proto

import type { RecordFormat as _brook_v1_RecordFormat, RecordFormat__Output as _brook_v1_RecordFormat__Output } from '../../brook/v1/RecordFormat.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A read of one partition.
 */
export interface FetchRequest {
  /**
   * Topic name.
   */
  'topic'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * First offset wanted. Must lie in [log_start_offset, high_watermark].
   */
  'offset'?: (number | string | Long);
  /**
   * Most bytes of batches to return; 0 = the broker default (1 MiB). The first batch is
   * always returned whole, even when larger, so a reader never gets stuck.
   */
  'maxBytes'?: (number);
  /**
   * Longest time to wait for data when none is available at `offset`; 0 = answer at once.
   */
  'maxWaitMs'?: (number);
  /**
   * Answer early once at least this many bytes are available; 0 or 1 = any data.
   */
  'minBytes'?: (number);
  /**
   * Plain records (default) or raw batches.
   */
  'format'?: (_brook_v1_RecordFormat);
}

/**
 * A read of one partition.
 */
export interface FetchRequest__Output {
  /**
   * Topic name.
   */
  'topic': (string);
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * First offset wanted. Must lie in [log_start_offset, high_watermark].
   */
  'offset': (number);
  /**
   * Most bytes of batches to return; 0 = the broker default (1 MiB). The first batch is
   * always returned whole, even when larger, so a reader never gets stuck.
   */
  'maxBytes': (number);
  /**
   * Longest time to wait for data when none is available at `offset`; 0 = answer at once.
   */
  'maxWaitMs': (number);
  /**
   * Answer early once at least this many bytes are available; 0 or 1 = any data.
   */
  'minBytes': (number);
  /**
   * Plain records (default) or raw batches.
   */
  'format': (_brook_v1_RecordFormat__Output);
}
