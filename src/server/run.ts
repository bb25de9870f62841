/**
 * The composition root: builds the Node implementations of the ports (files, clock, logger),
 * opens the broker on its data directory, serves it over gRPC, and shuts it all down cleanly on
 * SIGTERM/SIGINT (stop accepting, end streams, finish in-flight calls, flush and close logs).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { createLogger } from '../runtime/logger.js';
import { NodeFileSystem } from '../runtime/node-file-system.js';
import { systemClock } from '../runtime/system-clock.js';
import type { Logger } from '../util/ports.js';
import { Broker } from '../broker/broker.js';
import { topicDefaultsFrom } from '../broker/topic-config.js';
import { DEFAULT_BROKER_CONFIG, applyConfig, readConfigFile, type BrokerConfig } from './config.js';
import { acquireDataLock } from './data-lock.js';
import { BrookServer } from './grpc-server.js';

export interface RunningBroker {
  readonly address: string;
  readonly broker: Broker;
  /** Idempotent; resolves once everything is flushed and closed. */
  stop(): Promise<void>;
}

export async function startBroker(config: BrokerConfig, logger?: Logger): Promise<RunningBroker> {
  const log = logger ?? createLogger(config.logLevel, { broker: config.id });
  const dataDirectory = resolve(config.dataDir);
  mkdirSync(dataDirectory, { recursive: true });
  const releaseLock = acquireDataLock(dataDirectory);
  let broker: Broker;
  try {
    broker = await Broker.open({
      brokerId: config.id,
      dataDirectory,
      fs: new NodeFileSystem(),
      clock: systemClock,
      logger: log,
      newId: randomUUID,
      topicDefaults: topicDefaultsFrom(config.topicDefaults),
      limits: config.limits,
      autoCreateTopics: config.autoCreateTopics,
      defaultPartitions: config.defaultPartitions,
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const server = new BrookServer(broker, config.limits, log);
  const address = await server.listen(config.listen).catch(async (error: unknown) => {
    await broker.close();
    releaseLock();
    throw new BrookError('INVALID_CONFIG', `cannot listen on ${config.listen}: ${String(error)}`, {
      cause: error,
    });
  });
  broker.advertisedAddress = config.advertisedAddress ?? address;
  const retention = setInterval(() => {
    broker.applyRetention().catch((error: unknown) => {
      log.error({ err: error }, 'retention failed');
    });
  }, config.retentionCheckIntervalMs);
  retention.unref();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(retention);
      await server.shutdown(config.shutdownTimeoutMs);
      await broker.close();
      releaseLock();
      log.info({}, 'broker stopped');
    })();
    return stopping;
  };
  log.info({ address, advertised: broker.advertisedAddress, dataDirectory }, 'broker ready');
  return { address, broker, stop };
}

export interface RunBrokerOptions {
  readonly id?: number;
  readonly dataDir?: string;
  readonly listen?: string;
  readonly configFile?: string;
}

/** Runs a broker in the foreground until SIGTERM or SIGINT, then shuts down cleanly. */
export async function runBroker(options: RunBrokerOptions): Promise<void> {
  const fromFile = options.configFile === undefined ? {} : readConfigFile(options.configFile);
  const withFile = applyConfig(DEFAULT_BROKER_CONFIG, fromFile);
  const levelFromEnv = process.env['BROOK_LOG_LEVEL'];
  const config = applyConfig(withFile, {
    id: options.id,
    dataDir: options.dataDir,
    listen: options.listen,
    logLevel: levelFromEnv === undefined || levelFromEnv === '' ? undefined : levelFromEnv,
  });
  const running = await startBroker(config);
  await new Promise<void>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      running.stop().then(resolveStopped, (error: unknown) => {
        process.stderr.write(`error during shutdown after ${signal}: ${String(error)}\n`);
        process.exitCode = 1;
        resolveStopped();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
