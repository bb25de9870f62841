// Original file: proto/brook/v1/data.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchRequest as _brook_v1_FetchRequest, FetchRequest__Output as _brook_v1_FetchRequest__Output } from '../../brook/v1/FetchRequest.js';
import type { FetchResponse as _brook_v1_FetchResponse, FetchResponse__Output as _brook_v1_FetchResponse__Output } from '../../brook/v1/FetchResponse.js';
import type { GetMetadataRequest as _brook_v1_GetMetadataRequest, GetMetadataRequest__Output as _brook_v1_GetMetadataRequest__Output } from '../../brook/v1/GetMetadataRequest.js';
import type { GetMetadataResponse as _brook_v1_GetMetadataResponse, GetMetadataResponse__Output as _brook_v1_GetMetadataResponse__Output } from '../../brook/v1/GetMetadataResponse.js';
import type { ListOffsetsRequest as _brook_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _brook_v1_ListOffsetsRequest__Output } from '../../brook/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _brook_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _brook_v1_ListOffsetsResponse__Output } from '../../brook/v1/ListOffsetsResponse.js';
import type { ProduceRequest as _brook_v1_ProduceRequest, ProduceRequest__Output as _brook_v1_ProduceRequest__Output } from '../../brook/v1/ProduceRequest.js';
import type { ProduceResponse as _brook_v1_ProduceResponse, ProduceResponse__Output as _brook_v1_ProduceResponse__Output } from '../../brook/v1/ProduceResponse.js';
import type { SubscribeRequest as _brook_v1_SubscribeRequest, SubscribeRequest__Output as _brook_v1_SubscribeRequest__Output } from '../../brook/v1/SubscribeRequest.js';
import type { SubscribeResponse as _brook_v1_SubscribeResponse, SubscribeResponse__Output as _brook_v1_SubscribeResponse__Output } from '../../brook/v1/SubscribeResponse.js';

/**
 * Produce and consume records. Every failed call carries a gRPC status and the Brook error code
 * (see ErrorCode).
 */
export interface DataServiceClient extends grpc.Client {
  /**
   * Reads records of one partition from an offset, waiting up to `max_wait_ms` for new ones.
   */
  Fetch(argument: _brook_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _brook_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _brook_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _brook_v1_FetchRequest, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads records of one partition from an offset, waiting up to `max_wait_ms` for new ones.
   */
  fetch(argument: _brook_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _brook_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _brook_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _brook_v1_FetchRequest, callback: grpc.requestCallback<_brook_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes brokers and the partition leaders of topics.
   */
  GetMetadata(argument: _brook_v1_GetMetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  GetMetadata(argument: _brook_v1_GetMetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  GetMetadata(argument: _brook_v1_GetMetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  GetMetadata(argument: _brook_v1_GetMetadataRequest, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes brokers and the partition leaders of topics.
   */
  getMetadata(argument: _brook_v1_GetMetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  getMetadata(argument: _brook_v1_GetMetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  getMetadata(argument: _brook_v1_GetMetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  getMetadata(argument: _brook_v1_GetMetadataRequest, callback: grpc.requestCallback<_brook_v1_GetMetadataResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Finds offsets of partitions: the earliest, the latest, or the first at a time.
   */
  ListOffsets(argument: _brook_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _brook_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _brook_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _brook_v1_ListOffsetsRequest, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Finds offsets of partitions: the earliest, the latest, or the first at a time.
   */
  listOffsets(argument: _brook_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _brook_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _brook_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _brook_v1_ListOffsetsRequest, callback: grpc.requestCallback<_brook_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Appends records to one partition. Answers according to `acks`.
   */
  Produce(argument: _brook_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _brook_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _brook_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _brook_v1_ProduceRequest, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Appends records to one partition. Answers according to `acks`.
   */
  produce(argument: _brook_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _brook_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _brook_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _brook_v1_ProduceRequest, callback: grpc.requestCallback<_brook_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Streams the records of one partition from an offset, then every new record as it is
   * committed, until the client cancels. Flow-controlled: a slow reader slows the stream.
   */
  Subscribe(argument: _brook_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_brook_v1_SubscribeResponse__Output>;
  Subscribe(argument: _brook_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_brook_v1_SubscribeResponse__Output>;
  /**
   * Streams the records of one partition from an offset, then every new record as it is
   * committed, until the client cancels. Flow-controlled: a slow reader slows the stream.
   */
  subscribe(argument: _brook_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_brook_v1_SubscribeResponse__Output>;
  subscribe(argument: _brook_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_brook_v1_SubscribeResponse__Output>;
  
}

/**
 * Produce and consume records. Every failed call carries a gRPC status and the Brook error code
 * (see ErrorCode).
 */
export interface DataServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Reads records of one partition from an offset, waiting up to `max_wait_ms` for new ones.
   */
  Fetch: grpc.handleUnaryCall<_brook_v1_FetchRequest__Output, _brook_v1_FetchResponse>;
  
  /**
   * Describes brokers and the partition leaders of topics.
   */
  GetMetadata: grpc.handleUnaryCall<_brook_v1_GetMetadataRequest__Output, _brook_v1_GetMetadataResponse>;
  
  /**
   * Finds offsets of partitions: the earliest, the latest, or the first at a time.
   */
  ListOffsets: grpc.handleUnaryCall<_brook_v1_ListOffsetsRequest__Output, _brook_v1_ListOffsetsResponse>;
  
  /**
   * Appends records to one partition. Answers according to `acks`.
   */
  Produce: grpc.handleUnaryCall<_brook_v1_ProduceRequest__Output, _brook_v1_ProduceResponse>;
  
  /**
   * Streams the records of one partition from an offset, then every new record as it is
   * committed, until the client cancels. Flow-controlled: a slow reader slows the stream.
   */
  Subscribe: grpc.handleServerStreamingCall<_brook_v1_SubscribeRequest__Output, _brook_v1_SubscribeResponse>;
  
}

export interface DataServiceDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_brook_v1_FetchRequest, _brook_v1_FetchResponse, _brook_v1_FetchRequest__Output, _brook_v1_FetchResponse__Output>
  GetMetadata: MethodDefinition<_brook_v1_GetMetadataRequest, _brook_v1_GetMetadataResponse, _brook_v1_GetMetadataRequest__Output, _brook_v1_GetMetadataResponse__Output>
  ListOffsets: MethodDefinition<_brook_v1_ListOffsetsRequest, _brook_v1_ListOffsetsResponse, _brook_v1_ListOffsetsRequest__Output, _brook_v1_ListOffsetsResponse__Output>
  Produce: MethodDefinition<_brook_v1_ProduceRequest, _brook_v1_ProduceResponse, _brook_v1_ProduceRequest__Output, _brook_v1_ProduceResponse__Output>
  Subscribe: MethodDefinition<_brook_v1_SubscribeRequest, _brook_v1_SubscribeResponse, _brook_v1_SubscribeRequest__Output, _brook_v1_SubscribeResponse__Output>
}
