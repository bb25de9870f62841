/**
 * The one error table: every expected failure a broker can report has a code here, with whether
 * a client may retry it and the gRPC status it travels with. Servers put the code in the
 * trailing metadata key `brook-error-code` (and in a google.rpc.ErrorInfo status detail), so
 * clients in any language can branch on it; the TypeScript client turns it back into a
 * `BrookError`. Nothing else in Brook maps codes to statuses.
 */

/** gRPC status codes (the numeric values are fixed by the gRPC specification). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

interface ErrorSpec {
  readonly retriable: boolean;
  readonly grpcStatus: GrpcStatusCode;
  readonly description: string;
}

export const ERRORS = {
  UNKNOWN_TOPIC: {
    retriable: false,
    grpcStatus: GrpcStatus.NOT_FOUND,
    description: 'The topic does not exist.',
  },
  INVALID_PARTITION: {
    retriable: false,
    grpcStatus: GrpcStatus.NOT_FOUND,
    description: 'The topic has no partition with that number.',
  },
  INVALID_TOPIC: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'Topic names use letters, digits, ".", "_" and "-", at most 249 characters.',
  },
  TOPIC_ALREADY_EXISTS: {
    retriable: false,
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
    description: 'A topic with that name exists already.',
  },
  INVALID_PARTITIONS: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'The partition count is out of range.',
  },
  INVALID_REPLICATION_FACTOR: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'The replication factor cannot be met.',
  },
  INVALID_CONFIG: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'A configuration key is unknown or its value is out of range.',
  },
  RECORD_TOO_LARGE: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'A record batch is larger than the topic allows (max.message.bytes).',
  },
  REQUEST_TOO_LARGE: {
    retriable: false,
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    description: 'The request is larger than the broker accepts.',
  },
  CORRUPT_MESSAGE: {
    retriable: true,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'A record batch failed its checksum or is malformed.',
  },
  UNSUPPORTED_COMPRESSION: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'The batch uses a compression codec this broker does not support.',
  },
  INVALID_RECORD: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'A record is not acceptable (for example a negative timestamp).',
  },
  INVALID_REQUEST: {
    retriable: false,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'The request is malformed or a field is out of range.',
  },
  OFFSET_OUT_OF_RANGE: {
    retriable: false,
    grpcStatus: GrpcStatus.OUT_OF_RANGE,
    description: 'The offset is before the log start or after the log end.',
  },
  NOT_LEADER: {
    retriable: true,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    description: 'This broker does not lead the partition; refresh metadata and retry.',
  },
  NOT_ENOUGH_REPLICAS: {
    retriable: true,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    description: 'Too few replicas are reachable to acknowledge the write.',
  },
  REQUEST_TIMED_OUT: {
    retriable: true,
    grpcStatus: GrpcStatus.DEADLINE_EXCEEDED,
    description: 'The request did not complete within its timeout.',
  },
  BROKER_UNAVAILABLE: {
    retriable: true,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    description: 'The broker is starting, shutting down or unreachable.',
  },
  STORAGE_ERROR: {
    retriable: true,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    description: 'The broker could not read or write its disk.',
  },
  RESOURCE_EXHAUSTED: {
    retriable: true,
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    description: 'A broker limit was reached (open streams, buffered bytes); retry later.',
  },
  UNKNOWN: {
    retriable: false,
    grpcStatus: GrpcStatus.INTERNAL,
    description: 'An unexpected error; the broker log has the details.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** Trailing-metadata key that carries the Brook error code on every failed call. */
export const ERROR_CODE_METADATA_KEY = 'brook-error-code';
/** google.rpc.ErrorInfo domain used in rich status details. */
export const ERROR_DOMAIN = 'brook.v1';

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

export function isRetriable(code: ErrorCode): boolean {
  return ERRORS[code].retriable;
}

export function grpcStatusOf(code: ErrorCode): GrpcStatusCode {
  return ERRORS[code].grpcStatus;
}

/**
 * An expected failure with a code from the table. `details` carries machine-readable context
 * (the topic name, the valid offset range, ...), which servers send back as metadata.
 */
export class BrookError extends Error {
  override readonly name = 'BrookError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  get retriable(): boolean {
    return isRetriable(this.code);
  }

  get grpcStatus(): GrpcStatusCode {
    return grpcStatusOf(this.code);
  }
}

export function isBrookError(error: unknown, code?: ErrorCode): error is BrookError {
  return error instanceof BrookError && (code === undefined || error.code === code);
}
