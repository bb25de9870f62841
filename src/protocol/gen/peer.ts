import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { GroupMessage as _brook_internal_v1_GroupMessage, GroupMessage__Output as _brook_internal_v1_GroupMessage__Output } from './brook/internal/v1/GroupMessage.js';
import type { PeerServiceClient as _brook_internal_v1_PeerServiceClient, PeerServiceDefinition as _brook_internal_v1_PeerServiceDefinition } from './brook/internal/v1/PeerService.js';
import type { QuiescedGroup as _brook_internal_v1_QuiescedGroup, QuiescedGroup__Output as _brook_internal_v1_QuiescedGroup__Output } from './brook/internal/v1/QuiescedGroup.js';
import type { RaftAppend as _brook_internal_v1_RaftAppend, RaftAppend__Output as _brook_internal_v1_RaftAppend__Output } from './brook/internal/v1/RaftAppend.js';
import type { RaftAppendResponse as _brook_internal_v1_RaftAppendResponse, RaftAppendResponse__Output as _brook_internal_v1_RaftAppendResponse__Output } from './brook/internal/v1/RaftAppendResponse.js';
import type { RaftEntry as _brook_internal_v1_RaftEntry, RaftEntry__Output as _brook_internal_v1_RaftEntry__Output } from './brook/internal/v1/RaftEntry.js';
import type { RaftHeartbeat as _brook_internal_v1_RaftHeartbeat, RaftHeartbeat__Output as _brook_internal_v1_RaftHeartbeat__Output } from './brook/internal/v1/RaftHeartbeat.js';
import type { RaftHeartbeatResponse as _brook_internal_v1_RaftHeartbeatResponse, RaftHeartbeatResponse__Output as _brook_internal_v1_RaftHeartbeatResponse__Output } from './brook/internal/v1/RaftHeartbeatResponse.js';
import type { RaftInstallSnapshot as _brook_internal_v1_RaftInstallSnapshot, RaftInstallSnapshot__Output as _brook_internal_v1_RaftInstallSnapshot__Output } from './brook/internal/v1/RaftInstallSnapshot.js';
import type { RaftMembership as _brook_internal_v1_RaftMembership, RaftMembership__Output as _brook_internal_v1_RaftMembership__Output } from './brook/internal/v1/RaftMembership.js';
import type { RaftMessage as _brook_internal_v1_RaftMessage, RaftMessage__Output as _brook_internal_v1_RaftMessage__Output } from './brook/internal/v1/RaftMessage.js';
import type { RaftSnapshotMeta as _brook_internal_v1_RaftSnapshotMeta, RaftSnapshotMeta__Output as _brook_internal_v1_RaftSnapshotMeta__Output } from './brook/internal/v1/RaftSnapshotMeta.js';
import type { RaftTimeoutNow as _brook_internal_v1_RaftTimeoutNow, RaftTimeoutNow__Output as _brook_internal_v1_RaftTimeoutNow__Output } from './brook/internal/v1/RaftTimeoutNow.js';
import type { RaftVoteRequest as _brook_internal_v1_RaftVoteRequest, RaftVoteRequest__Output as _brook_internal_v1_RaftVoteRequest__Output } from './brook/internal/v1/RaftVoteRequest.js';
import type { RaftVoteResponse as _brook_internal_v1_RaftVoteResponse, RaftVoteResponse__Output as _brook_internal_v1_RaftVoteResponse__Output } from './brook/internal/v1/RaftVoteResponse.js';
import type { ReplicateRequest as _brook_internal_v1_ReplicateRequest, ReplicateRequest__Output as _brook_internal_v1_ReplicateRequest__Output } from './brook/internal/v1/ReplicateRequest.js';
import type { ReplicateResponse as _brook_internal_v1_ReplicateResponse, ReplicateResponse__Output as _brook_internal_v1_ReplicateResponse__Output } from './brook/internal/v1/ReplicateResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brook: {
    internal: {
      v1: {
        GroupMessage: MessageTypeDefinition<_brook_internal_v1_GroupMessage, _brook_internal_v1_GroupMessage__Output>
        /**
         * Served by every broker.
         */
        PeerService: SubtypeConstructor<typeof grpc.Client, _brook_internal_v1_PeerServiceClient> & { service: _brook_internal_v1_PeerServiceDefinition }
        QuiescedGroup: MessageTypeDefinition<_brook_internal_v1_QuiescedGroup, _brook_internal_v1_QuiescedGroup__Output>
        RaftAppend: MessageTypeDefinition<_brook_internal_v1_RaftAppend, _brook_internal_v1_RaftAppend__Output>
        RaftAppendResponse: MessageTypeDefinition<_brook_internal_v1_RaftAppendResponse, _brook_internal_v1_RaftAppendResponse__Output>
        RaftEntry: MessageTypeDefinition<_brook_internal_v1_RaftEntry, _brook_internal_v1_RaftEntry__Output>
        RaftHeartbeat: MessageTypeDefinition<_brook_internal_v1_RaftHeartbeat, _brook_internal_v1_RaftHeartbeat__Output>
        RaftHeartbeatResponse: MessageTypeDefinition<_brook_internal_v1_RaftHeartbeatResponse, _brook_internal_v1_RaftHeartbeatResponse__Output>
        RaftInstallSnapshot: MessageTypeDefinition<_brook_internal_v1_RaftInstallSnapshot, _brook_internal_v1_RaftInstallSnapshot__Output>
        RaftMembership: MessageTypeDefinition<_brook_internal_v1_RaftMembership, _brook_internal_v1_RaftMembership__Output>
        RaftMessage: MessageTypeDefinition<_brook_internal_v1_RaftMessage, _brook_internal_v1_RaftMessage__Output>
        RaftSnapshotMeta: MessageTypeDefinition<_brook_internal_v1_RaftSnapshotMeta, _brook_internal_v1_RaftSnapshotMeta__Output>
        RaftTimeoutNow: MessageTypeDefinition<_brook_internal_v1_RaftTimeoutNow, _brook_internal_v1_RaftTimeoutNow__Output>
        RaftVoteRequest: MessageTypeDefinition<_brook_internal_v1_RaftVoteRequest, _brook_internal_v1_RaftVoteRequest__Output>
        RaftVoteResponse: MessageTypeDefinition<_brook_internal_v1_RaftVoteResponse, _brook_internal_v1_RaftVoteResponse__Output>
        ReplicateRequest: MessageTypeDefinition<_brook_internal_v1_ReplicateRequest, _brook_internal_v1_ReplicateRequest__Output>
        ReplicateResponse: MessageTypeDefinition<_brook_internal_v1_ReplicateResponse, _brook_internal_v1_ReplicateResponse__Output>
      }
    }
  }
}

