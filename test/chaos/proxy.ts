/**
 * A controllable userspace TCP proxy for one link of the chaos harness: it listens on
 * 127.0.0.1 (an ephemeral port) and forwards every accepted connection to one target, byte for
 * byte, unless told otherwise.
 *
 * "Forward" is the direction from the connecting side to the target (requests), "backward" the
 * answers. Faults, each applied per direction and to connections old and new:
 * - `cut(direction, 'drop')`: a black hole, as an iptables DROP: bytes vanish, the connection
 *   stays open (gRPC notices through its deadlines and keepalives). A connection that lost
 *   bytes carries a broken stream, so `heal` resets it.
 * - `cut(direction, 'hold')`: bytes wait in the proxy (a stalled link) and flow again on heal.
 * - `delay(ms)`: every chunk is delivered `ms` after it arrived, in order.
 * - `lossy(p)`: TCP cannot lose bytes silently without corrupting the stream it carries, so loss
 *   is modelled as a connection reset with probability `p` per chunk.
 * - `resetAll()`: resets every open connection now.
 *
 * Randomness is injected (the harness passes its seeded generator): no Math.random here.
 * Must not: interpret the bytes it carries.
 */
import { createServer, Socket, type Server } from 'node:net';

export type Direction = 'forward' | 'backward';
export type CutDirection = Direction | 'both';
export type CutMode = 'drop' | 'hold';
type FlowMode = 'pass' | CutMode;

/** Bytes a held direction buffers per connection before the proxy resets it instead. */
export const HELD_BYTES_MAX = 64 * 1024 * 1024;

interface PendingChunk {
  readonly chunk: Buffer;
  readonly dueMs: number;
}

/** One direction of one proxied connection: what waits to be written, and when. */
interface Flow {
  readonly queue: PendingChunk[];
  queuedBytes: number;
  lastDueMs: number;
  timer: NodeJS.Timeout | undefined;
}

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly flows: Record<Direction, Flow>;
  /** Bytes were dropped: the stream is broken and must be reset on heal. */
  tainted: boolean;
  closed: boolean;
}

export interface ProxyState {
  readonly forward: FlowMode;
  readonly backward: FlowMode;
  readonly delayMs: number;
  readonly resetProbability: number;
}

export class LinkProxy {
  private readonly connections = new Set<Connection>();
  private readonly modes: Record<Direction, FlowMode> = { forward: 'pass', backward: 'pass' };
  private delayMsValue = 0;
  private resetProbability = 0;
  private closed = false;
  /** What the proxy did so far (fault evidence for reports). */
  accepted = 0;
  resets = 0;
  droppedChunks = 0;
  delayedChunks = 0;
  heldChunks = 0;

  private constructor(
    private readonly server: Server,
    readonly address: string,
    readonly target: string,
    private readonly random: () => number,
  ) {}

  /** Starts a proxy to `target` (host:port); `random` in [0, 1) decides lossy resets. */
  static async start(target: string, random: () => number): Promise<LinkProxy> {
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const bound = server.address();
    if (bound === null || typeof bound === 'string') throw new Error('proxy has no port');
    const proxy = new LinkProxy(server, `127.0.0.1:${bound.port}`, target, random);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  state(): ProxyState {
    return {
      forward: this.modes.forward,
      backward: this.modes.backward,
      delayMs: this.delayMsValue,
      resetProbability: this.resetProbability,
    };
  }

  /** Drops (black hole) or holds the bytes of one or both directions. */
  cut(direction: CutDirection, mode: CutMode = 'drop'): void {
    for (const side of sides(direction)) this.modes[side] = mode;
  }

  /** Delivers every chunk `delayMs` after it arrived (order kept). */
  delay(delayMs: number): void {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`bad delay ${delayMs}`);
    this.delayMsValue = delayMs;
  }

  /** Resets a connection with probability `probability` per chunk it carries. */
  lossy(probability: number): void {
    if (!(probability >= 0 && probability <= 1)) throw new Error(`bad probability ${probability}`);
    this.resetProbability = probability;
  }

  /** Resets every open connection. */
  resetAll(): void {
    for (const connection of [...this.connections]) this.reset(connection);
  }

  /** Back to a clean link: held bytes flow, broken streams are reset, no delay, no loss. */
  heal(): void {
    this.modes.forward = 'pass';
    this.modes.backward = 'pass';
    this.delayMsValue = 0;
    this.resetProbability = 0;
    for (const connection of [...this.connections]) {
      if (connection.tainted) {
        this.reset(connection);
        continue;
      }
      this.pump(connection, 'forward');
      this.pump(connection, 'backward');
    }
  }

  /** Stops listening and resets every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.closed) {
      client.destroy();
      return;
    }
    this.accepted += 1;
    client.setNoDelay(true);
    const [host, port] = splitAddress(this.target);
    const upstream = new Socket();
    upstream.setNoDelay(true);
    const connection: Connection = {
      client,
      upstream,
      flows: { forward: newFlow(), backward: newFlow() },
      tainted: false,
      closed: false,
    };
    this.connections.add(connection);
    const end = (): void => this.reset(connection, false);
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => this.onChunk(connection, 'forward', chunk));
    upstream.on('data', (chunk: Buffer) => this.onChunk(connection, 'backward', chunk));
    upstream.connect(port, host);
  }

  private onChunk(connection: Connection, direction: Direction, chunk: Buffer): void {
    if (connection.closed) return;
    if (this.resetProbability > 0 && this.random() < this.resetProbability) {
      this.reset(connection);
      return;
    }
    if (this.modes[direction] === 'drop') {
      connection.tainted = true;
      this.droppedChunks += 1;
      return;
    }
    if (this.modes[direction] === 'hold') this.heldChunks += 1;
    if (this.delayMsValue > 0) this.delayedChunks += 1;
    const flow = connection.flows[direction];
    const dueMs = Math.max(Date.now() + this.delayMsValue, flow.lastDueMs);
    flow.lastDueMs = dueMs;
    flow.queue.push({ chunk, dueMs });
    flow.queuedBytes += chunk.length;
    if (flow.queuedBytes > HELD_BYTES_MAX) {
      this.reset(connection);
      return;
    }
    this.pump(connection, direction);
  }

  /** Writes what is due in one direction, and arms a timer for the rest. */
  private pump(connection: Connection, direction: Direction): void {
    const flow = connection.flows[direction];
    if (connection.closed || this.modes[direction] !== 'pass') return;
    const destination = direction === 'forward' ? connection.upstream : connection.client;
    const nowMs = Date.now();
    while (flow.queue.length > 0) {
      const head = flow.queue[0];
      if (head === undefined) break;
      if (head.dueMs > nowMs) {
        if (flow.timer === undefined) {
          flow.timer = setTimeout(() => {
            flow.timer = undefined;
            this.pump(connection, direction);
          }, head.dueMs - nowMs);
        }
        return;
      }
      flow.queue.shift();
      flow.queuedBytes -= head.chunk.length;
      destination.write(head.chunk);
    }
  }

  private reset(connection: Connection, counted = true): void {
    if (connection.closed) return;
    connection.closed = true;
    if (counted) this.resets += 1;
    this.connections.delete(connection);
    for (const flow of Object.values(connection.flows)) clearTimeout(flow.timer);
    connection.client.resetAndDestroy();
    connection.upstream.resetAndDestroy();
  }
}

function newFlow(): Flow {
  return { queue: [], queuedBytes: 0, lastDueMs: 0, timer: undefined };
}

function sides(direction: CutDirection): Direction[] {
  return direction === 'both' ? ['forward', 'backward'] : [direction];
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) throw new Error(`not host:port: ${address}`);
  return [address.slice(0, colon), port];
}
