/**
 * A small pool of gRPC clients keyed by address, for broker-to-broker calls (controller RPCs,
 * forwarded admin calls): one channel per peer address, reused, closed together. Also the one
 * unary-call helper those clients share: a deadline on every call, and failures turned back
 * into BrookErrors (protocol/grpc.ts, `fromServiceError`) so callers branch on Brook codes.
 *
 * Must not: keep more than `clientsMax` channels (the least recently used one is closed).
 */
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../protocol/grpc.js';
import { MiB } from '../util/limits.js';

/** Peer channels one pool keeps open. */
export const CLIENTS_MAX = 256;

/** Large enough for a full leader table or a forwarded admin answer. */
const MESSAGE_BYTES_MAX = 64 * MiB;

/**
 * Reconnect backoff of a peer channel. grpc-js's default (1 s, growing 1.6× up to 120 s) fails
 * every call at once while it waits, so a broker that restarted within a second or two stayed
 * unreachable from its peers' channels for seconds more: heartbeats missed a new controller
 * leader's placement grace. Peers are few and near: retry fast. (A channel to a peer that is
 * gone for good retries about twice a second until it goes idle; a refused connect on a near
 * host costs next to nothing.)
 */
const RECONNECT_BACKOFF_INITIAL_MS = 50;
const RECONNECT_BACKOFF_MAX_MS = 500;

export const CHANNEL_OPTIONS: grpc.ClientOptions = {
  'grpc.max_receive_message_length': MESSAGE_BYTES_MAX,
  'grpc.max_send_message_length': MESSAGE_BYTES_MAX,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.initial_reconnect_backoff_ms': RECONNECT_BACKOFF_INITIAL_MS,
  'grpc.max_reconnect_backoff_ms': RECONNECT_BACKOFF_MAX_MS,
};

export class ClientPool<Client extends grpc.Client> {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly create: (address: string) => Client,
    private readonly clientsMax = CLIENTS_MAX,
  ) {}

  get(address: string): Client {
    const existing = this.clients.get(address);
    if (existing !== undefined) {
      // Re-inserted: the map's order is the recency order.
      this.clients.delete(address);
      this.clients.set(address, existing);
      return existing;
    }
    if (this.clients.size >= this.clientsMax) {
      const [oldest] = this.clients;
      if (oldest !== undefined) {
        this.clients.delete(oldest[0]);
        oldest[1].close();
      }
    }
    const client = this.create(address);
    this.clients.set(address, client);
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** One unary call with a deadline; rejects with a BrookError. */
export function unaryCall<Request, Response>(
  client: grpc.Client,
  method: {
    readonly path: string;
    readonly requestSerialize: (value: Request) => Buffer;
    readonly responseDeserialize: (bytes: Buffer) => Response;
  },
  request: Request,
  timeoutMs: number,
  metadata = new grpc.Metadata(),
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      metadata,
      { deadline: Date.now() + timeoutMs },
      (error, response) => {
        if (error !== null || response === undefined) reject(fromServiceError(error));
        else resolve(response);
      },
    );
  });
}
