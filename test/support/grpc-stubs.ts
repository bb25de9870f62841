/**
 * Raw grpc-js stubs of Brook's public services for integration tests, promisified. They use
 * nothing but the proto contract (no src/client), so a test exercises exactly what a client in
 * any language would see: a gRPC status, trailing metadata and protobuf messages.
 *
 *   const stubs = connectStubs(address);
 *   const produced = await unary(stubs.data, 'Produce', { topic: 't', records: { records } });
 *   const error = await expectCallError(unary(stubs.admin, 'DescribeTopic', { name: 'x' }),
 *     grpc.status.NOT_FOUND, 'UNKNOWN_TOPIC');
 */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';
import { loadBrookProto } from '../../src/protocol/grpc.js';
import type { AdminServiceClient } from '../../src/protocol/gen/brook/v1/AdminService.js';
import type { DataServiceClient } from '../../src/protocol/gen/brook/v1/DataService.js';

export interface Stubs {
  readonly data: DataServiceClient;
  readonly admin: AdminServiceClient;
  close(): void;
}

export function connectStubs(address: string, options: grpc.ChannelOptions = {}): Stubs {
  const { proto } = loadBrookProto();
  const credentials = grpc.credentials.createInsecure();
  const data = new proto.brook.v1.DataService(address, credentials, options);
  const admin = new proto.brook.v1.AdminService(address, credentials, options);
  return {
    data,
    admin,
    close: () => {
      data.close();
      admin.close();
    },
  };
}

// Inferred from the last overload of a generated method, `(argument, callback)`.
type RequestOf<M> = M extends (
  argument: infer Req,
  callback: grpc.requestCallback<infer _Res>,
) => grpc.ClientUnaryCall
  ? Req
  : never;
type ResponseOf<M> = M extends (
  argument: infer _Req,
  callback: grpc.requestCallback<infer Res>,
) => grpc.ClientUnaryCall
  ? Res
  : never;

type FullUnary = (
  argument: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<unknown>,
) => grpc.ClientUnaryCall;

export interface UnaryOptions {
  /** Fails the call with DEADLINE_EXCEEDED after this long; default 10 s. */
  readonly deadlineMs?: number;
}

/** Calls a unary method by name; rejects with the grpc ServiceError of a failed call. */
export function unary<C extends grpc.Client, K extends keyof C & string>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  options: UnaryOptions = {},
): Promise<ResponseOf<C[K]>> {
  const call = client[method] as unknown as FullUnary;
  const deadline = Date.now() + (options.deadlineMs ?? 10_000);
  return new Promise((resolve, reject) => {
    call.call(client, request, new grpc.Metadata(), { deadline }, (error, response) => {
      if (error !== null) reject(error);
      else resolve(response as ResponseOf<C[K]>);
    });
  });
}

/** Awaits a call that must fail; checks its gRPC status and `brook-error-code` metadata. */
export async function expectCallError(
  call: Promise<unknown>,
  status: grpc.status,
  brookCode: string | undefined,
): Promise<grpc.ServiceError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the call should have failed').toBeInstanceOf(Error);
  const error = caught as grpc.ServiceError;
  expect(grpc.status[error.code], error.details).toBe(grpc.status[status]);
  const codes = error.metadata.get('brook-error-code');
  if (brookCode === undefined) expect(codes).toEqual([]);
  else expect(codes, error.details).toEqual([brookCode]);
  return error;
}

/** The `brook-error-<name>` detail of a failed call, decoded. */
export function errorDetail(error: grpc.ServiceError, name: string): string | undefined {
  const value = error.metadata.get(`brook-error-${name}`)[0];
  return typeof value === 'string' ? decodeURIComponent(value) : undefined;
}

/** Collects a server stream's messages until it ends; resolves with them and the final status. */
export function collectStream<T>(
  stream: grpc.ClientReadableStream<T>,
  onMessage: (message: T, all: readonly T[]) => void = () => undefined,
): Promise<{ messages: T[]; error: grpc.ServiceError | undefined }> {
  const messages: T[] = [];
  return new Promise((resolve) => {
    stream.on('data', (message: T) => {
      messages.push(message);
      onMessage(message, messages);
    });
    stream.on('error', (error: grpc.ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages, error: undefined }));
  });
}
