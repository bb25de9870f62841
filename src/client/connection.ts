/**
 * Connections to brokers: one grpc-js channel per broker address, shared by that broker's
 * DataService and AdminService stubs, and a promise wrapper for unary calls that gives every call
 * a deadline and turns every failure into a `BrookError` (via `fromServiceError`).
 *
 * Invariants: a pool holds at most one channel per address; after `close()` the pool refuses to
 * open channels. This module does not retry, route or interpret errors: callers decide that.
 */
import * as grpc from '@grpc/grpc-js';
import { BrookError } from '../protocol/errors.js';
import type { AdminServiceClient } from '../protocol/gen/brook/v1/AdminService.js';
import type { AlterTopicConfigRequest } from '../protocol/gen/brook/v1/AlterTopicConfigRequest.js';
import type { AlterTopicConfigResponse__Output } from '../protocol/gen/brook/v1/AlterTopicConfigResponse.js';
import type { CreatePartitionsRequest } from '../protocol/gen/brook/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse__Output } from '../protocol/gen/brook/v1/CreatePartitionsResponse.js';
import type { CreateTopicRequest } from '../protocol/gen/brook/v1/CreateTopicRequest.js';
import type { CreateTopicResponse__Output } from '../protocol/gen/brook/v1/CreateTopicResponse.js';
import type { DataServiceClient } from '../protocol/gen/brook/v1/DataService.js';
import type { DeleteTopicRequest } from '../protocol/gen/brook/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse__Output } from '../protocol/gen/brook/v1/DeleteTopicResponse.js';
import type { DescribeClusterRequest } from '../protocol/gen/brook/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse__Output } from '../protocol/gen/brook/v1/DescribeClusterResponse.js';
import type { DescribeTopicRequest } from '../protocol/gen/brook/v1/DescribeTopicRequest.js';
import type { DescribeTopicResponse__Output } from '../protocol/gen/brook/v1/DescribeTopicResponse.js';
import type { FetchRequest } from '../protocol/gen/brook/v1/FetchRequest.js';
import type { FetchResponse__Output } from '../protocol/gen/brook/v1/FetchResponse.js';
import type { GetMetadataRequest } from '../protocol/gen/brook/v1/GetMetadataRequest.js';
import type { GetMetadataResponse__Output } from '../protocol/gen/brook/v1/GetMetadataResponse.js';
import type { ListOffsetsRequest } from '../protocol/gen/brook/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse__Output } from '../protocol/gen/brook/v1/ListOffsetsResponse.js';
import type { ListTopicsRequest } from '../protocol/gen/brook/v1/ListTopicsRequest.js';
import type { ListTopicsResponse__Output } from '../protocol/gen/brook/v1/ListTopicsResponse.js';
import type { ProduceRequest } from '../protocol/gen/brook/v1/ProduceRequest.js';
import type { ProduceResponse__Output } from '../protocol/gen/brook/v1/ProduceResponse.js';
import type { ReassignPartitionRequest } from '../protocol/gen/brook/v1/ReassignPartitionRequest.js';
import type { ReassignPartitionResponse__Output } from '../protocol/gen/brook/v1/ReassignPartitionResponse.js';
import { fromServiceError, loadBrookProto } from '../protocol/grpc.js';
import { MiB } from '../util/limits.js';
import { abortReason } from './retry.js';

/**
 * Channel settings. Receiving bulk data is the client's job, so the receive limit is far above
 * the broker's largest fetch (16 MiB) and the HTTP/2 flow-control window is widened from 64 KiB
 * to 4 MiB: with the default window a fetch of 1 MiB needs many round trips of WINDOW_UPDATEs.
 * Keepalive notices a dead broker on an idle connection; reconnect backoff is kept short because
 * the client has its own retry policy on top.
 */
export const channelOptions: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': 64 * MiB,
  'grpc.max_send_message_length': 64 * MiB,
  'grpc-node.flow_control_window': 4 * MiB,
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  'grpc.keepalive_permit_without_calls': 0,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

export interface BrokerConnection {
  readonly address: string;
  readonly data: DataServiceClient;
  readonly admin: AdminServiceClient;
}

export class ConnectionPool {
  private readonly connections = new Map<string, BrokerConnection & { channel: grpc.Channel }>();
  private closed = false;

  /** The connection to `address` (host:port), opened on first use. */
  get(address: string): BrokerConnection {
    const existing = this.connections.get(address);
    if (existing !== undefined) return existing;
    if (this.closed) {
      throw new BrookError('BROKER_UNAVAILABLE', 'the client is closed');
    }
    const { proto } = loadBrookProto();
    const credentials = grpc.credentials.createInsecure();
    const channel = new grpc.Channel(address, credentials, channelOptions);
    const connection = {
      address,
      channel,
      data: new proto.brook.v1.DataService(address, credentials, { channelOverride: channel }),
      admin: new proto.brook.v1.AdminService(address, credentials, { channelOverride: channel }),
    };
    this.connections.set(address, connection);
    return connection;
  }

  /** Closes every channel; calls still running fail with CANCELLED/UNAVAILABLE. */
  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) {
      connection.data.close();
      connection.admin.close();
      connection.channel.close();
    }
    this.connections.clear();
  }
}

/** A unary stub method in grpc-js's (argument, metadata, options, callback) form. */
export type UnaryMethod<Request, Response> = (
  argument: Request,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Response>,
) => grpc.ClientUnaryCall;

export interface CallOptions {
  readonly timeoutMs: number;
  /** Cancels the call (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/**
 * Calls a unary method with a deadline. Resolves with the response or rejects with a
 * BrookError; a call cancelled through `signal` rejects with the signal's reason instead.
 */
export function unaryCall<Request, Response>(
  method: UnaryMethod<Request, Response>,
  request: Request,
  options: CallOptions,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const deadline = new Date(Date.now() + options.timeoutMs);
    const onAbort = (): void => call.cancel();
    const call = method(request, new grpc.Metadata(), { deadline }, (error, response) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted === true) reject(abortReason(signal));
      else if (error !== null || response === undefined) reject(toBrookError(error));
      else resolve(response);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function toBrookError(error: unknown): BrookError {
  return fromServiceError(error ?? new Error('empty response'));
}

/**
 * Typed unary calls, one per RPC. (grpc-js stubs are overloaded, which defeats type inference
 * through a generic wrapper, so the request and response types are spelt out once here.)
 */
export const rpc = {
  produce: (connection: BrokerConnection, request: ProduceRequest, options: CallOptions) =>
    unaryCall<ProduceRequest, ProduceResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.data.produce(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  fetch: (connection: BrokerConnection, request: FetchRequest, options: CallOptions) =>
    unaryCall<FetchRequest, FetchResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.data.fetch(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  listOffsets: (connection: BrokerConnection, request: ListOffsetsRequest, options: CallOptions) =>
    unaryCall<ListOffsetsRequest, ListOffsetsResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.data.listOffsets(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  getMetadata: (connection: BrokerConnection, request: GetMetadataRequest, options: CallOptions) =>
    unaryCall<GetMetadataRequest, GetMetadataResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.data.getMetadata(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  createTopic: (connection: BrokerConnection, request: CreateTopicRequest, options: CallOptions) =>
    unaryCall<CreateTopicRequest, CreateTopicResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.createTopic(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  deleteTopic: (connection: BrokerConnection, request: DeleteTopicRequest, options: CallOptions) =>
    unaryCall<DeleteTopicRequest, DeleteTopicResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.deleteTopic(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  listTopics: (connection: BrokerConnection, request: ListTopicsRequest, options: CallOptions) =>
    unaryCall<ListTopicsRequest, ListTopicsResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.listTopics(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  describeTopic: (
    connection: BrokerConnection,
    request: DescribeTopicRequest,
    options: CallOptions,
  ) =>
    unaryCall<DescribeTopicRequest, DescribeTopicResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.describeTopic(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  alterTopicConfig: (
    connection: BrokerConnection,
    request: AlterTopicConfigRequest,
    options: CallOptions,
  ) =>
    unaryCall<AlterTopicConfigRequest, AlterTopicConfigResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.alterTopicConfig(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  describeCluster: (
    connection: BrokerConnection,
    request: DescribeClusterRequest,
    options: CallOptions,
  ) =>
    unaryCall<DescribeClusterRequest, DescribeClusterResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.describeCluster(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  createPartitions: (
    connection: BrokerConnection,
    request: CreatePartitionsRequest,
    options: CallOptions,
  ) =>
    unaryCall<CreatePartitionsRequest, CreatePartitionsResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.createPartitions(argument, metadata, callOptions, callback),
      request,
      options,
    ),
  reassignPartition: (
    connection: BrokerConnection,
    request: ReassignPartitionRequest,
    options: CallOptions,
  ) =>
    unaryCall<ReassignPartitionRequest, ReassignPartitionResponse__Output>(
      (argument, metadata, callOptions, callback) =>
        connection.admin.reassignPartition(argument, metadata, callOptions, callback),
      request,
      options,
    ),
};
