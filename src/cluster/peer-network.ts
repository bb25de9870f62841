/**
 * The seam between Raft groups and the broker-to-broker transport: a replica sees a `Transport`
 * for its own group (replica/transport.ts); the transport underneath (runtime/peer-transport.ts
 * over gRPC, or an in-memory one in tests) sees wire-form items addressed to brokers. This
 * file holds the thin per-group adapter and the router contract for the way back.
 *
 * Must not: queue or buffer (the transport underneath bounds its queues), or import grpc-js.
 */
import type { PeerItem } from '../protocol/peer-grpc.js';
import type { Message } from '../raft/types.js';
import type { Transport } from '../replica/transport.js';
import type { BrokerId } from '../util/brand.js';
import { encodeRaftMessage } from './peer-codec.js';
import type { GroupId } from './types.js';

/** What carries wire-form messages to brokers (fire and forget, never throws). */
export interface PeerSender {
  send(to: BrokerId, item: PeerItem): void;
  /**
   * The liveness signal (every heartbeat interval, to every other live broker): this broker
   * is alive and leads `quiesced`, idle groups whose heartbeats stopped. Optional: without it,
   * no group quiesces (the replica manager then never enables quiescence).
   */
  sendLiveness?(to: BrokerId, quiesced: QuiescedLeadership[]): void;
}

/** A group the sending broker leads quiesced, in `term`. */
export interface QuiescedLeadership {
  readonly group: GroupId;
  readonly term: number;
}

/** Where inbound messages go: each to its group's replica on this broker. */
export interface GroupRouter {
  deliver(group: GroupId, message: Message, payload: Uint8Array | null): void;
}

/** The replica `Transport` of one group over a broker-addressed sender. */
export function groupTransport(sender: PeerSender, group: GroupId): Transport {
  return {
    send(message: Message, payload: Uint8Array | null): void {
      sender.send(message.to, { group, message: encodeRaftMessage(message), payload });
    },
  };
}
