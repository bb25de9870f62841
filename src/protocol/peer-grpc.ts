/**
 * The internal peer service at run time (proto/brook/internal/v1/peer.proto): loaded with the
 * same options as the public protos (protocol/grpc.ts) and the generated types in
 * ./gen/peer.ts. The server (server/peer-service.ts) and the client (runtime/peer-transport.ts)
 * both load it from here.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { RaftMessage } from './gen/brook/internal/v1/RaftMessage.js';
import type { ProtoGrpcType as PeerProto } from './gen/peer.js';
import { PROTO_LOADER_OPTIONS } from './grpc.js';

export const PEER_PROTO_FILE = 'brook/internal/v1/peer.proto';

/** Trailing-metadata key of a refused frame: the receiver's cluster id. */
export const PEER_CLUSTER_ID_METADATA_KEY = 'brook-error-cluster-id';

let cached:
  { readonly definition: protoLoader.PackageDefinition; readonly proto: PeerProto } | undefined;

/** Loads (once per process) the peer service's definition and typed constructors. */
export function loadPeerProto(): {
  readonly definition: protoLoader.PackageDefinition;
  readonly proto: PeerProto;
} {
  if (cached === undefined) {
    const definition = protoLoader.loadSync([PEER_PROTO_FILE], PROTO_LOADER_OPTIONS);
    const proto = grpc.loadPackageDefinition(definition) as unknown as PeerProto;
    cached = { definition, proto };
  }
  return cached;
}

/**
 * One Raft message on its way to a peer, as the peer transport queues it: the group, the
 * message in its wire form (cluster/peer-codec.ts builds it), and the payload bytes (null for
 * messages without any). The transport never looks inside `message`.
 */
export interface PeerItem {
  readonly group: string;
  readonly message: RaftMessage;
  readonly payload: Uint8Array | null;
}
