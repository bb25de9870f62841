// Original file: proto/brook/v1/data.proto

import type { StartPosition as _brook_v1_StartPosition, StartPosition__Output as _brook_v1_StartPosition__Output } from '../../brook/v1/StartPosition.js';
import type { RecordFormat as _brook_v1_RecordFormat, RecordFormat__Output as _brook_v1_RecordFormat__Output } from '../../brook/v1/RecordFormat.js';

/**
 * A subscription to one partition.
 */
export interface SubscribeRequest {
  /**
   * Topic name.
   */
  'topic'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Where to start.
   */
  'start'?: (_brook_v1_StartPosition | null);
  /**
   * Plain records (default) or raw batches.
   */
  'format'?: (_brook_v1_RecordFormat);
  /**
   * Most bytes of batches per streamed message; 0 = the broker default (1 MiB).
   */
  'maxBytes'?: (number);
}

/**
 * A subscription to one partition.
 */
export interface SubscribeRequest__Output {
  /**
   * Topic name.
   */
  'topic': (string);
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Where to start.
   */
  'start': (_brook_v1_StartPosition__Output | null);
  /**
   * Plain records (default) or raw batches.
   */
  'format': (_brook_v1_RecordFormat__Output);
  /**
   * Most bytes of batches per streamed message; 0 = the broker default (1 MiB).
   */
  'maxBytes': (number);
}
