// Original file: proto/brook/internal/v1/controller.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BrokerHeartbeatRequest as _brook_internal_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _brook_internal_v1_BrokerHeartbeatRequest__Output } from '../../../brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse as _brook_internal_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _brook_internal_v1_BrokerHeartbeatResponse__Output } from '../../../brook/internal/v1/BrokerHeartbeatResponse.js';
import type { TransferLeadershipRequest as _brook_internal_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _brook_internal_v1_TransferLeadershipRequest__Output } from '../../../brook/internal/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _brook_internal_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _brook_internal_v1_TransferLeadershipResponse__Output } from '../../../brook/internal/v1/TransferLeadershipResponse.js';

/**
 * Served by every broker. BrokerHeartbeat is answered only by the controller leader; any other
 * broker fails it with the Brook error code NOT_LEADER (gRPC UNAVAILABLE) and the leader's broker
 * id, when known, in the trailing metadata key `brook-error-leader`, so the sender retries there.
 */
export interface ControllerServiceClient extends grpc.Client {
  /**
   * A broker's periodic report (every brokerHeartbeatMs) to the controller leader: it is alive
   * at its address, and leads these partitions. The answer carries the leader-table entries
   * that changed since the version the broker last saw. Fails with NOT_LEADER (see above), or
   * INVALID_REQUEST when the broker belongs to another cluster.
   */
  BrokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  BrokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A broker's periodic report (every brokerHeartbeatMs) to the controller leader: it is alive
   * at its address, and leads these partitions. The answer carries the leader-table entries
   * that changed since the version the broker last saw. Fails with NOT_LEADER (see above), or
   * INVALID_REQUEST when the broker belongs to another cluster.
   */
  brokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  brokerHeartbeat(argument: _brook_internal_v1_BrokerHeartbeatRequest, callback: grpc.requestCallback<_brook_internal_v1_BrokerHeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Asks the broker whose replica leads a partition to hand leadership to another replica
   * (sent by the controller leader's preferred-leader balancer). A refusal is an answer.
   */
  TransferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  TransferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Asks the broker whose replica leads a partition to hand leadership to another replica
   * (sent by the controller leader's preferred-leader balancer). A refusal is an answer.
   */
  transferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  transferLeadership(argument: _brook_internal_v1_TransferLeadershipRequest, callback: grpc.requestCallback<_brook_internal_v1_TransferLeadershipResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Served by every broker. BrokerHeartbeat is answered only by the controller leader; any other
 * broker fails it with the Brook error code NOT_LEADER (gRPC UNAVAILABLE) and the leader's broker
 * id, when known, in the trailing metadata key `brook-error-leader`, so the sender retries there.
 */
export interface ControllerServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A broker's periodic report (every brokerHeartbeatMs) to the controller leader: it is alive
   * at its address, and leads these partitions. The answer carries the leader-table entries
   * that changed since the version the broker last saw. Fails with NOT_LEADER (see above), or
   * INVALID_REQUEST when the broker belongs to another cluster.
   */
  BrokerHeartbeat: grpc.handleUnaryCall<_brook_internal_v1_BrokerHeartbeatRequest__Output, _brook_internal_v1_BrokerHeartbeatResponse>;
  
  /**
   * Asks the broker whose replica leads a partition to hand leadership to another replica
   * (sent by the controller leader's preferred-leader balancer). A refusal is an answer.
   */
  TransferLeadership: grpc.handleUnaryCall<_brook_internal_v1_TransferLeadershipRequest__Output, _brook_internal_v1_TransferLeadershipResponse>;
  
}

export interface ControllerServiceDefinition extends grpc.ServiceDefinition {
  BrokerHeartbeat: MethodDefinition<_brook_internal_v1_BrokerHeartbeatRequest, _brook_internal_v1_BrokerHeartbeatResponse, _brook_internal_v1_BrokerHeartbeatRequest__Output, _brook_internal_v1_BrokerHeartbeatResponse__Output>
  TransferLeadership: MethodDefinition<_brook_internal_v1_TransferLeadershipRequest, _brook_internal_v1_TransferLeadershipResponse, _brook_internal_v1_TransferLeadershipRequest__Output, _brook_internal_v1_TransferLeadershipResponse__Output>
}
