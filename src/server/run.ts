/**
 * The composition root: builds the Node implementations of the ports (files, clock, timers,
 * randomness, logger, the peer transport), assembles one broker of a cluster, serves it over
 * gRPC, and shuts it all down cleanly on SIGTERM/SIGINT.
 *
 * Start order (broker-core.ts and cluster-node.ts build the pieces): data lock, meta.json, the
 * controller group's replica over the metadata state machine, the peer transport and the gRPC
 * services (health NOT_SERVING), the replica manager and its tick timer, then the controller
 * and the heartbeat agent, and health SERVING. A broker without `peers` is a cluster of one: it campaigns for
 * the controller group at once and waits (bounded) until it leads, is registered, and leads its
 * partitions, so that clients can use it as soon as it reports ready. Shutdown runs in reverse:
 * stop accepting and end streams, stop the control plane, close the replicas, the controller
 * replica, the transport, release the lock.
 *
 * Cluster id: stored in meta.json when first learnt from the metadata. A broker whose meta.json
 * names another cluster than the metadata it follows (or whom most controller voters refuse as
 * from another cluster) stops with a clear error; `runBroker` then exits non-zero.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { createLogger } from '../runtime/logger.js';
import type { Logger } from '../util/ports.js';
import type { Broker } from '../broker/broker.js';
import type { ReplicaManager } from '../cluster/replica-manager.js';
import type { Controller } from '../cluster/controller.js';
import type { PeerAddress } from '../cluster/types.js';
import { asBrokerId } from '../util/brand.js';
import { ClusterNode } from './cluster-node.js';
import { DEFAULT_BROKER_CONFIG, applyConfig, readConfigFile, type BrokerConfig } from './config.js';
import { acquireDataLock } from './data-lock.js';

export interface RunningBroker {
  readonly address: string;
  readonly broker: Broker;
  readonly replicas: ReplicaManager;
  readonly controller: Controller;
  /** Idempotent; resolves once everything is flushed and closed. */
  stop(): Promise<void>;
  /** Resolves with the reason when the broker stopped on its own (another cluster's data). */
  readonly failed: Promise<Error>;
}

export async function startBroker(config: BrokerConfig, logger?: Logger): Promise<RunningBroker> {
  const log = logger ?? createLogger(config.logLevel, { broker: config.id });
  const dataDirectory = resolve(config.dataDir);
  mkdirSync(dataDirectory, { recursive: true });
  const releaseLock = acquireDataLock(dataDirectory);
  let node: ClusterNode;
  try {
    node = await ClusterNode.assemble(config, dataDirectory, log);
  } catch (error) {
    releaseLock();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await node.stop(config.shutdownTimeoutMs);
      releaseLock();
      log.info({}, 'broker stopped');
    })();
    return stopping;
  };
  try {
    await node.start(config);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const failed = node.core.failed.then(async (error) => {
    log.error({ err: error }, error.message);
    await stop().catch(() => undefined);
    return error;
  });
  const { core } = node;
  log.info(
    { address: node.address, advertised: core.broker.advertisedAddress, dataDirectory },
    'broker ready',
  );
  return {
    address: node.address,
    broker: core.broker,
    replicas: core.replicas,
    controller: core.controller,
    stop,
    failed,
  };
}

export interface RunBrokerOptions {
  readonly id?: number;
  readonly dataDir?: string;
  readonly listen?: string;
  readonly advertisedAddress?: string;
  readonly peers?: readonly { readonly id: number; readonly address: string }[];
  readonly configFile?: string;
}

/**
 * Runs a broker in the foreground until SIGTERM or SIGINT, then shuts down cleanly. Rejects
 * (the CLI exits non-zero) when the broker cannot start or stops on its own.
 */
export async function runBroker(options: RunBrokerOptions): Promise<void> {
  const fromFile = options.configFile === undefined ? {} : readConfigFile(options.configFile);
  const withFile = applyConfig(DEFAULT_BROKER_CONFIG, fromFile);
  const levelFromEnv = process.env['BROOK_LOG_LEVEL'];
  const peers: PeerAddress[] | undefined = options.peers?.map((peer) => ({
    id: asBrokerId(peer.id),
    address: peer.address,
  }));
  const config = applyConfig(withFile, {
    id: options.id,
    dataDir: options.dataDir,
    listen: options.listen,
    advertisedAddress: options.advertisedAddress,
    peers,
    logLevel: levelFromEnv === undefined || levelFromEnv === '' ? undefined : levelFromEnv,
  });
  const running = await startBroker(config);
  const outcome = await new Promise<Error | null>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      running.stop().then(
        () => resolveStopped(null),
        (error: unknown) => {
          process.stderr.write(`error during shutdown after ${signal}: ${String(error)}\n`);
          process.exitCode = 1;
          resolveStopped(null);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    void running.failed.then((error) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolveStopped(error);
    });
  });
  if (outcome !== null) {
    throw outcome instanceof BrookError ? outcome : new BrookError('UNKNOWN', outcome.message);
  }
}
