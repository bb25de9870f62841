// Original file: proto/brook/v1/records.proto


/**
 * A record header, as in Kafka: a UTF-8 key and an opaque value.
 */
export interface RecordHeader {
  /**
   * Header name. Several headers may share a name; their order is kept.
   */
  'key'?: (string);
  /**
   * Header value; absent means null (distinct from empty).
   */
  'value'?: (Buffer | Uint8Array | string);
  '_value'?: "value";
}

/**
 * A record header, as in Kafka: a UTF-8 key and an opaque value.
 */
export interface RecordHeader__Output {
  /**
   * Header name. Several headers may share a name; their order is kept.
   */
  'key': (string);
  /**
   * Header value; absent means null (distinct from empty).
   */
  'value'?: (Buffer);
  '_value'?: "value";
}
