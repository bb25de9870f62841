import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  BrookError,
  ERROR_CODES,
  ERROR_CODE_METADATA_KEY,
  ERROR_DOMAIN,
  GrpcStatus,
  type ErrorCode,
} from '../../../src/protocol/errors.js';
import { fromServiceError, loadBrookProto, toServiceError } from '../../../src/protocol/grpc.js';

/**
 * google.rpc.Status and google.rpc.ErrorInfo as published (google/rpc/status.proto and
 * error_details.proto), decoded by protobufjs: a real protobuf decoder, not the encoder's mirror.
 * Any is declared in this package for brevity; the package does not change its wire format.
 */
const richStatus = protobuf.parse(
  `
  syntax = "proto3";
  package google.rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
`,
  { keepCase: true },
).root;
const StatusType = richStatus.lookupType('google.rpc.Status');
const ErrorInfoType = richStatus.lookupType('google.rpc.ErrorInfo');

interface DecodedStatus {
  code: number;
  message: string;
  details: { type_url: string; value: Uint8Array }[];
}
interface DecodedErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

function decodeStatusDetails(bytes: Uint8Array): { status: DecodedStatus; info: DecodedErrorInfo } {
  const status = StatusType.toObject(StatusType.decode(bytes), {
    defaults: true,
  }) as DecodedStatus;
  expect(status.details).toHaveLength(1);
  expect(status.details[0]?.type_url).toBe('type.googleapis.com/google.rpc.ErrorInfo');
  const info = ErrorInfoType.toObject(ErrorInfoType.decode(status.details[0]!.value), {
    defaults: true,
  }) as DecodedErrorInfo;
  return { status, info };
}

/** What grpc-js hands a client callback for a failed call with this status. */
function asClientError(status: {
  code?: grpc.status | undefined;
  details?: string | undefined;
  metadata?: grpc.Metadata | undefined;
}): grpc.ServiceError {
  const code = status.code ?? grpc.status.UNKNOWN;
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${status.details}`), {
    code,
    details: status.details ?? '',
    metadata: status.metadata ?? new grpc.Metadata(),
  });
}

/**
 * Lower-case keys that are legal in gRPC metadata, as the servers' details keys are. Not
 * "-bin" keys: grpc-js requires Buffer values for those, so toServiceError refuses them.
 */
const detailsArbitrary = fc.dictionary(
  fc
    .stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
    .filter((key) => key !== 'code' && !key.endsWith('-bin')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  { maxKeys: 4 },
);

describe('toServiceError / fromServiceError', () => {
  test('GrpcStatus (errors.ts) agrees with grpc-js’s status enum, name by name', () => {
    for (const [name, value] of Object.entries(GrpcStatus)) {
      expect(grpc.status[name as keyof typeof grpc.status], name).toBe(value);
    }
  });

  test.each(ERROR_CODES)('%s survives the round trip with message and details', (code) => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        detailsArbitrary,
        (message, details) => {
          const original = new BrookError(code, message, { details });
          const status = toServiceError(original);
          expect(status.code).toBe(original.grpcStatus);
          expect(status.details).toBe(message);
          expect(status.metadata?.get(ERROR_CODE_METADATA_KEY)).toEqual([code]);
          const received = fromServiceError(asClientError(status));
          expect(received).toBeInstanceOf(BrookError);
          expect(received.code).toBe(code);
          expect(received.message).toBe(message);
          expect(received.details).toEqual(details);
          expect(received.retriable).toBe(original.retriable);
        },
      ),
      { numRuns: 20 },
    );
  });

  test.each(ERROR_CODES)(
    '%s: grpc-status-details-bin is a google.rpc.Status with an ErrorInfo',
    (code) => {
      const details = { topic: 'orders', partition: '3', note: 'ünïcode ✓' };
      const status = toServiceError(new BrookError(code, `failed: ${code}`, { details }));
      const [bytes] = status.metadata?.get('grpc-status-details-bin') ?? [];
      expect(Buffer.isBuffer(bytes)).toBe(true);
      const decoded = decodeStatusDetails(bytes as Buffer);
      expect(decoded.status.code).toBe(status.code);
      expect(decoded.status.message).toBe(`failed: ${code}`);
      expect(decoded.info).toEqual({ reason: code, domain: ERROR_DOMAIN, metadata: details });
    },
  );

  test('ErrorInfo domain is brook.v1', () => {
    expect(ERROR_DOMAIN).toBe('brook.v1');
  });

  test('a BrookError passes through unchanged', () => {
    const error = new BrookError('NOT_LEADER', 'x');
    expect(fromServiceError(error)).toBe(error);
  });

  test('the original error is kept as the cause', () => {
    const clientError = asClientError({ code: grpc.status.UNAVAILABLE, details: 'gone' });
    expect(fromServiceError(clientError).cause).toBe(clientError);
  });

  // A detail key "code" would land on the brook-error-code metadata key.
  test('a detail named "code" does not displace the error code', () => {
    const status = toServiceError(new BrookError('NOT_LEADER', 'x', { details: { code: 'oops' } }));
    expect(fromServiceError(asClientError(status)).code).toBe('NOT_LEADER');
  });
});

describe('fromServiceError for errors without a Brook code', () => {
  test.each([
    ['UNAVAILABLE', 'BROKER_UNAVAILABLE', grpc.status.UNAVAILABLE],
    ['CANCELLED', 'BROKER_UNAVAILABLE', grpc.status.CANCELLED],
    ['DEADLINE_EXCEEDED', 'REQUEST_TIMED_OUT', grpc.status.DEADLINE_EXCEEDED],
    ['RESOURCE_EXHAUSTED', 'REQUEST_TOO_LARGE', grpc.status.RESOURCE_EXHAUSTED],
    ['INVALID_ARGUMENT', 'INVALID_REQUEST', grpc.status.INVALID_ARGUMENT],
    ['INTERNAL', 'UNKNOWN', grpc.status.INTERNAL],
    ['UNIMPLEMENTED', 'UNKNOWN', grpc.status.UNIMPLEMENTED],
    ['UNKNOWN', 'UNKNOWN', grpc.status.UNKNOWN],
  ] as const)('bare %s maps to %s', (_name, code: ErrorCode, status) => {
    const error = fromServiceError(asClientError({ code: status, details: 'transport said no' }));
    expect(error.code).toBe(code);
    expect(error.message).toBe('transport said no');
    expect(error.details).toEqual({});
  });

  test('an unknown code in the metadata falls back to the status mapping', () => {
    const metadata = new grpc.Metadata();
    metadata.set(ERROR_CODE_METADATA_KEY, 'NOT_A_CODE');
    const error = fromServiceError(
      asClientError({ code: grpc.status.UNAVAILABLE, details: 'x', metadata }),
    );
    expect(error.code).toBe('BROKER_UNAVAILABLE');
  });

  test('an empty status message is replaced by the status name and the error message', () => {
    const error = fromServiceError(
      Object.assign(new Error('No connection established'), {
        code: GrpcStatus.UNAVAILABLE,
        details: '',
      }),
    );
    expect(error.message).toBe('UNAVAILABLE: No connection established');
  });

  test.each([
    ['a plain Error', new Error('boom')],
    ['a string', 'boom'],
    ['undefined', undefined],
    ['null', null],
  ])('%s becomes an UNKNOWN BrookError instead of throwing', (_name, thrown) => {
    const error = fromServiceError(thrown);
    expect(error).toBeInstanceOf(BrookError);
    expect(error.code).toBe('UNKNOWN');
  });
});

describe('over a real gRPC connection', () => {
  const service: grpc.ServiceDefinition = {
    fail: {
      path: '/brook.test.Errors/Fail',
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: (value: Buffer) => value,
      responseSerialize: (value: Buffer) => value,
      responseDeserialize: (value: Buffer) => value,
      originalName: 'fail',
    },
  };
  type FailClient = grpc.Client & {
    fail(request: Buffer, callback: (error: grpc.ServiceError | null) => void): void;
  };
  const Client = grpc.makeGenericClientConstructor(service, 'Errors');
  const server = new grpc.Server();
  let client: FailClient;

  beforeAll(async () => {
    server.addService(service, {
      fail: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const code = call.request.toString() as ErrorCode;
        callback(
          toServiceError(
            new BrookError(code, `wire ✓ ${code}`, {
              details: { topic: 'tópico', 'high-watermark': '42' },
            }),
          ),
        );
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      });
    });
    client = new Client(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as FailClient;
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  function call(code: ErrorCode): Promise<grpc.ServiceError> {
    return new Promise((resolve, reject) => {
      client.fail(Buffer.from(code), (error) => {
        if (error) resolve(error);
        else reject(new Error('the call succeeded'));
      });
    });
  }

  test('every code, its message, details and rich status arrive at a grpc-js client', async () => {
    for (const code of ERROR_CODES) {
      const wireError = await call(code);
      expect(wireError.code).toBe(new BrookError(code, '').grpcStatus);
      const received = fromServiceError(wireError);
      expect(received.code).toBe(code);
      expect(received.message).toBe(`wire ✓ ${code}`);
      expect(received.details).toEqual({ topic: 'tópico', 'high-watermark': '42' });
      const [bytes] = wireError.metadata.get('grpc-status-details-bin');
      expect(decodeStatusDetails(bytes as Buffer).info.reason).toBe(code);
    }
  });

  test('a connection refused maps to the retriable BROKER_UNAVAILABLE', async () => {
    // Port 1 on loopback: nothing listens there.
    const nowhere = new Client(
      '127.0.0.1:1',
      grpc.credentials.createInsecure(),
    ) as unknown as FailClient;
    const wireError = await new Promise<grpc.ServiceError | null>((resolve) => {
      nowhere.fail(Buffer.from('x'), resolve);
    });
    nowhere.close();
    const error = fromServiceError(wireError);
    expect(error.code).toBe('BROKER_UNAVAILABLE');
    expect(error.retriable).toBe(true);
  });
});

describe('loadBrookProto', () => {
  test('loads both services once and caches them', () => {
    const first = loadBrookProto();
    expect(typeof first.proto.brook.v1.DataService).toBe('function');
    expect(typeof first.proto.brook.v1.AdminService).toBe('function');
    expect(loadBrookProto()).toBe(first);
  });
});
