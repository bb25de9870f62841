// Original file: proto/brook/internal/v1/peer.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ReplicateRequest as _brook_internal_v1_ReplicateRequest, ReplicateRequest__Output as _brook_internal_v1_ReplicateRequest__Output } from '../../../brook/internal/v1/ReplicateRequest.js';
import type { ReplicateResponse as _brook_internal_v1_ReplicateResponse, ReplicateResponse__Output as _brook_internal_v1_ReplicateResponse__Output } from '../../../brook/internal/v1/ReplicateResponse.js';

/**
 * Served by every broker.
 */
export interface PeerServiceClient extends grpc.Client {
  /**
   * A broker streams the Raft messages it has for this broker, coalesced into frames: every
   * message queued for one peer within one event-loop turn travels in one frame, so the
   * heartbeats of all the groups two brokers share cost one frame per tick. Delivery is
   * fire-and-forget (Raft tolerates loss, duplication and reordering); the stream stays open
   * until either side goes away. A frame whose cluster id differs from the receiver's (when
   * both are known) ends the stream with the Brook error code INVALID_REQUEST (gRPC
   * INVALID_ARGUMENT) and the receiver's cluster id in the trailing metadata key
   * `brook-error-cluster-id`.
   */
  Replicate(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  Replicate(metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  Replicate(options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  Replicate(callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  /**
   * A broker streams the Raft messages it has for this broker, coalesced into frames: every
   * message queued for one peer within one event-loop turn travels in one frame, so the
   * heartbeats of all the groups two brokers share cost one frame per tick. Delivery is
   * fire-and-forget (Raft tolerates loss, duplication and reordering); the stream stays open
   * until either side goes away. A frame whose cluster id differs from the receiver's (when
   * both are known) ends the stream with the Brook error code INVALID_REQUEST (gRPC
   * INVALID_ARGUMENT) and the receiver's cluster id in the trailing metadata key
   * `brook-error-cluster-id`.
   */
  replicate(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  replicate(metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  replicate(options: grpc.CallOptions, callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  replicate(callback: grpc.requestCallback<_brook_internal_v1_ReplicateResponse__Output>): grpc.ClientWritableStream<_brook_internal_v1_ReplicateRequest>;
  
}

/**
 * Served by every broker.
 */
export interface PeerServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A broker streams the Raft messages it has for this broker, coalesced into frames: every
   * message queued for one peer within one event-loop turn travels in one frame, so the
   * heartbeats of all the groups two brokers share cost one frame per tick. Delivery is
   * fire-and-forget (Raft tolerates loss, duplication and reordering); the stream stays open
   * until either side goes away. A frame whose cluster id differs from the receiver's (when
   * both are known) ends the stream with the Brook error code INVALID_REQUEST (gRPC
   * INVALID_ARGUMENT) and the receiver's cluster id in the trailing metadata key
   * `brook-error-cluster-id`.
   */
  Replicate: grpc.handleClientStreamingCall<_brook_internal_v1_ReplicateRequest__Output, _brook_internal_v1_ReplicateResponse>;
  
}

export interface PeerServiceDefinition extends grpc.ServiceDefinition {
  Replicate: MethodDefinition<_brook_internal_v1_ReplicateRequest, _brook_internal_v1_ReplicateResponse, _brook_internal_v1_ReplicateRequest__Output, _brook_internal_v1_ReplicateResponse__Output>
}
