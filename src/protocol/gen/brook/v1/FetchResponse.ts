// Original file: proto/brook/v1/data.proto

import type { Record as _brook_v1_Record, Record__Output as _brook_v1_Record__Output } from '../../brook/v1/Record.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Fetched data of one partition.
 */
export interface FetchResponse {
  /**
   * Offset after the last committed record: consumers may read below it.
   */
  'highWatermark'?: (number | string | Long);
  /**
   * First offset still in the log.
   */
  'logStartOffset'?: (number | string | Long);
  /**
   * With RECORD_FORMAT_BATCHES: whole batches, back to back.
   */
  'batches'?: (Buffer | Uint8Array | string);
  /**
   * With RECORD_FORMAT_RECORDS: the records from the requested offset on.
   */
  'records'?: (_brook_v1_Record)[];
  /**
   * The offset to fetch next: one past the last record returned, or the requested offset when
   * nothing was returned.
   */
  'nextOffset'?: (number | string | Long);
}

/**
 * Fetched data of one partition.
 */
export interface FetchResponse__Output {
  /**
   * Offset after the last committed record: consumers may read below it.
   */
  'highWatermark': (number);
  /**
   * First offset still in the log.
   */
  'logStartOffset': (number);
  /**
   * With RECORD_FORMAT_BATCHES: whole batches, back to back.
   */
  'batches': (Buffer);
  /**
   * With RECORD_FORMAT_RECORDS: the records from the requested offset on.
   */
  'records': (_brook_v1_Record__Output)[];
  /**
   * The offset to fetch next: one past the last record returned, or the requested offset when
   * nothing was returned.
   */
  'nextOffset': (number);
}
