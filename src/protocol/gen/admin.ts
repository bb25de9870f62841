import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminServiceClient as _brook_v1_AdminServiceClient, AdminServiceDefinition as _brook_v1_AdminServiceDefinition } from './brook/v1/AdminService.js';
import type { AlterTopicConfigRequest as _brook_v1_AlterTopicConfigRequest, AlterTopicConfigRequest__Output as _brook_v1_AlterTopicConfigRequest__Output } from './brook/v1/AlterTopicConfigRequest.js';
import type { AlterTopicConfigResponse as _brook_v1_AlterTopicConfigResponse, AlterTopicConfigResponse__Output as _brook_v1_AlterTopicConfigResponse__Output } from './brook/v1/AlterTopicConfigResponse.js';
import type { BrokerStatus as _brook_v1_BrokerStatus, BrokerStatus__Output as _brook_v1_BrokerStatus__Output } from './brook/v1/BrokerStatus.js';
import type { ConfigEntry as _brook_v1_ConfigEntry, ConfigEntry__Output as _brook_v1_ConfigEntry__Output } from './brook/v1/ConfigEntry.js';
import type { CreatePartitionsRequest as _brook_v1_CreatePartitionsRequest, CreatePartitionsRequest__Output as _brook_v1_CreatePartitionsRequest__Output } from './brook/v1/CreatePartitionsRequest.js';
import type { CreatePartitionsResponse as _brook_v1_CreatePartitionsResponse, CreatePartitionsResponse__Output as _brook_v1_CreatePartitionsResponse__Output } from './brook/v1/CreatePartitionsResponse.js';
import type { CreateTopicRequest as _brook_v1_CreateTopicRequest, CreateTopicRequest__Output as _brook_v1_CreateTopicRequest__Output } from './brook/v1/CreateTopicRequest.js';
import type { CreateTopicResponse as _brook_v1_CreateTopicResponse, CreateTopicResponse__Output as _brook_v1_CreateTopicResponse__Output } from './brook/v1/CreateTopicResponse.js';
import type { DeleteTopicRequest as _brook_v1_DeleteTopicRequest, DeleteTopicRequest__Output as _brook_v1_DeleteTopicRequest__Output } from './brook/v1/DeleteTopicRequest.js';
import type { DeleteTopicResponse as _brook_v1_DeleteTopicResponse, DeleteTopicResponse__Output as _brook_v1_DeleteTopicResponse__Output } from './brook/v1/DeleteTopicResponse.js';
import type { DescribeClusterRequest as _brook_v1_DescribeClusterRequest, DescribeClusterRequest__Output as _brook_v1_DescribeClusterRequest__Output } from './brook/v1/DescribeClusterRequest.js';
import type { DescribeClusterResponse as _brook_v1_DescribeClusterResponse, DescribeClusterResponse__Output as _brook_v1_DescribeClusterResponse__Output } from './brook/v1/DescribeClusterResponse.js';
import type { DescribeTopicRequest as _brook_v1_DescribeTopicRequest, DescribeTopicRequest__Output as _brook_v1_DescribeTopicRequest__Output } from './brook/v1/DescribeTopicRequest.js';
import type { DescribeTopicResponse as _brook_v1_DescribeTopicResponse, DescribeTopicResponse__Output as _brook_v1_DescribeTopicResponse__Output } from './brook/v1/DescribeTopicResponse.js';
import type { ListTopicsRequest as _brook_v1_ListTopicsRequest, ListTopicsRequest__Output as _brook_v1_ListTopicsRequest__Output } from './brook/v1/ListTopicsRequest.js';
import type { ListTopicsResponse as _brook_v1_ListTopicsResponse, ListTopicsResponse__Output as _brook_v1_ListTopicsResponse__Output } from './brook/v1/ListTopicsResponse.js';
import type { PartitionDescription as _brook_v1_PartitionDescription, PartitionDescription__Output as _brook_v1_PartitionDescription__Output } from './brook/v1/PartitionDescription.js';
import type { ReassignPartitionRequest as _brook_v1_ReassignPartitionRequest, ReassignPartitionRequest__Output as _brook_v1_ReassignPartitionRequest__Output } from './brook/v1/ReassignPartitionRequest.js';
import type { ReassignPartitionResponse as _brook_v1_ReassignPartitionResponse, ReassignPartitionResponse__Output as _brook_v1_ReassignPartitionResponse__Output } from './brook/v1/ReassignPartitionResponse.js';
import type { TopicDescription as _brook_v1_TopicDescription, TopicDescription__Output as _brook_v1_TopicDescription__Output } from './brook/v1/TopicDescription.js';
import type { TopicSummary as _brook_v1_TopicSummary, TopicSummary__Output as _brook_v1_TopicSummary__Output } from './brook/v1/TopicSummary.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brook: {
    v1: {
      /**
       * Manage topics and inspect the cluster. Every failed call carries a gRPC status and the Brook
       * error code (see ErrorCode in records.proto).
       */
      AdminService: SubtypeConstructor<typeof grpc.Client, _brook_v1_AdminServiceClient> & { service: _brook_v1_AdminServiceDefinition }
      AlterTopicConfigRequest: MessageTypeDefinition<_brook_v1_AlterTopicConfigRequest, _brook_v1_AlterTopicConfigRequest__Output>
      AlterTopicConfigResponse: MessageTypeDefinition<_brook_v1_AlterTopicConfigResponse, _brook_v1_AlterTopicConfigResponse__Output>
      BrokerStatus: MessageTypeDefinition<_brook_v1_BrokerStatus, _brook_v1_BrokerStatus__Output>
      ConfigEntry: MessageTypeDefinition<_brook_v1_ConfigEntry, _brook_v1_ConfigEntry__Output>
      CreatePartitionsRequest: MessageTypeDefinition<_brook_v1_CreatePartitionsRequest, _brook_v1_CreatePartitionsRequest__Output>
      CreatePartitionsResponse: MessageTypeDefinition<_brook_v1_CreatePartitionsResponse, _brook_v1_CreatePartitionsResponse__Output>
      CreateTopicRequest: MessageTypeDefinition<_brook_v1_CreateTopicRequest, _brook_v1_CreateTopicRequest__Output>
      CreateTopicResponse: MessageTypeDefinition<_brook_v1_CreateTopicResponse, _brook_v1_CreateTopicResponse__Output>
      DeleteTopicRequest: MessageTypeDefinition<_brook_v1_DeleteTopicRequest, _brook_v1_DeleteTopicRequest__Output>
      DeleteTopicResponse: MessageTypeDefinition<_brook_v1_DeleteTopicResponse, _brook_v1_DeleteTopicResponse__Output>
      DescribeClusterRequest: MessageTypeDefinition<_brook_v1_DescribeClusterRequest, _brook_v1_DescribeClusterRequest__Output>
      DescribeClusterResponse: MessageTypeDefinition<_brook_v1_DescribeClusterResponse, _brook_v1_DescribeClusterResponse__Output>
      DescribeTopicRequest: MessageTypeDefinition<_brook_v1_DescribeTopicRequest, _brook_v1_DescribeTopicRequest__Output>
      DescribeTopicResponse: MessageTypeDefinition<_brook_v1_DescribeTopicResponse, _brook_v1_DescribeTopicResponse__Output>
      ListTopicsRequest: MessageTypeDefinition<_brook_v1_ListTopicsRequest, _brook_v1_ListTopicsRequest__Output>
      ListTopicsResponse: MessageTypeDefinition<_brook_v1_ListTopicsResponse, _brook_v1_ListTopicsResponse__Output>
      PartitionDescription: MessageTypeDefinition<_brook_v1_PartitionDescription, _brook_v1_PartitionDescription__Output>
      ReassignPartitionRequest: MessageTypeDefinition<_brook_v1_ReassignPartitionRequest, _brook_v1_ReassignPartitionRequest__Output>
      ReassignPartitionResponse: MessageTypeDefinition<_brook_v1_ReassignPartitionResponse, _brook_v1_ReassignPartitionResponse__Output>
      TopicDescription: MessageTypeDefinition<_brook_v1_TopicDescription, _brook_v1_TopicDescription__Output>
      TopicSummary: MessageTypeDefinition<_brook_v1_TopicSummary, _brook_v1_TopicSummary__Output>
    }
  }
}

