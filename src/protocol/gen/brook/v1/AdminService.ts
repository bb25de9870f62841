// Original file: proto/brook/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AlterTopicConfigRequest as _brook_v1_AlterTopicConfigRequest, AlterTopicConfigRequest__Output as _brook_v1_AlterTopicConfigRequest__Output } from '../../brook/v1/AlterTopicConfigRequest.js';
import type { AlterTopicConfigResponse as _brook_v1_AlterTopicConfigResponse, AlterTopicConfigResponse__Output as _brook_v1_AlterTopicConfigResponse__Output } from '../../brook/v1/AlterTopicConfigResponse.js';
import type { CreatePartitionsRequest as _brook_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _brook_v1_CreatePartitionsRequest__Output } from '../../brook/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _brook_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _brook_v1_CreatePartitionsResponse__Output } from '../../brook/v1/CreatePartitionsResponse.js';
import type { CreateTopicRequest as _brook_v1_CreateTopicRequest, CreateTopicRequest__Output as _brook_v1_CreateTopicRequest__Output } from '../../brook/v1/CreateTopicRequest.js';
import type { CreateTopicResponse as _brook_v1_CreateTopicResponse, CreateTopicResponse__Output as _brook_v1_CreateTopicResponse__Output } from '../../brook/v1/CreateTopicResponse.js';
import type { DeleteTopicRequest as _brook_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _brook_v1_DeleteTopicRequest__Output } from '../../brook/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _brook_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _brook_v1_DeleteTopicResponse__Output } from '../../brook/v1/DeleteTopicResponse.js';
import type { DescribeClusterRequest as _brook_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _brook_v1_DescribeClusterRequest__Output } from '../../brook/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _brook_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _brook_v1_DescribeClusterResponse__Output } from '../../brook/v1/DescribeClusterResponse.js';
import type { DescribeTopicRequest as _brook_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _brook_v1_DescribeTopicRequest__Output } from '../../brook/v1/DescribeTopicRequest.js';
import type { DescribeTopicResponse as _brook_v1_DescribeTopicResponse, DescribeTopicResponse__Output as _brook_v1_DescribeTopicResponse__Output } from '../../brook/v1/DescribeTopicResponse.js';
import type { ListTopicsRequest as _brook_v1_ListTopicsRequest, ListTopicsRequest__Output as _brook_v1_ListTopicsRequest__Output } from '../../brook/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _brook_v1_ListTopicsResponse, ListTopicsResponse__Output as _brook_v1_ListTopicsResponse__Output } from '../../brook/v1/ListTopicsResponse.js';
import type { ReassignPartitionRequest as _brook_v1_ReassignPartitionRequest, ReassignPartitionRequest__Output as _brook_v1_ReassignPartitionRequest__Output } from '../../brook/v1/ReassignPartitionRequest.js';
import type { ReassignPartitionResponse as _brook_v1_ReassignPartitionResponse, ReassignPartitionResponse__Output as _brook_v1_ReassignPartitionResponse__Output } from '../../brook/v1/ReassignPartitionResponse.js';

/**
 * Manage topics and inspect the cluster. Every failed call carries a gRPC status and the Brook
 * error code (see ErrorCode in records.proto).
 */
export interface AdminServiceClient extends grpc.Client {
  /**
   * Changes topic configuration online.
   */
  AlterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  AlterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Changes topic configuration online.
   */
  alterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  alterTopicConfig(argument: _brook_v1_AlterTopicConfigRequest, callback: grpc.requestCallback<_brook_v1_AlterTopicConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Adds partitions to a topic (never removes any). Fails with INVALID_PARTITIONS when the
   * new count is not larger.
   */
  CreatePartitions(argument: _brook_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _brook_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _brook_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  CreatePartitions(argument: _brook_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds partitions to a topic (never removes any). Fails with INVALID_PARTITIONS when the
   * new count is not larger.
   */
  createPartitions(argument: _brook_v1_CreatePartitionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _brook_v1_CreatePartitionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _brook_v1_CreatePartitionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  createPartitions(argument: _brook_v1_CreatePartitionsRequest, callback: grpc.requestCallback<_brook_v1_CreatePartitionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Creates a topic. Fails with TOPIC_ALREADY_EXISTS, INVALID_TOPIC, INVALID_PARTITIONS,
   * INVALID_REPLICATION_FACTOR or INVALID_CONFIG.
   */
  CreateTopic(argument: _brook_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _brook_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _brook_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  CreateTopic(argument: _brook_v1_CreateTopicRequest, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Creates a topic. Fails with TOPIC_ALREADY_EXISTS, INVALID_TOPIC, INVALID_PARTITIONS,
   * INVALID_REPLICATION_FACTOR or INVALID_CONFIG.
   */
  createTopic(argument: _brook_v1_CreateTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _brook_v1_CreateTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _brook_v1_CreateTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  createTopic(argument: _brook_v1_CreateTopicRequest, callback: grpc.requestCallback<_brook_v1_CreateTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Deletes a topic and all its data. Fails with UNKNOWN_TOPIC.
   */
  DeleteTopic(argument: _brook_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _brook_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _brook_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  DeleteTopic(argument: _brook_v1_DeleteTopicRequest, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Deletes a topic and all its data. Fails with UNKNOWN_TOPIC.
   */
  deleteTopic(argument: _brook_v1_DeleteTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _brook_v1_DeleteTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _brook_v1_DeleteTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  deleteTopic(argument: _brook_v1_DeleteTopicRequest, callback: grpc.requestCallback<_brook_v1_DeleteTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes the cluster: brokers, the controller leader, partition health.
   */
  DescribeCluster(argument: _brook_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _brook_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _brook_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  DescribeCluster(argument: _brook_v1_DescribeClusterRequest, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes the cluster: brokers, the controller leader, partition health.
   */
  describeCluster(argument: _brook_v1_DescribeClusterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _brook_v1_DescribeClusterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _brook_v1_DescribeClusterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  describeCluster(argument: _brook_v1_DescribeClusterRequest, callback: grpc.requestCallback<_brook_v1_DescribeClusterResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Describes a topic: partitions, replicas, offsets and configuration.
   */
  DescribeTopic(argument: _brook_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _brook_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _brook_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  DescribeTopic(argument: _brook_v1_DescribeTopicRequest, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Describes a topic: partitions, replicas, offsets and configuration.
   */
  describeTopic(argument: _brook_v1_DescribeTopicRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _brook_v1_DescribeTopicRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _brook_v1_DescribeTopicRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  describeTopic(argument: _brook_v1_DescribeTopicRequest, callback: grpc.requestCallback<_brook_v1_DescribeTopicResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Lists topic names.
   */
  ListTopics(argument: _brook_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _brook_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _brook_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  ListTopics(argument: _brook_v1_ListTopicsRequest, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Lists topic names.
   */
  listTopics(argument: _brook_v1_ListTopicsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _brook_v1_ListTopicsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _brook_v1_ListTopicsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  listTopics(argument: _brook_v1_ListTopicsRequest, callback: grpc.requestCallback<_brook_v1_ListTopicsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves a partition's replicas online: new replicas join as learners, catch up, then become
   * voters; replicas not in the new set leave. Answers once the new assignment is recorded;
   * the move completes in the background (watch DescribeTopic).
   */
  ReassignPartition(argument: _brook_v1_ReassignPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _brook_v1_ReassignPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _brook_v1_ReassignPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  ReassignPartition(argument: _brook_v1_ReassignPartitionRequest, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Moves a partition's replicas online: new replicas join as learners, catch up, then become
   * voters; replicas not in the new set leave. Answers once the new assignment is recorded;
   * the move completes in the background (watch DescribeTopic).
   */
  reassignPartition(argument: _brook_v1_ReassignPartitionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _brook_v1_ReassignPartitionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _brook_v1_ReassignPartitionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  reassignPartition(argument: _brook_v1_ReassignPartitionRequest, callback: grpc.requestCallback<_brook_v1_ReassignPartitionResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Manage topics and inspect the cluster. Every failed call carries a gRPC status and the Brook
 * error code (see ErrorCode in records.proto).
 */
export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Changes topic configuration online.
   */
  AlterTopicConfig: grpc.handleUnaryCall<_brook_v1_AlterTopicConfigRequest__Output, _brook_v1_AlterTopicConfigResponse>;
  
  /**
   * Adds partitions to a topic (never removes any). Fails with INVALID_PARTITIONS when the
   * new count is not larger.
   */
  CreatePartitions: grpc.handleUnaryCall<_brook_v1_CreatePartitionsRequest__Output, _brook_v1_CreatePartitionsResponse>;
  
  /**
   * Creates a topic. Fails with TOPIC_ALREADY_EXISTS, INVALID_TOPIC, INVALID_PARTITIONS,
   * INVALID_REPLICATION_FACTOR or INVALID_CONFIG.
   */
  CreateTopic: grpc.handleUnaryCall<_brook_v1_CreateTopicRequest__Output, _brook_v1_CreateTopicResponse>;
  
  /**
   * Deletes a topic and all its data. Fails with UNKNOWN_TOPIC.
   */
  DeleteTopic: grpc.handleUnaryCall<_brook_v1_DeleteTopicRequest__Output, _brook_v1_DeleteTopicResponse>;
  
  /**
   * Describes the cluster: brokers, the controller leader, partition health.
   */
  DescribeCluster: grpc.handleUnaryCall<_brook_v1_DescribeClusterRequest__Output, _brook_v1_DescribeClusterResponse>;
  
  /**
   * Describes a topic: partitions, replicas, offsets and configuration.
   */
  DescribeTopic: grpc.handleUnaryCall<_brook_v1_DescribeTopicRequest__Output, _brook_v1_DescribeTopicResponse>;
  
  /**
   * Lists topic names.
   */
  ListTopics: grpc.handleUnaryCall<_brook_v1_ListTopicsRequest__Output, _brook_v1_ListTopicsResponse>;
  
  /**
   * Moves a partition's replicas online: new replicas join as learners, catch up, then become
   * voters; replicas not in the new set leave. Answers once the new assignment is recorded;
   * the move completes in the background (watch DescribeTopic).
   */
  ReassignPartition: grpc.handleUnaryCall<_brook_v1_ReassignPartitionRequest__Output, _brook_v1_ReassignPartitionResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  AlterTopicConfig: MethodDefinition<_brook_v1_AlterTopicConfigRequest, _brook_v1_AlterTopicConfigResponse, _brook_v1_AlterTopicConfigRequest__Output, _brook_v1_AlterTopicConfigResponse__Output>
  CreatePartitions: MethodDefinition<_brook_v1_CreatePartitionsRequest, _brook_v1_CreatePartitionsResponse, _brook_v1_CreatePartitionsRequest__Output, _brook_v1_CreatePartitionsResponse__Output>
  CreateTopic: MethodDefinition<_brook_v1_CreateTopicRequest, _brook_v1_CreateTopicResponse, _brook_v1_CreateTopicRequest__Output, _brook_v1_CreateTopicResponse__Output>
  DeleteTopic: MethodDefinition<_brook_v1_DeleteTopicRequest, _brook_v1_DeleteTopicResponse, _brook_v1_DeleteTopicRequest__Output, _brook_v1_DeleteTopicResponse__Output>
  DescribeCluster: MethodDefinition<_brook_v1_DescribeClusterRequest, _brook_v1_DescribeClusterResponse, _brook_v1_DescribeClusterRequest__Output, _brook_v1_DescribeClusterResponse__Output>
  DescribeTopic: MethodDefinition<_brook_v1_DescribeTopicRequest, _brook_v1_DescribeTopicResponse, _brook_v1_DescribeTopicRequest__Output, _brook_v1_DescribeTopicResponse__Output>
  ListTopics: MethodDefinition<_brook_v1_ListTopicsRequest, _brook_v1_ListTopicsResponse, _brook_v1_ListTopicsRequest__Output, _brook_v1_ListTopicsResponse__Output>
  ReassignPartition: MethodDefinition<_brook_v1_ReassignPartitionRequest, _brook_v1_ReassignPartitionResponse, _brook_v1_ReassignPartitionRequest__Output, _brook_v1_ReassignPartitionResponse__Output>
}
