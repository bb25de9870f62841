/**
 * One broker process's network side around its core (broker-core.ts): the gRPC peer transport
 * it sends Raft traffic with, the gRPC clients of the controller service and of admin
 * forwarding, and the gRPC server with the public and internal services.
 *
 * Sizes derived from the broker's limits: a peer frame stays below `requestBytesMax`, the
 * largest request the peers' gRPC servers accept (a Raft append, see messageBytesMaxFor).
 *
 * Must not: leave a channel, stream or listener open when `stop` resolves.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { loadPeerProto } from '../protocol/peer-grpc.js';
import { GrpcAdminForwarder } from '../runtime/admin-forwarder.js';
import { GrpcControllerClient } from '../runtime/controller-client.js';
import { NodeFileSystem } from '../runtime/node-file-system.js';
import { nodeScheduler } from '../runtime/node-scheduler.js';
import {
  POWER_LOSS_ENV,
  POWER_LOSS_STATS_FILE,
  PowerLossFileSystem,
  startPowerLossStats,
} from '../runtime/power-loss-file-system.js';
import { PeerTransport } from '../runtime/peer-transport.js';
import { systemClock } from '../runtime/system-clock.js';
import { systemRandom } from '../runtime/system-random.js';
import { KiB, MiB } from '../util/limits.js';
import { asBrokerId } from '../util/brand.js';
import type { FileSystem, Logger } from '../util/ports.js';
import { forwardingAdminService } from './admin-forwarding.js';
import { adminService } from './admin-service.js';
import { BrokerCore } from './broker-core.js';
import type { BrokerConfig } from './config.js';
import { addControllerService } from './controller-service.js';
import { BrookServer } from './grpc-server.js';
import { peerService } from './peer-service.js';

/** Longest a clean shutdown waits for its leaderships to be handed over. */
const HAND_OFF_WAIT_MS = 1_000;
/** Room in a peer frame for the protobuf fields around the payloads. */
const FRAME_SLACK_BYTES = 64 * KiB;

export class ClusterNode {
  private addressValue = '';

  private constructor(
    readonly core: BrokerCore,
    private readonly server: BrookServer,
    private readonly transport: PeerTransport,
    private readonly rpc: GrpcControllerClient,
    private readonly forwarder: GrpcAdminForwarder,
    private readonly stopFileSystem: () => Promise<void>,
  ) {}

  /**
   * The real file system, or (TEST ONLY, when the environment sets BROOK_TEST_POWER_LOSS=1)
   * one that keeps unsynced writes in memory so that a kill -9 acts as a power loss.
   */
  private static fileSystem(
    dataDirectory: string,
    logger: Logger,
  ): { fs: FileSystem; stop: () => Promise<void> } {
    if (process.env[POWER_LOSS_ENV] !== '1') {
      return { fs: new NodeFileSystem(), stop: () => Promise.resolve() };
    }
    const fs = new PowerLossFileSystem();
    const statsPath = join(dataDirectory, POWER_LOSS_STATS_FILE);
    logger.warn(
      { [POWER_LOSS_ENV]: '1', statsPath },
      'TEST ONLY: power-loss file layer on; unsynced writes stay in memory and a kill -9 drops them',
    );
    const stopStats = startPowerLossStats({
      fs,
      path: statsPath,
      scheduler: nodeScheduler,
      clock: systemClock,
    });
    // A clean stop keeps what the page cache would keep; only a kill -9 is a power loss.
    const stop = async (): Promise<void> => {
      stopStats();
      await fs.writeBack();
    };
    return { fs, stop };
  }

  /** Builds the node and opens its controller replica; nothing listens yet. */
  static async assemble(
    config: BrokerConfig,
    dataDirectory: string,
    logger: Logger,
  ): Promise<ClusterNode> {
    let core: BrokerCore | null = null;
    // Controller voters where `--peers` says; every other broker where it registered.
    const peersByAddress = (id: number): string | undefined =>
      core?.peers.find((peer) => peer.id === id)?.address ??
      core?.metadata.broker(asBrokerId(id))?.address;
    const transport = new PeerTransport({
      self: config.id,
      logger: logger.child({ component: 'peers' }),
      addressOf: peersByAddress,
      onRefused: (peer, theirs) => core?.refused(asBrokerId(peer), theirs),
      limits: {
        frameBytesMax: Math.min(4 * MiB, config.limits.requestBytesMax - FRAME_SLACK_BYTES),
      },
    });
    const rpc = new GrpcControllerClient();
    const forwarder = new GrpcAdminForwarder();
    const files = ClusterNode.fileSystem(dataDirectory, logger);
    try {
      core = await BrokerCore.open(config, dataDirectory, {
        fs: files.fs,
        clock: systemClock,
        scheduler: nodeScheduler,
        random: systemRandom,
        logger,
        sender: transport,
        rpc,
        newId: randomUUID,
      });
    } catch (error) {
      await files.stop().catch(() => undefined);
      await transport.close();
      rpc.close();
      forwarder.close();
      throw error;
    }
    const server = ClusterNode.buildServer(config, core, forwarder, logger);
    return new ClusterNode(core, server, transport, rpc, forwarder, files.stop);
  }

  private static buildServer(
    config: BrokerConfig,
    core: BrokerCore,
    forwarder: GrpcAdminForwarder,
    logger: Logger,
  ): BrookServer {
    const admin = forwardingAdminService(adminService(core.broker, core.controller, logger), {
      brokerId: core.brokerId,
      routing: core.controller,
      forwarder,
      logger,
    });
    const peers = peerService({
      router: core.replicas,
      clusterId: () => core.clusterId(),
      logger: logger.child({ component: 'peers' }),
    });
    const { proto } = loadPeerProto();
    return new BrookServer({
      broker: core.broker,
      limits: config.limits,
      logger,
      admin,
      internal: [
        (server) => server.addService(proto.brook.internal.v1.PeerService.service, peers.handlers),
        (server) => addControllerService(server, core.controller, logger),
      ],
      onShutdown: [() => peers.endAll()],
    });
  }

  get address(): string {
    return this.addressValue;
  }

  /** Listens (health NOT_SERVING), starts the core, then reports SERVING. */
  async start(config: BrokerConfig): Promise<void> {
    const address = await this.server.listen(config.listen).catch((error: unknown) => {
      throw new BrookError(
        'INVALID_CONFIG',
        `cannot listen on ${config.listen}: ${String(error)}`,
        {
          cause: error,
        },
      );
    });
    this.addressValue = address;
    await this.core.start(config.advertisedAddress ?? address);
    const failure = await Promise.race([this.core.failed, Promise.resolve(null)]);
    if (failure !== null) throw failure;
    this.server.setServing();
  }

  /**
   * Hands leadership over (while peers can still reach this broker), stops accepting and ends
   * streams, then stops the core, then the network clients.
   */
  async stop(shutdownTimeoutMs: number): Promise<void> {
    if (!this.core.solo) await this.core.handOffLeadership(HAND_OFF_WAIT_MS);
    await this.server.shutdown(shutdownTimeoutMs);
    await this.core.stop();
    await this.transport.close();
    this.rpc.close();
    this.forwarder.close();
    await this.stopFileSystem();
  }
}
