// Original file: proto/brook/v1/records.proto

/**
 * The Brook error codes. On a failed call the code's name without the `ERROR_CODE_` prefix
 * (for example `UNKNOWN_TOPIC`) is sent in the trailing metadata key `brook-error-code` and as
 * the `reason` of a google.rpc.ErrorInfo (domain `brook.v1`) in `grpc-status-details-bin`.
 * Retriable codes are marked so. Two failures happen in the gRPC library before Brook sees the
 * call and carry no code: a request larger than the broker accepts (RESOURCE_EXHAUSTED: read it
 * as REQUEST_TOO_LARGE) and a call to a broker that is shutting down or unreachable
 * (UNAVAILABLE: read it as BROKER_UNAVAILABLE).
 */
export const ErrorCode = {
  /**
   * Not an error code; never sent.
   */
  ERROR_CODE_UNSPECIFIED: 'ERROR_CODE_UNSPECIFIED',
  /**
   * NOT_FOUND: the topic does not exist.
   */
  ERROR_CODE_UNKNOWN_TOPIC: 'ERROR_CODE_UNKNOWN_TOPIC',
  /**
   * NOT_FOUND: the topic has no such partition.
   */
  ERROR_CODE_INVALID_PARTITION: 'ERROR_CODE_INVALID_PARTITION',
  /**
   * INVALID_ARGUMENT: a topic name breaks the naming rules.
   */
  ERROR_CODE_INVALID_TOPIC: 'ERROR_CODE_INVALID_TOPIC',
  /**
   * ALREADY_EXISTS: the topic exists already.
   */
  ERROR_CODE_TOPIC_ALREADY_EXISTS: 'ERROR_CODE_TOPIC_ALREADY_EXISTS',
  /**
   * INVALID_ARGUMENT: the partition count is out of range.
   */
  ERROR_CODE_INVALID_PARTITIONS: 'ERROR_CODE_INVALID_PARTITIONS',
  /**
   * INVALID_ARGUMENT: the replication factor cannot be met.
   */
  ERROR_CODE_INVALID_REPLICATION_FACTOR: 'ERROR_CODE_INVALID_REPLICATION_FACTOR',
  /**
   * INVALID_ARGUMENT: a configuration key is unknown or its value is invalid.
   */
  ERROR_CODE_INVALID_CONFIG: 'ERROR_CODE_INVALID_CONFIG',
  /**
   * INVALID_ARGUMENT: a batch is larger than the topic's max.message.bytes.
   */
  ERROR_CODE_RECORD_TOO_LARGE: 'ERROR_CODE_RECORD_TOO_LARGE',
  /**
   * RESOURCE_EXHAUSTED: the request is larger than the broker accepts.
   */
  ERROR_CODE_REQUEST_TOO_LARGE: 'ERROR_CODE_REQUEST_TOO_LARGE',
  /**
   * INVALID_ARGUMENT, retriable: a batch failed its CRC or is malformed.
   */
  ERROR_CODE_CORRUPT_MESSAGE: 'ERROR_CODE_CORRUPT_MESSAGE',
  /**
   * INVALID_ARGUMENT: unsupported compression codec.
   */
  ERROR_CODE_UNSUPPORTED_COMPRESSION: 'ERROR_CODE_UNSUPPORTED_COMPRESSION',
  /**
   * INVALID_ARGUMENT: a record is not acceptable.
   */
  ERROR_CODE_INVALID_RECORD: 'ERROR_CODE_INVALID_RECORD',
  /**
   * INVALID_ARGUMENT: the request is malformed.
   */
  ERROR_CODE_INVALID_REQUEST: 'ERROR_CODE_INVALID_REQUEST',
  /**
   * OUT_OF_RANGE: the offset is before the log start or after the log end.
   */
  ERROR_CODE_OFFSET_OUT_OF_RANGE: 'ERROR_CODE_OFFSET_OUT_OF_RANGE',
  /**
   * UNAVAILABLE, retriable: this broker does not lead the partition.
   */
  ERROR_CODE_NOT_LEADER: 'ERROR_CODE_NOT_LEADER',
  /**
   * UNAVAILABLE, retriable: too few replicas to acknowledge.
   */
  ERROR_CODE_NOT_ENOUGH_REPLICAS: 'ERROR_CODE_NOT_ENOUGH_REPLICAS',
  /**
   * DEADLINE_EXCEEDED, retriable: the request timed out.
   */
  ERROR_CODE_REQUEST_TIMED_OUT: 'ERROR_CODE_REQUEST_TIMED_OUT',
  /**
   * UNAVAILABLE, retriable: the broker is starting or shutting down.
   */
  ERROR_CODE_BROKER_UNAVAILABLE: 'ERROR_CODE_BROKER_UNAVAILABLE',
  /**
   * UNAVAILABLE, retriable: the broker's disk failed an operation.
   */
  ERROR_CODE_STORAGE_ERROR: 'ERROR_CODE_STORAGE_ERROR',
  /**
   * RESOURCE_EXHAUSTED, retriable: a broker limit was reached.
   */
  ERROR_CODE_RESOURCE_EXHAUSTED: 'ERROR_CODE_RESOURCE_EXHAUSTED',
  /**
   * INTERNAL: an unexpected error.
   */
  ERROR_CODE_UNKNOWN: 'ERROR_CODE_UNKNOWN',
} as const;

/**
 * The Brook error codes. On a failed call the code's name without the `ERROR_CODE_` prefix
 * (for example `UNKNOWN_TOPIC`) is sent in the trailing metadata key `brook-error-code` and as
 * the `reason` of a google.rpc.ErrorInfo (domain `brook.v1`) in `grpc-status-details-bin`.
 * Retriable codes are marked so. Two failures happen in the gRPC library before Brook sees the
 * call and carry no code: a request larger than the broker accepts (RESOURCE_EXHAUSTED: read it
 * as REQUEST_TOO_LARGE) and a call to a broker that is shutting down or unreachable
 * (UNAVAILABLE: read it as BROKER_UNAVAILABLE).
 */
export type ErrorCode =
  /**
   * Not an error code; never sent.
   */
  | 'ERROR_CODE_UNSPECIFIED'
  | 0
  /**
   * NOT_FOUND: the topic does not exist.
   */
  | 'ERROR_CODE_UNKNOWN_TOPIC'
  | 1
  /**
   * NOT_FOUND: the topic has no such partition.
   */
  | 'ERROR_CODE_INVALID_PARTITION'
  | 2
  /**
   * INVALID_ARGUMENT: a topic name breaks the naming rules.
   */
  | 'ERROR_CODE_INVALID_TOPIC'
  | 3
  /**
   * ALREADY_EXISTS: the topic exists already.
   */
  | 'ERROR_CODE_TOPIC_ALREADY_EXISTS'
  | 4
  /**
   * INVALID_ARGUMENT: the partition count is out of range.
   */
  | 'ERROR_CODE_INVALID_PARTITIONS'
  | 5
  /**
   * INVALID_ARGUMENT: the replication factor cannot be met.
   */
  | 'ERROR_CODE_INVALID_REPLICATION_FACTOR'
  | 6
  /**
   * INVALID_ARGUMENT: a configuration key is unknown or its value is invalid.
   */
  | 'ERROR_CODE_INVALID_CONFIG'
  | 7
  /**
   * INVALID_ARGUMENT: a batch is larger than the topic's max.message.bytes.
   */
  | 'ERROR_CODE_RECORD_TOO_LARGE'
  | 8
  /**
   * RESOURCE_EXHAUSTED: the request is larger than the broker accepts.
   */
  | 'ERROR_CODE_REQUEST_TOO_LARGE'
  | 9
  /**
   * INVALID_ARGUMENT, retriable: a batch failed its CRC or is malformed.
   */
  | 'ERROR_CODE_CORRUPT_MESSAGE'
  | 10
  /**
   * INVALID_ARGUMENT: unsupported compression codec.
   */
  | 'ERROR_CODE_UNSUPPORTED_COMPRESSION'
  | 11
  /**
   * INVALID_ARGUMENT: a record is not acceptable.
   */
  | 'ERROR_CODE_INVALID_RECORD'
  | 12
  /**
   * INVALID_ARGUMENT: the request is malformed.
   */
  | 'ERROR_CODE_INVALID_REQUEST'
  | 13
  /**
   * OUT_OF_RANGE: the offset is before the log start or after the log end.
   */
  | 'ERROR_CODE_OFFSET_OUT_OF_RANGE'
  | 14
  /**
   * UNAVAILABLE, retriable: this broker does not lead the partition.
   */
  | 'ERROR_CODE_NOT_LEADER'
  | 15
  /**
   * UNAVAILABLE, retriable: too few replicas to acknowledge.
   */
  | 'ERROR_CODE_NOT_ENOUGH_REPLICAS'
  | 16
  /**
   * DEADLINE_EXCEEDED, retriable: the request timed out.
   */
  | 'ERROR_CODE_REQUEST_TIMED_OUT'
  | 17
  /**
   * UNAVAILABLE, retriable: the broker is starting or shutting down.
   */
  | 'ERROR_CODE_BROKER_UNAVAILABLE'
  | 18
  /**
   * UNAVAILABLE, retriable: the broker's disk failed an operation.
   */
  | 'ERROR_CODE_STORAGE_ERROR'
  | 19
  /**
   * RESOURCE_EXHAUSTED, retriable: a broker limit was reached.
   */
  | 'ERROR_CODE_RESOURCE_EXHAUSTED'
  | 20
  /**
   * INTERNAL: an unexpected error.
   */
  | 'ERROR_CODE_UNKNOWN'
  | 21

/**
 * The Brook error codes. On a failed call the code's name without the `ERROR_CODE_` prefix
 * (for example `UNKNOWN_TOPIC`) is sent in the trailing metadata key `brook-error-code` and as
 * the `reason` of a google.rpc.ErrorInfo (domain `brook.v1`) in `grpc-status-details-bin`.
 * Retriable codes are marked so. Two failures happen in the gRPC library before Brook sees the
 * call and carry no code: a request larger than the broker accepts (RESOURCE_EXHAUSTED: read it
 * as REQUEST_TOO_LARGE) and a call to a broker that is shutting down or unreachable
 * (UNAVAILABLE: read it as BROKER_UNAVAILABLE).
 */
export type ErrorCode__Output = typeof ErrorCode[keyof typeof ErrorCode]
