import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInfo as _brook_v1_BrokerInfo, BrokerInfo__Output as _brook_v1_BrokerInfo__Output } from './brook/v1/BrokerInfo.js';
import type { DataServiceClient as _brook_v1_DataServiceClient, DataServiceDefinition as _brook_v1_DataServiceDefinition } from './brook/v1/DataService.js';
import type { Earliest as _brook_v1_Earliest, Earliest__Output as _brook_v1_Earliest__Output } from './brook/v1/Earliest.js';
import type { FetchRequest as _brook_v1_FetchRequest, FetchRequest__Output as _brook_v1_FetchRequest__Output } from './brook/v1/FetchRequest.js';
import type { FetchResponse as _brook_v1_FetchResponse, FetchResponse__Output as _brook_v1_FetchResponse__Output } from './brook/v1/FetchResponse.js';
import type { GetMetadataRequest as _brook_v1_GetMetadataRequest, GetMetadataRequest__Output as _brook_v1_GetMetadataRequest__Output } from './brook/v1/GetMetadataRequest.js';
import type { GetMetadataResponse as _brook_v1_GetMetadataResponse, GetMetadataResponse__Output as _brook_v1_GetMetadataResponse__Output } from './brook/v1/GetMetadataResponse.js';
import type { Latest as _brook_v1_Latest, Latest__Output as _brook_v1_Latest__Output } from './brook/v1/Latest.js';
import type { ListOffsetsRequest as _brook_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _brook_v1_ListOffsetsRequest__Output } from './brook/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _brook_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _brook_v1_ListOffsetsResponse__Output } from './brook/v1/ListOffsetsResponse.js';
import type { PartitionMetadata as _brook_v1_PartitionMetadata, PartitionMetadata__Output as _brook_v1_PartitionMetadata__Output } from './brook/v1/PartitionMetadata.js';
import type { PartitionOffset as _brook_v1_PartitionOffset, PartitionOffset__Output as _brook_v1_PartitionOffset__Output } from './brook/v1/PartitionOffset.js';
import type { ProduceRequest as _brook_v1_ProduceRequest, ProduceRequest__Output as _brook_v1_ProduceRequest__Output } from './brook/v1/ProduceRequest.js';
import type { ProduceResponse as _brook_v1_ProduceResponse, ProduceResponse__Output as _brook_v1_ProduceResponse__Output } from './brook/v1/ProduceResponse.js';
import type { Record as _brook_v1_Record, Record__Output as _brook_v1_Record__Output } from './brook/v1/Record.js';
import type { RecordHeader as _brook_v1_RecordHeader, RecordHeader__Output as _brook_v1_RecordHeader__Output } from './brook/v1/RecordHeader.js';
import type { RecordList as _brook_v1_RecordList, RecordList__Output as _brook_v1_RecordList__Output } from './brook/v1/RecordList.js';
import type { StartPosition as _brook_v1_StartPosition, StartPosition__Output as _brook_v1_StartPosition__Output } from './brook/v1/StartPosition.js';
import type { SubscribeRequest as _brook_v1_SubscribeRequest, SubscribeRequest__Output as _brook_v1_SubscribeRequest__Output } from './brook/v1/SubscribeRequest.js';
import type { SubscribeResponse as _brook_v1_SubscribeResponse, SubscribeResponse__Output as _brook_v1_SubscribeResponse__Output } from './brook/v1/SubscribeResponse.js';
import type { TopicMetadata as _brook_v1_TopicMetadata, TopicMetadata__Output as _brook_v1_TopicMetadata__Output } from './brook/v1/TopicMetadata.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brook: {
    v1: {
      Acks: EnumTypeDefinition
      BrokerInfo: MessageTypeDefinition<_brook_v1_BrokerInfo, _brook_v1_BrokerInfo__Output>
      /**
       * Produce and consume records. Every failed call carries a gRPC status and the Brook error code
       * (see ErrorCode).
       */
      DataService: SubtypeConstructor<typeof grpc.Client, _brook_v1_DataServiceClient> & { service: _brook_v1_DataServiceDefinition }
      Earliest: MessageTypeDefinition<_brook_v1_Earliest, _brook_v1_Earliest__Output>
      ErrorCode: EnumTypeDefinition
      FetchRequest: MessageTypeDefinition<_brook_v1_FetchRequest, _brook_v1_FetchRequest__Output>
      FetchResponse: MessageTypeDefinition<_brook_v1_FetchResponse, _brook_v1_FetchResponse__Output>
      GetMetadataRequest: MessageTypeDefinition<_brook_v1_GetMetadataRequest, _brook_v1_GetMetadataRequest__Output>
      GetMetadataResponse: MessageTypeDefinition<_brook_v1_GetMetadataResponse, _brook_v1_GetMetadataResponse__Output>
      Latest: MessageTypeDefinition<_brook_v1_Latest, _brook_v1_Latest__Output>
      ListOffsetsRequest: MessageTypeDefinition<_brook_v1_ListOffsetsRequest, _brook_v1_ListOffsetsRequest__Output>
      ListOffsetsResponse: MessageTypeDefinition<_brook_v1_ListOffsetsResponse, _brook_v1_ListOffsetsResponse__Output>
      OffsetSpec: EnumTypeDefinition
      PartitionMetadata: MessageTypeDefinition<_brook_v1_PartitionMetadata, _brook_v1_PartitionMetadata__Output>
      PartitionOffset: MessageTypeDefinition<_brook_v1_PartitionOffset, _brook_v1_PartitionOffset__Output>
      ProduceRequest: MessageTypeDefinition<_brook_v1_ProduceRequest, _brook_v1_ProduceRequest__Output>
      ProduceResponse: MessageTypeDefinition<_brook_v1_ProduceResponse, _brook_v1_ProduceResponse__Output>
      Record: MessageTypeDefinition<_brook_v1_Record, _brook_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      RecordHeader: MessageTypeDefinition<_brook_v1_RecordHeader, _brook_v1_RecordHeader__Output>
      RecordList: MessageTypeDefinition<_brook_v1_RecordList, _brook_v1_RecordList__Output>
      StartPosition: MessageTypeDefinition<_brook_v1_StartPosition, _brook_v1_StartPosition__Output>
      SubscribeRequest: MessageTypeDefinition<_brook_v1_SubscribeRequest, _brook_v1_SubscribeRequest__Output>
      SubscribeResponse: MessageTypeDefinition<_brook_v1_SubscribeResponse, _brook_v1_SubscribeResponse__Output>
      TopicMetadata: MessageTypeDefinition<_brook_v1_TopicMetadata, _brook_v1_TopicMetadata__Output>
    }
  }
}

