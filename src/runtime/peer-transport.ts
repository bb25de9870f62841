/**
 * The client side of broker-to-broker Raft traffic (proto/brook/internal/v1/peer.proto): one
 * `Replicate` stream per peer this broker has messages for, fed with frames.
 *
 * Coalescing: `send` only queues; the first message queued for a peer schedules one flush on
 * the next turn of the event loop (setImmediate), so every message sent for that peer during
 * the current turn (a tick of every group, and the Readys it causes) leaves in one frame. The
 * heartbeats of all the groups two brokers share thus cost one frame per tick.
 *
 * Bounds (decision 8): a per-peer queue of `queueMessagesMax` messages and `queueBytesMax`
 * bytes; beyond either, new messages are dropped (Raft retries on its ticks). A frame holds at
 * most `frameBytesMax` (one larger message goes alone), below what the receiver's gRPC server
 * accepts. When grpc-js buffers (HTTP/2 flow control: a slow or stalled peer), writing stops
 * until 'drain' and messages wait in the bounded queue.
 *
 * Failure: a stream that ends (peer gone, refused) is dropped with what grpc-js still held, and
 * reopened after a backoff (doubling from `reconnectBackoffInitialMs` to
 * `reconnectBackoffMaxMs`); a refusal because the peer belongs to another cluster waits
 * `refusedBackoffMs` and is reported through `onRefused`. Messages for a peer whose address is
 * unknown are dropped.
 *
 * Flow-control windows: HTTP/2 defaults to 64 KiB per stream (about 200 MB/s here, see
 * PERF-NOTES.md). The receiving side of this stream is the peer's gRPC server, and grpc-js 1.14
 * has no server option for its window, so the data path keeps the defaults; the channel still
 * sets `grpc-node.flow_control_window` for what it receives.
 *
 * Must not: block, throw from `send`, create a promise per message, or look inside messages.
 */
import { randomInt } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { fromServiceError } from '../protocol/grpc.js';
import type { QuiescedGroup } from '../protocol/gen/brook/internal/v1/QuiescedGroup.js';
import type { ReplicateRequest } from '../protocol/gen/brook/internal/v1/ReplicateRequest.js';
import type { PeerServiceClient } from '../protocol/gen/brook/internal/v1/PeerService.js';
import { loadPeerProto } from '../protocol/peer-grpc.js';
import type { PeerItem } from '../protocol/peer-grpc.js';
import { MiB } from '../util/limits.js';
import type { Logger } from '../util/ports.js';

export interface PeerTransportLimits {
  /** Messages waiting for one peer; more are dropped. */
  readonly queueMessagesMax: number;
  /** Bytes (estimated) waiting for one peer; more are dropped. */
  readonly queueBytesMax: number;
  /** Bytes (estimated) per frame; keep below the peers' requestBytesMax. */
  readonly frameBytesMax: number;
  readonly reconnectBackoffInitialMs: number;
  readonly reconnectBackoffMaxMs: number;
  /** Wait before dialling again a peer that refused us as from another cluster. */
  readonly refusedBackoffMs: number;
  /** HTTP/2 window of what this side receives on its channels. */
  readonly flowControlWindowBytes: number;
}

export const defaultPeerTransportLimits: PeerTransportLimits = {
  queueMessagesMax: 10_000,
  queueBytesMax: 64 * MiB,
  frameBytesMax: 4 * MiB,
  reconnectBackoffInitialMs: 50,
  reconnectBackoffMaxMs: 250,
  refusedBackoffMs: 5_000,
  flowControlWindowBytes: 4 * MiB,
};

export interface PeerTransportOptions {
  /** This broker's id (frames say who sent them). */
  readonly self: number;
  readonly logger: Logger;
  /** Where a broker is reached now; undefined while unknown. Asked at every (re)connect. */
  readonly addressOf: (broker: number) => string | undefined;
  /** A peer refused our frames: it belongs to cluster `theirClusterId`. */
  readonly onRefused?: (peer: number, theirClusterId: string, message: string) => void;
  readonly limits?: Partial<PeerTransportLimits>;
}

export interface PeerTransportStats {
  framesSent: number;
  messagesSent: number;
  messagesDropped: number;
  streamsOpened: number;
}

/** Bytes a message adds to a frame besides its payload (an estimate, for the bounds). */
const MESSAGE_OVERHEAD_BYTES = 96;
const ENTRY_OVERHEAD_BYTES = 48;

function sizeOf(item: PeerItem): number {
  const entries = item.message.append?.entries?.length ?? 0;
  return (
    MESSAGE_OVERHEAD_BYTES +
    item.group.length +
    entries * ENTRY_OVERHEAD_BYTES +
    (item.payload?.length ?? 0)
  );
}

/** One peer: its queue, its channel and its current stream. */
interface PeerLink {
  readonly peer: number;
  queue: PeerItem[];
  queuedBytes: number;
  flushScheduled: boolean;
  address: string | null;
  client: PeerServiceClient | null;
  call: grpc.ClientWritableStream<ReplicateRequest> | null;
  waitingDrain: boolean;
  backoffMs: number;
  /** Set while a reconnect is pending: no stream until it fires. */
  reconnectTimer: NodeJS.Timeout | null;
  droppedSinceLog: number;
  /** The liveness frame's list, until the next frame carries it (only the latest counts). */
  liveness: QuiescedGroup[] | null;
}

export class PeerTransport {
  private readonly links = new Map<number, PeerLink>();
  private readonly limits: PeerTransportLimits;
  private clusterIdValue = '';
  /** Sent in every frame: tells peers when this process restarted (PeerRouter.heardFrom). */
  readonly incarnation = randomInt(1, 2 ** 31);
  private closed = false;
  readonly stats: PeerTransportStats = {
    framesSent: 0,
    messagesSent: 0,
    messagesDropped: 0,
    streamsOpened: 0,
  };

  constructor(private readonly options: PeerTransportOptions) {
    this.limits = { ...defaultPeerTransportLimits, ...options.limits };
  }

  /** The cluster id frames carry from now on (empty while unknown). */
  setClusterId(clusterId: string | null): void {
    this.clusterIdValue = clusterId ?? '';
  }

  /** Queues `item` for `peer` (see the module comment); never blocks or throws. */
  send(peer: number, item: PeerItem): void {
    if (this.closed || peer === this.options.self) return;
    let link = this.links.get(peer);
    if (link === undefined) {
      link = newLink(peer, this.limits.reconnectBackoffInitialMs);
      this.links.set(peer, link);
    }
    const size = sizeOf(item);
    if (
      link.queue.length >= this.limits.queueMessagesMax ||
      link.queuedBytes + size > this.limits.queueBytesMax
    ) {
      this.drop(link, 1);
      return;
    }
    link.queue.push(item);
    link.queuedBytes += size;
    this.scheduleFlush(link);
  }

  /**
   * Queues the liveness signal for `peer`: this broker is alive and leads `quiesced` (idle
   * groups whose heartbeats stopped, RaftConfig.quiesceAfterTicks). It rides on the next frame,
   * replacing a list not sent yet; while the peer is unreachable it is dropped like a heartbeat.
   */
  sendLiveness(peer: number, quiesced: QuiescedGroup[]): void {
    if (this.closed || peer === this.options.self) return;
    let link = this.links.get(peer);
    if (link === undefined) {
      link = newLink(peer, this.limits.reconnectBackoffInitialMs);
      this.links.set(peer, link);
    }
    link.liveness = quiesced;
    this.scheduleFlush(link);
  }

  /** Messages waiting for `peer` (tests, diagnostics). */
  queued(peer: number): number {
    return this.links.get(peer)?.queue.length ?? 0;
  }

  /** Ends every stream and closes every channel; later sends are ignored. */
  close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) {
      if (link.reconnectTimer !== null) clearTimeout(link.reconnectTimer);
      this.dropStream(link);
      link.client?.close();
      link.client = null;
      link.queue = [];
      link.queuedBytes = 0;
    }
    this.links.clear();
    return Promise.resolve();
  }

  // ---- flushing ----

  private scheduleFlush(link: PeerLink): void {
    if (link.flushScheduled) return;
    link.flushScheduled = true;
    setImmediate(() => {
      link.flushScheduled = false;
      this.flush(link);
    });
  }

  /** Writes what is queued, frame by frame, until done or grpc-js asks us to wait. */
  private flush(link: PeerLink): void {
    if (this.closed || link.waitingDrain) return;
    if (link.queue.length === 0 && link.liveness === null) return;
    const call = this.streamFor(link);
    if (call === null) {
      link.liveness = null;
      return;
    }
    while (link.queue.length > 0 || link.liveness !== null) {
      const { frame, count } = this.takeFrame(link);
      this.stats.framesSent += 1;
      this.stats.messagesSent += count;
      if (!call.write(frame)) {
        link.waitingDrain = true;
        call.once('drain', () => {
          if (link.call !== call) return;
          link.waitingDrain = false;
          this.flush(link);
        });
        return;
      }
    }
  }

  /** The next frame: queued messages up to frameBytesMax (at least one). */
  private takeFrame(link: PeerLink): { frame: ReplicateRequest; count: number } {
    let bytes = 0;
    let count = 0;
    while (count < link.queue.length) {
      const item = link.queue[count];
      if (item === undefined) break;
      const size = sizeOf(item);
      if (count > 0 && bytes + size > this.limits.frameBytesMax) break;
      bytes += size;
      count += 1;
    }
    const items = link.queue.splice(0, count);
    link.queuedBytes -= bytes;
    const frame: ReplicateRequest = {
      fromBroker: this.options.self,
      clusterId: this.clusterIdValue,
      incarnation: this.incarnation,
      messages: items.map((item) => ({
        group: item.group,
        message: item.message,
        ...(item.payload === null ? {} : { payload: item.payload }),
      })),
      ...(link.liveness === null ? {} : { quiescedLeaders: link.liveness }),
    };
    link.liveness = null;
    return { frame, count };
  }

  // ---- streams and channels ----

  /** The open stream to the peer, opening one if allowed; null while unreachable. */
  private streamFor(link: PeerLink): grpc.ClientWritableStream<ReplicateRequest> | null {
    if (link.reconnectTimer !== null) return null;
    const address = this.options.addressOf(link.peer);
    if (address === undefined) {
      this.drop(link, link.queue.length);
      link.queue = [];
      link.queuedBytes = 0;
      return null;
    }
    if (link.client !== null && link.address !== address) {
      this.dropStream(link);
      link.client.close();
      link.client = null;
    }
    link.client ??= this.newClient(address);
    link.address = address;
    if (link.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY) {
      link.backoffMs = this.limits.reconnectBackoffInitialMs;
    }
    if (link.call === null) {
      const call = link.client.Replicate((error) => this.streamEnded(link, call, error));
      // Errors arrive through the callback; an 'error' listener keeps them from being thrown.
      call.on('error', () => undefined);
      link.call = call;
      this.stats.streamsOpened += 1;
    }
    return link.call;
  }

  private newClient(address: string): PeerServiceClient {
    const { proto } = loadPeerProto();
    return new proto.brook.internal.v1.PeerService(address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      // grpc-js waits up to 120 s between reconnect attempts by default: a restarted peer
      // would stay unreachable that long.
      'grpc.initial_reconnect_backoff_ms': 50,
      'grpc.max_reconnect_backoff_ms': this.limits.reconnectBackoffMaxMs,
      'grpc-node.flow_control_window': this.limits.flowControlWindowBytes,
    });
  }

  private streamEnded(
    link: PeerLink,
    call: grpc.ClientWritableStream<ReplicateRequest>,
    error: grpc.ServiceError | null,
  ): void {
    if (link.call !== call) return;
    link.call = null;
    link.waitingDrain = false;
    if (this.closed) return;
    let delayMs = link.backoffMs;
    link.backoffMs = Math.min(link.backoffMs * 2, this.limits.reconnectBackoffMaxMs);
    if (error !== null) {
      const refusal = fromServiceError(error);
      const theirs = refusal.details['cluster-id'];
      if (refusal.code === 'INVALID_REQUEST' && theirs !== undefined) {
        delayMs = this.limits.refusedBackoffMs;
        this.options.logger.error(
          { peer: link.peer, theirClusterId: theirs, ours: this.clusterIdValue },
          `peer ${link.peer} refused our Raft traffic: ${refusal.message}`,
        );
        this.options.onRefused?.(link.peer, theirs, refusal.message);
      } else {
        this.options.logger.debug(
          { peer: link.peer, code: error.code, message: error.details },
          'peer stream ended',
        );
      }
    }
    link.reconnectTimer = setTimeout(() => {
      link.reconnectTimer = null;
      this.flush(link);
    }, delayMs);
    link.reconnectTimer.unref();
  }

  private dropStream(link: PeerLink): void {
    const call = link.call;
    link.call = null;
    link.waitingDrain = false;
    call?.cancel();
  }

  private drop(link: PeerLink, count: number): void {
    if (count === 0) return;
    this.stats.messagesDropped += count;
    // One log line per thousand drops: a stalled peer must not flood the log.
    const before = link.droppedSinceLog;
    link.droppedSinceLog += count;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(link.droppedSinceLog / 1000)) {
      this.options.logger.warn(
        { peer: link.peer, dropped: link.droppedSinceLog, queued: link.queue.length },
        'dropping Raft messages for an unreachable or slow peer',
      );
    }
  }
}

function newLink(peer: number, backoffMs: number): PeerLink {
  return {
    peer,
    queue: [],
    queuedBytes: 0,
    flushScheduled: false,
    address: null,
    client: null,
    call: null,
    waitingDrain: false,
    backoffMs,
    reconnectTimer: null,
    droppedSinceLog: 0,
    liveness: null,
  };
}
