/**
 * The broker's gRPC endpoint: Brook's public services, the internal ones other brokers call
 * (Raft traffic, the controller's), the standard grpc.health.v1 service (Kubernetes probes)
 * and server reflection (grpcurl without the proto files; public services only).
 *
 * Health stays NOT_SERVING after `listen` (peers can already reach the internal services while
 * the broker starts) until the composition root calls `setServing`.
 *
 * Limits are enforced by grpc-js before a message is buffered: a request larger than
 * `requestBytesMax` is refused with RESOURCE_EXHAUSTED from its length prefix.
 *
 * Shutdown: health goes NOT_SERVING, long-lived streams (subscriptions, health watches) are
 * ended with BROKER_UNAVAILABLE (a retriable code, so clients reconnect elsewhere), long-polling
 * fetches are answered at once with what they have, other in-flight unary calls get `timeoutMs`
 * to finish, then the listener closes. Anything left open would hold the shutdown for the whole
 * `timeoutMs`.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { BrookError } from '../protocol/errors.js';
import {
  loadBrookProto,
  PROTO_FILES,
  PROTO_LOADER_OPTIONS,
  toServiceError,
} from '../protocol/grpc.js';
import type { Limits } from '../util/limits.js';
import { MiB } from '../util/limits.js';
import type { Logger } from '../util/ports.js';
import type { AdminServiceHandlers } from '../protocol/gen/brook/v1/AdminService.js';
import type { Broker } from '../broker/broker.js';
import { dataService } from './data-service.js';
import { widenReceiveWindows } from './http2-window.js';

export interface BrookServerOptions {
  readonly broker: Broker;
  readonly limits: Limits;
  readonly logger: Logger;
  /** The AdminService handlers (admin-service.ts, wrapped for forwarding in a cluster). */
  readonly admin: AdminServiceHandlers;
  /** Registers the internal services (peer traffic, controller) on the server. */
  readonly internal: readonly ((server: grpc.Server) => void)[];
  /** Called when shutdown starts: ends long-lived internal streams (peer traffic). */
  readonly onShutdown?: readonly (() => void)[];
}

const SERVICES = ['', 'brook.v1.DataService', 'brook.v1.AdminService'];

export class BrookServer {
  private readonly server: grpc.Server;
  private readonly health = new HealthImplementation(
    Object.fromEntries(SERVICES.map((name) => [name, 'NOT_SERVING' as const])),
  );
  private readonly subscriptions = new Set<AbortController>();
  private readonly longPolls = new Set<AbortController>();
  private readonly healthWatches = new Set<grpc.ServerWritableStream<unknown, unknown>>();

  private readonly limits: Limits;
  private readonly logger: Logger;
  private readonly onShutdown: readonly (() => void)[];

  constructor(options: BrookServerOptions) {
    const { broker, limits, logger } = options;
    this.limits = limits;
    this.logger = logger;
    this.onShutdown = options.onShutdown ?? [];
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': limits.requestBytesMax,
      'grpc.max_send_message_length': limits.fetchBytesMax + 1 * MiB,
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_permit_without_calls': 1,
      'grpc.http2.min_ping_interval_without_data_ms': 5_000,
    });
    widenReceiveWindows(this.server, limits.receiveWindowBytes, logger);
    const { proto } = loadBrookProto();
    const registry = {
      register: (controller: AbortController) => this.register(controller),
      trackLongPoll: (controller: AbortController) => track(this.longPolls, controller),
    };
    this.server.addService(
      proto.brook.v1.DataService.service,
      dataService(broker, logger, registry),
    );
    this.server.addService(proto.brook.v1.AdminService.service, options.admin);
    for (const register of options.internal) register(this.server);
    this.health.addToServer({
      addService: (service, implementation) => {
        const watch = implementation['watch'] as grpc.handleServerStreamingCall<unknown, unknown>;
        const trackedWatch: grpc.handleServerStreamingCall<unknown, unknown> = (call) => {
          const untrack = track(this.healthWatches, call);
          call.on('cancelled', untrack);
          watch(call);
        };
        this.server.addService(service, { ...implementation, watch: trackedWatch });
      },
    });
    // Reflection describes the proto files as written (snake_case field names), not the
    // camelCase view the services are loaded with.
    const asWritten = protoLoader.loadSync(PROTO_FILES, {
      ...PROTO_LOADER_OPTIONS,
      keepCase: true,
    });
    const healthDefinition = protoLoader.loadSync(healthProtoPath, { keepCase: true });
    new ReflectionService({ ...asWritten, ...healthDefinition }).addToServer(this.server);
  }

  private register(controller: AbortController): () => void {
    if (this.subscriptions.size >= this.limits.subscriptionsMax) {
      throw new BrookError(
        'RESOURCE_EXHAUSTED',
        `the broker already serves ${this.subscriptions.size} subscriptions (subscriptionsMax)`,
      );
    }
    this.subscriptions.add(controller);
    return () => this.subscriptions.delete(controller);
  }

  /** Binds `address` (host:port; port 0 picks a free one) and returns the bound host:port. */
  async listen(address: string): Promise<string> {
    const port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    const host = address.slice(0, address.lastIndexOf(':'));
    const bound = `${host}:${port}`;
    this.logger.info({ address: bound }, 'listening');
    return bound;
  }

  /** Health goes SERVING: the broker is ready for clients. */
  setServing(): void {
    for (const name of SERVICES) this.health.setStatus(name, 'SERVING');
  }

  async shutdown(timeoutMs: number): Promise<void> {
    for (const name of SERVICES) this.health.setStatus(name, 'NOT_SERVING');
    const reason = new BrookError('BROKER_UNAVAILABLE', 'the broker is shutting down');
    for (const controller of this.subscriptions) controller.abort(reason);
    for (const controller of this.longPolls) controller.abort();
    for (const call of this.healthWatches) call.emit('error', toServiceError(reason));
    this.healthWatches.clear();
    for (const hook of this.onShutdown) hook();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.logger.warn({ timeoutMs }, 'calls still running at shutdown; closing them');
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function track<T>(set: Set<T>, item: T): () => void {
  set.add(item);
  return () => set.delete(item);
}
