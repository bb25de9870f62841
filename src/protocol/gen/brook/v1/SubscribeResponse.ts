// Original file: proto/brook/v1/data.proto

import type { Record as _brook_v1_Record, Record__Output as _brook_v1_Record__Output } from '../../brook/v1/Record.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A chunk of a subscription.
 */
export interface SubscribeResponse {
  /**
   * Offset after the last committed record.
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
   * With RECORD_FORMAT_RECORDS: records.
   */
  'records'?: (_brook_v1_Record)[];
  /**
   * The offset after the last record in this message.
   */
  'nextOffset'?: (number | string | Long);
}

/**
 * A chunk of a subscription.
 */
export interface SubscribeResponse__Output {
  /**
   * Offset after the last committed record.
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
   * With RECORD_FORMAT_RECORDS: records.
   */
  'records': (_brook_v1_Record__Output)[];
  /**
   * The offset after the last record in this message.
   */
  'nextOffset': (number);
}
