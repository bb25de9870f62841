/**
 * The gRPC client of other brokers' ControllerService (proto/brook/internal/v1/
 * controller.proto): heartbeats to the controller leader and the balancer's leadership
 * transfers. It implements the cluster layer's `ControllerRpc` port (cluster/controller-rpc.ts)
 * structurally, so cluster/ never imports grpc-js.
 */
import * as grpc from '@grpc/grpc-js';
import { loadControllerProto } from '../protocol/controller-grpc.js';
import type { BrokerHeartbeatRequest } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse__Output } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatResponse.js';
import type { ControllerServiceClient } from '../protocol/gen/brook/internal/v1/ControllerService.js';
import type { TransferLeadershipRequest } from '../protocol/gen/brook/internal/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse__Output } from '../protocol/gen/brook/internal/v1/TransferLeadershipResponse.js';
import { CHANNEL_OPTIONS, ClientPool, unaryCall } from './grpc-clients.js';

export class GrpcControllerClient {
  private readonly definition = loadControllerProto().proto.brook.internal.v1.ControllerService;
  private readonly pool = new ClientPool<ControllerServiceClient>(
    (address) => new this.definition(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS),
  );

  heartbeat(
    address: string,
    request: BrokerHeartbeatRequest,
    timeoutMs: number,
  ): Promise<BrokerHeartbeatResponse__Output> {
    return unaryCall(
      this.pool.get(address),
      this.definition.service.BrokerHeartbeat,
      request,
      timeoutMs,
    );
  }

  transferLeadership(
    address: string,
    request: TransferLeadershipRequest,
    timeoutMs: number,
  ): Promise<TransferLeadershipResponse__Output> {
    return unaryCall(
      this.pool.get(address),
      this.definition.service.TransferLeadership,
      request,
      timeoutMs,
    );
  }

  close(): void {
    this.pool.close();
  }
}
