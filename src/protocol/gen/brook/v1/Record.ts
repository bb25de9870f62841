// Original file: proto/brook/v1/records.proto

import type { RecordHeader as _brook_v1_RecordHeader, RecordHeader__Output as _brook_v1_RecordHeader__Output } from '../../brook/v1/RecordHeader.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One record in plain protobuf form, for clients that do not encode Kafka record batches
 * themselves. The broker encodes them into a batch on produce and decodes batches on fetch.
 */
export interface Record {
  /**
   * Record key; absent means a null key (distinct from an empty one).
   */
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Record value; absent means null (a tombstone for compacted topics).
   */
  'value'?: (Buffer | Uint8Array | string);
  /**
   * Headers in order.
   */
  'headers'?: (_brook_v1_RecordHeader)[];
  /**
   * Milliseconds since the Unix epoch. On produce, 0 means "now" by the broker's clock.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * The record's offset in its partition. Set on fetch; ignored on produce.
   */
  'offset'?: (number | string | Long);
  '_key'?: "key";
  '_value'?: "value";
}

/**
 * One record in plain protobuf form, for clients that do not encode Kafka record batches
 * themselves. The broker encodes them into a batch on produce and decodes batches on fetch.
 */
export interface Record__Output {
  /**
   * Record key; absent means a null key (distinct from an empty one).
   */
  'key'?: (Buffer);
  /**
   * Record value; absent means null (a tombstone for compacted topics).
   */
  'value'?: (Buffer);
  /**
   * Headers in order.
   */
  'headers': (_brook_v1_RecordHeader__Output)[];
  /**
   * Milliseconds since the Unix epoch. On produce, 0 means "now" by the broker's clock.
   */
  'timestampMs': (number);
  /**
   * The record's offset in its partition. Set on fetch; ignored on produce.
   */
  'offset': (number);
  '_key'?: "key";
  '_value'?: "value";
}
