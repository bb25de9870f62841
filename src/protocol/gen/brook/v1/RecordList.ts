// Original file: proto/brook/v1/data.proto

import type { Record as _brook_v1_Record, Record__Output as _brook_v1_Record__Output } from '../../brook/v1/Record.js';

/**
 * A list of plain records.
 */
export interface RecordList {
  /**
   * The records, in order.
   */
  'records'?: (_brook_v1_Record)[];
}

/**
 * A list of plain records.
 */
export interface RecordList__Output {
  /**
   * The records, in order.
   */
  'records': (_brook_v1_Record__Output)[];
}
