import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Record as _brook_v1_Record, Record__Output as _brook_v1_Record__Output } from './brook/v1/Record.js';
import type { RecordHeader as _brook_v1_RecordHeader, RecordHeader__Output as _brook_v1_RecordHeader__Output } from './brook/v1/RecordHeader.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  brook: {
    v1: {
      Acks: EnumTypeDefinition
      ErrorCode: EnumTypeDefinition
      Record: MessageTypeDefinition<_brook_v1_Record, _brook_v1_Record__Output>
      RecordFormat: EnumTypeDefinition
      RecordHeader: MessageTypeDefinition<_brook_v1_RecordHeader, _brook_v1_RecordHeader__Output>
    }
  }
}

