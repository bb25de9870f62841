// Original file: proto/brook/v1/records.proto

/**
 * How fetched data is returned.
 */
export const RecordFormat = {
  /**
   * Same as RECORD_FORMAT_RECORDS.
   */
  RECORD_FORMAT_UNSPECIFIED: 'RECORD_FORMAT_UNSPECIFIED',
  /**
   * Plain `Record` messages, decoded by the broker; records before the requested offset and
   * control records are left out.
   */
  RECORD_FORMAT_RECORDS: 'RECORD_FORMAT_RECORDS',
  /**
   * Raw record batches (Kafka RecordBatch v2, back to back) exactly as stored. The first batch
   * may start before the requested offset; the client skips those records.
   */
  RECORD_FORMAT_BATCHES: 'RECORD_FORMAT_BATCHES',
} as const;

/**
 * How fetched data is returned.
 */
export type RecordFormat =
  /**
   * Same as RECORD_FORMAT_RECORDS.
   */
  | 'RECORD_FORMAT_UNSPECIFIED'
  | 0
  /**
   * Plain `Record` messages, decoded by the broker; records before the requested offset and
   * control records are left out.
   */
  | 'RECORD_FORMAT_RECORDS'
  | 1
  /**
   * Raw record batches (Kafka RecordBatch v2, back to back) exactly as stored. The first batch
   * may start before the requested offset; the client skips those records.
   */
  | 'RECORD_FORMAT_BATCHES'
  | 2

/**
 * How fetched data is returned.
 */
export type RecordFormat__Output = typeof RecordFormat[keyof typeof RecordFormat]
