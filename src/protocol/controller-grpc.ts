/**
 * The internal controller service at run time (proto/brook/internal/v1/controller.proto):
 * loaded with the same options as the public protos (protocol/grpc.ts) and the generated types
 * in ./gen/controller.ts. Both the server (server/controller-service.ts) and the client
 * (runtime/controller-client.ts) load it from here.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ControllerProto } from './gen/controller.js';
import { PROTO_LOADER_OPTIONS } from './grpc.js';

export const CONTROLLER_PROTO_FILE = 'brook/internal/v1/controller.proto';

let cached:
  | { readonly definition: protoLoader.PackageDefinition; readonly proto: ControllerProto }
  | undefined;

/** Loads (once per process) the controller service's definition and typed constructors. */
export function loadControllerProto(): {
  readonly definition: protoLoader.PackageDefinition;
  readonly proto: ControllerProto;
} {
  if (cached === undefined) {
    const definition = protoLoader.loadSync([CONTROLLER_PROTO_FILE], PROTO_LOADER_OPTIONS);
    const proto = grpc.loadPackageDefinition(definition) as unknown as ControllerProto;
    cached = { definition, proto };
  }
  return cached;
}
