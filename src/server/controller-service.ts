/**
 * brook.internal.v1.ControllerService (proto/brook/internal/v1/controller.proto), served by
 * every broker: heartbeats from other brokers (answered by the controller leader only; any
 * other broker fails them NOT_LEADER with the leader's id, from `Controller.handleHeartbeat`)
 * and leadership-transfer requests from the controller leader's balancer.
 *
 * Register it on the broker's gRPC server with `addControllerService`.
 */
import type * as grpc from '@grpc/grpc-js';
import { loadControllerProto } from '../protocol/controller-grpc.js';
import type { ControllerServiceHandlers } from '../protocol/gen/brook/internal/v1/ControllerService.js';
import type { Logger } from '../util/ports.js';
import { heartbeatFromProto, replyToProto, transferFromProto } from '../cluster/controller-rpc.js';
import type { Controller } from '../cluster/controller.js';
import { unary } from './handlers.js';

/** The full service name (health checks, reflection). */
export const CONTROLLER_SERVICE_NAME = 'brook.internal.v1.ControllerService';

export function controllerService(
  controller: Pick<Controller, 'handleHeartbeat' | 'handleTransferLeadership'>,
  logger: Logger,
): ControllerServiceHandlers {
  return {
    BrokerHeartbeat: unary('BrokerHeartbeat', logger, (request) =>
      Promise.resolve(replyToProto(controller.handleHeartbeat(heartbeatFromProto(request)))),
    ),
    TransferLeadership: unary('TransferLeadership', logger, (request) =>
      Promise.resolve(controller.handleTransferLeadership(transferFromProto(request))),
    ),
  };
}

export function addControllerService(
  server: grpc.Server,
  controller: Pick<Controller, 'handleHeartbeat' | 'handleTransferLeadership'>,
  logger: Logger,
): void {
  const { proto } = loadControllerProto();
  server.addService(
    proto.brook.internal.v1.ControllerService.service,
    controllerService(controller, logger),
  );
}
