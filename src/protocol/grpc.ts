/**
 * The gRPC contract at run time: loads proto/brook/v1 with the same options the generated types
 * in ./gen were made with (keep them in step with the `gen` script in package.json), and carries
 * Brook error codes across gRPC in both directions.
 *
 * Errors travel as a gRPC status whose code comes from the error table, with the Brook code in
 * the trailing metadata key `brook-error-code`, the details (topic, offsets) as
 * `brook-error-<name>` keys, and a google.rpc.Status carrying a google.rpc.ErrorInfo in
 * `grpc-status-details-bin` for clients that read rich error details.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import {
  BrookError,
  ERROR_CODE_METADATA_KEY,
  ERROR_DOMAIN,
  GrpcStatus,
  isErrorCode,
  type ErrorCode,
} from './errors.js';
import type { ProtoGrpcType as AdminProto } from './gen/admin.js';
import type { ProtoGrpcType as DataProto } from './gen/data.js';

export const PROTO_ROOT = fileURLToPath(new URL('../../proto', import.meta.url));
export const PROTO_FILES = [
  'brook/v1/records.proto',
  'brook/v1/data.proto',
  'brook/v1/admin.proto',
];

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export type BrookProto = DataProto & AdminProto;

let cached: { definition: protoLoader.PackageDefinition; proto: BrookProto } | undefined;

/** Loads (once per process) the package definition and the typed service constructors. */
export function loadBrookProto(): { definition: protoLoader.PackageDefinition; proto: BrookProto } {
  if (cached === undefined) {
    const definition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
    const proto = grpc.loadPackageDefinition(definition) as unknown as BrookProto;
    cached = { definition, proto };
  }
  return cached;
}

const DETAIL_PREFIX = 'brook-error-';
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';
const ERROR_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.ErrorInfo';

/** google.rpc.Status{code, message, details: [Any{ErrorInfo{reason, domain, metadata}}]}. */
function encodeStatusDetails(error: BrookError): Buffer {
  const info = protobuf.Writer.create();
  info.uint32(10).string(error.code);
  info.uint32(18).string(ERROR_DOMAIN);
  for (const [key, value] of Object.entries(error.details)) {
    const entry = protobuf.Writer.create().uint32(10).string(key).uint32(18).string(value).finish();
    info.uint32(26).bytes(entry);
  }
  const any = protobuf.Writer.create()
    .uint32(10)
    .string(ERROR_INFO_TYPE_URL)
    .uint32(18)
    .bytes(info.finish())
    .finish();
  const status = protobuf.Writer.create()
    .uint32(8)
    .int32(error.grpcStatus)
    .uint32(18)
    .string(error.message)
    .uint32(26)
    .bytes(any)
    .finish();
  return Buffer.from(status);
}

/** The object grpc-js sends as a failed call's status. */
export function toServiceError(error: BrookError): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(error.details)) {
    metadata.set(`${DETAIL_PREFIX}${key.toLowerCase()}`, encodeURIComponent(value));
  }
  // Last, so that a detail named "code" (same metadata key) cannot replace the error code.
  metadata.set(ERROR_CODE_METADATA_KEY, error.code);
  metadata.set(STATUS_DETAILS_KEY, encodeStatusDetails(error));
  // GrpcStatus holds the numbers the gRPC specification fixes (a unit test checks them against
  // grpc-js's enum), so the plain number is the enum member.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  return { code: error.grpcStatus, details: error.message, metadata };
}

function statusCodeName(code: number): string {
  return grpc.status[code] ?? String(code);
}

/** Best guess of a Brook code for a status that came without one (transport failures). */
function codeForBareStatus(status: number): ErrorCode {
  switch (status) {
    case GrpcStatus.UNAVAILABLE:
    case GrpcStatus.CANCELLED:
      return 'BROKER_UNAVAILABLE';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'REQUEST_TIMED_OUT';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'REQUEST_TOO_LARGE';
    case GrpcStatus.INVALID_ARGUMENT:
      return 'INVALID_REQUEST';
    default:
      return 'UNKNOWN';
  }
}

/** Turns a failed call's error back into a BrookError (client side). */
export function fromServiceError(error: unknown): BrookError {
  if (error instanceof BrookError) return error;
  // Anything may have been thrown; null and undefined must not turn into a TypeError here.
  const serviceError = (error ?? {}) as Partial<grpc.ServiceError>;
  const status = typeof serviceError.code === 'number' ? serviceError.code : GrpcStatus.UNKNOWN;
  const metadata = serviceError.metadata;
  const rawCode = metadata?.get(ERROR_CODE_METADATA_KEY)[0];
  const code = isErrorCode(rawCode) ? rawCode : codeForBareStatus(status);
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.getMap() ?? {})) {
    if (
      key.startsWith(DETAIL_PREFIX) &&
      key !== ERROR_CODE_METADATA_KEY &&
      typeof value === 'string'
    ) {
      details[key.slice(DETAIL_PREFIX.length)] = decodeURIComponent(value);
    }
  }
  const message =
    typeof serviceError.details === 'string' && serviceError.details !== ''
      ? serviceError.details
      : `${statusCodeName(status)}: ${serviceError.message ?? 'call failed'}`;
  return new BrookError(code, message, { cause: error, details });
}
