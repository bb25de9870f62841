// Original file: proto/brook/v1/data.proto

import type { Acks as _brook_v1_Acks, Acks__Output as _brook_v1_Acks__Output } from '../../brook/v1/Acks.js';
import type { RecordList as _brook_v1_RecordList, RecordList__Output as _brook_v1_RecordList__Output } from '../../brook/v1/RecordList.js';

/**
 * Records to append to one partition, either as raw batches or as plain records.
 */
export interface ProduceRequest {
  /**
   * Topic name.
   */
  'topic'?: (string);
  /**
   * Partition number, from 0.
   */
  'partition'?: (number);
  /**
   * When to answer; unspecified means ACKS_ALL.
   */
  'acks'?: (_brook_v1_Acks);
  /**
   * How long to wait for `acks` before failing with REQUEST_TIMED_OUT; 0 = broker default.
   */
  'timeoutMs'?: (number);
  /**
   * One or more Kafka RecordBatch v2 batches, back to back. The broker checks their CRC and
   * assigns offsets (baseOffset is ignored).
   */
  'batches'?: (Buffer | Uint8Array | string);
  /**
   * Plain records; the broker encodes them as one uncompressed batch.
   */
  'records'?: (_brook_v1_RecordList | null);
  /**
   * The records, in one of two forms.
   */
  'data'?: "batches"|"records";
}

/**
 * Records to append to one partition, either as raw batches or as plain records.
 */
export interface ProduceRequest__Output {
  /**
   * Topic name.
   */
  'topic': (string);
  /**
   * Partition number, from 0.
   */
  'partition': (number);
  /**
   * When to answer; unspecified means ACKS_ALL.
   */
  'acks': (_brook_v1_Acks__Output);
  /**
   * How long to wait for `acks` before failing with REQUEST_TIMED_OUT; 0 = broker default.
   */
  'timeoutMs': (number);
  /**
   * One or more Kafka RecordBatch v2 batches, back to back. The broker checks their CRC and
   * assigns offsets (baseOffset is ignored).
   */
  'batches'?: (Buffer);
  /**
   * Plain records; the broker encodes them as one uncompressed batch.
   */
  'records'?: (_brook_v1_RecordList__Output | null);
  /**
   * The records, in one of two forms.
   */
  'data'?: "batches"|"records";
}
