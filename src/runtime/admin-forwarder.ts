/**
 * Forwards a public AdminService call, unchanged, to another broker (the controller leader):
 * the same request message, the same method, and its answer or error back as is. The call is
 * marked with the metadata key `brook-forwarded`, so the receiver never forwards it again
 * (two brokers that each believe the other leads answer NOT_LEADER instead of looping).
 */
import * as grpc from '@grpc/grpc-js';
import { loadBrookProto } from '../protocol/grpc.js';
import type { AdminServiceClient } from '../protocol/gen/brook/v1/AdminService.js';
import type { AdminServiceDefinition } from '../protocol/gen/brook/v1/AdminService.js';
import { CHANNEL_OPTIONS, ClientPool, unaryCall } from './grpc-clients.js';

/** Metadata key set on a forwarded admin call. */
export const FORWARDED_METADATA_KEY = 'brook-forwarded';

export type AdminMethod = keyof AdminServiceDefinition & string;

export class GrpcAdminForwarder {
  private readonly definition = loadBrookProto().proto.brook.v1.AdminService;
  private readonly pool = new ClientPool<AdminServiceClient>(
    (address) => new this.definition(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS),
  );

  forward(
    address: string,
    method: AdminMethod,
    request: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    const metadata = new grpc.Metadata();
    metadata.set(FORWARDED_METADATA_KEY, '1');
    const definition = this.definition.service[method] as unknown as {
      readonly path: string;
      readonly requestSerialize: (value: unknown) => Buffer;
      readonly responseDeserialize: (bytes: Buffer) => unknown;
    };
    return unaryCall(this.pool.get(address), definition, request, timeoutMs, metadata);
  }

  close(): void {
    this.pool.close();
  }
}
