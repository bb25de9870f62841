/**
 * brook.internal.v1.PeerService: the receiving side of broker-to-broker Raft traffic. Each
 * frame of a `Replicate` stream is checked (cluster id), its messages decoded
 * (cluster/peer-codec.ts) and handed, in order and synchronously, to the router, which gives
 * each to its group's replica.
 *
 * Refusal: a frame from another cluster (both sides know their cluster id, and they differ) ends
 * the stream with INVALID_REQUEST carrying our cluster id (`cluster-id` detail), and is logged
 * once per stream; a message that does not decode is dropped and counted (Raft tolerates loss).
 *
 * Shutdown: `endAll` ends every open stream (BROKER_UNAVAILABLE), or they would hold the gRPC
 * server's graceful shutdown until its timeout: peers keep their streams open for good.
 *
 * Must not: wait on anything while delivering (replicas take messages synchronously), or answer
 * per frame (the stream is one-way).
 */
import { BrookError } from '../protocol/errors.js';
import type { PeerServiceHandlers } from '../protocol/gen/brook/internal/v1/PeerService.js';
import type { ReplicateRequest__Output } from '../protocol/gen/brook/internal/v1/ReplicateRequest.js';
import { toServiceError } from '../protocol/grpc.js';
import type { Message } from '../raft/types.js';
import type { Logger } from '../util/ports.js';
import { decodeRaftMessage } from '../cluster/peer-codec.js';

/** Where inbound messages go (the replica manager, and the controller group). */
export interface PeerRouter {
  deliver(group: string, message: Message, payload: Uint8Array | null): void;
  /**
   * A frame from `broker` arrived: it is alive (see PeerTransport.sendLiveness); `incarnation`
   * changes when its process restarts.
   */
  heardFrom(broker: number, incarnation: number): void;
  /** `leader` still leads `group`, quiesced, in `term`: a heartbeat for its followers here. */
  leaderAlive(group: string, leader: number, term: number): void;
}

export interface PeerServiceOptions {
  readonly router: PeerRouter;
  /** This broker's cluster id, or null while unknown. */
  readonly clusterId: () => string | null;
  readonly logger: Logger;
}

export interface PeerServiceStats {
  framesReceived: number;
  messagesDelivered: number;
  messagesMalformed: number;
  framesRefused: number;
}

export interface PeerServiceHandle {
  readonly handlers: PeerServiceHandlers;
  /** Ends every open stream (the broker is shutting down). */
  endAll(): void;
}

export function peerService(
  options: PeerServiceOptions,
  stats: PeerServiceStats = newPeerServiceStats(),
): PeerServiceHandle {
  const open = new Set<(error: BrookError | null) => void>();
  const handlers: PeerServiceHandlers = {
    Replicate: (call, callback) => {
      let ended = false;
      const end = (error: BrookError | null): void => {
        if (ended) return;
        ended = true;
        open.delete(end);
        if (error === null) callback(null, {});
        else callback(toServiceError(error), null);
      };
      open.add(end);
      call.on('data', (frame: ReplicateRequest__Output) => {
        if (ended) return;
        const refusal = checkCluster(frame, options);
        if (refusal !== null) {
          stats.framesRefused += 1;
          end(refusal);
          return;
        }
        stats.framesReceived += 1;
        deliverFrame(frame, options, stats);
      });
      call.on('end', () => end(null));
      // A peer that went away: nothing to answer.
      call.on('error', () => {
        ended = true;
        open.delete(end);
      });
    },
  };
  const endAll = (): void => {
    const closing = new BrookError('BROKER_UNAVAILABLE', 'the broker is shutting down');
    for (const end of [...open]) end(closing);
  };
  return { handlers, endAll };
}

export function newPeerServiceStats(): PeerServiceStats {
  return { framesReceived: 0, messagesDelivered: 0, messagesMalformed: 0, framesRefused: 0 };
}

function checkCluster(
  frame: ReplicateRequest__Output,
  options: PeerServiceOptions,
): BrookError | null {
  const ours = options.clusterId();
  if (frame.clusterId === '' || ours === null || frame.clusterId === ours) return null;
  const message =
    `broker ${frame.fromBroker} belongs to cluster ${frame.clusterId}, this broker to cluster ` +
    `${ours}: its Raft traffic is refused (a data directory from another cluster?)`;
  options.logger.error({ peer: frame.fromBroker, theirClusterId: frame.clusterId, ours }, message);
  return new BrookError('INVALID_REQUEST', message, { details: { 'cluster-id': ours } });
}

function deliverFrame(
  frame: ReplicateRequest__Output,
  options: PeerServiceOptions,
  stats: PeerServiceStats,
): void {
  options.router.heardFrom(frame.fromBroker, frame.incarnation);
  for (const quiesced of frame.quiescedLeaders) {
    options.router.leaderAlive(quiesced.group, frame.fromBroker, quiesced.term);
  }
  for (const item of frame.messages) {
    const message = decodeRaftMessage(item.message);
    if (message === null || message.from !== frame.fromBroker) {
      stats.messagesMalformed += 1;
      continue;
    }
    const payload = item.payload.length === 0 ? null : item.payload;
    try {
      options.router.deliver(item.group, message, payload);
      stats.messagesDelivered += 1;
    } catch (error) {
      // A bug in a replica's input path: logged, and the stream goes on for the other groups.
      options.logger.error({ err: error, group: item.group }, 'delivering a Raft message failed');
    }
  }
}
