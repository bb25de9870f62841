import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerHeartbeatRequest as _brook_internal_v1_BrokerHeartbeatRequest, BrokerHeartbeatRequest__Output as _brook_internal_v1_BrokerHeartbeatRequest__Output } from './brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse as _brook_internal_v1_BrokerHeartbeatResponse, BrokerHeartbeatResponse__Output as _brook_internal_v1_BrokerHeartbeatResponse__Output } from './brook/internal/v1/BrokerHeartbeatResponse.js';
import type { ControllerServiceClient as _brook_internal_v1_ControllerServiceClient, ControllerServiceDefinition as _brook_internal_v1_ControllerServiceDefinition } from './brook/internal/v1/ControllerService.js';
import type { LeaderPartitionState as _brook_internal_v1_LeaderPartitionState, LeaderPartitionState__Output as _brook_internal_v1_LeaderPartitionState__Output } from './brook/internal/v1/LeaderPartitionState.js';
import type { PartitionRef as _brook_internal_v1_PartitionRef, PartitionRef__Output as _brook_internal_v1_PartitionRef__Output } from './brook/internal/v1/PartitionRef.js';
import type { TransferLeadershipRequest as _brook_internal_v1_TransferLeadershipRequest, TransferLeadershipRequest__Output as _brook_internal_v1_TransferLeadershipRequest__Output } from './brook/internal/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse as _brook_internal_v1_TransferLeadershipResponse, TransferLeadershipResponse__Output as _brook_internal_v1_TransferLeadershipResponse__Output } from './brook/internal/v1/TransferLeadershipResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brook: {
    internal: {
      v1: {
        BrokerHeartbeatRequest: MessageTypeDefinition<_brook_internal_v1_BrokerHeartbeatRequest, _brook_internal_v1_BrokerHeartbeatRequest__Output>
        BrokerHeartbeatResponse: MessageTypeDefinition<_brook_internal_v1_BrokerHeartbeatResponse, _brook_internal_v1_BrokerHeartbeatResponse__Output>
        /**
         * Served by every broker. BrokerHeartbeat is answered only by the controller leader; any other
         * broker fails it with the Brook error code NOT_LEADER (gRPC UNAVAILABLE) and the leader's broker
         * id, when known, in the trailing metadata key `brook-error-leader`, so the sender retries there.
         */
        ControllerService: SubtypeConstructor<typeof grpc.Client, _brook_internal_v1_ControllerServiceClient> & { service: _brook_internal_v1_ControllerServiceDefinition }
        LeaderPartitionState: MessageTypeDefinition<_brook_internal_v1_LeaderPartitionState, _brook_internal_v1_LeaderPartitionState__Output>
        PartitionRef: MessageTypeDefinition<_brook_internal_v1_PartitionRef, _brook_internal_v1_PartitionRef__Output>
        TransferLeadershipRequest: MessageTypeDefinition<_brook_internal_v1_TransferLeadershipRequest, _brook_internal_v1_TransferLeadershipRequest__Output>
        TransferLeadershipResponse: MessageTypeDefinition<_brook_internal_v1_TransferLeadershipResponse, _brook_internal_v1_TransferLeadershipResponse__Output>
      }
    }
  }
}

