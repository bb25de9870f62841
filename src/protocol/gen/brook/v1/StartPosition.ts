// Original file: proto/brook/v1/data.proto

import type { Earliest as _brook_v1_Earliest, Earliest__Output as _brook_v1_Earliest__Output } from '../../brook/v1/Earliest.js';
import type { Latest as _brook_v1_Latest, Latest__Output as _brook_v1_Latest__Output } from '../../brook/v1/Latest.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A position in a partition.
 */
export interface StartPosition {
  /**
   * An exact offset in [log_start_offset, high_watermark].
   */
  'offset'?: (number | string | Long);
  /**
   * The first offset in the log.
   */
  'earliest'?: (_brook_v1_Earliest | null);
  /**
   * The high watermark: only records produced from now on.
   */
  'latest'?: (_brook_v1_Latest | null);
  /**
   * The first record with a timestamp at or after this many milliseconds since the epoch.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * One way to name the position.
   */
  'position'?: "offset"|"earliest"|"latest"|"timestampMs";
}

/**
 * A position in a partition.
 */
export interface StartPosition__Output {
  /**
   * An exact offset in [log_start_offset, high_watermark].
   */
  'offset'?: (number);
  /**
   * The first offset in the log.
   */
  'earliest'?: (_brook_v1_Earliest__Output | null);
  /**
   * The high watermark: only records produced from now on.
   */
  'latest'?: (_brook_v1_Latest__Output | null);
  /**
   * The first record with a timestamp at or after this many milliseconds since the epoch.
   */
  'timestampMs'?: (number);
  /**
   * One way to name the position.
   */
  'position'?: "offset"|"earliest"|"latest"|"timestampMs";
}
