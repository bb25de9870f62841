/**
 * A broker that is a cluster of one, in process, over an in-memory disk: the real core
 * (server/broker-core.ts: controller replica and metadata, replica manager, controller,
 * heartbeat agent, Broker) without the gRPC server or the peer transport. For tests of the data
 * path and of storage faults that need the whole broker but not the network.
 *
 * Time: timers are real (the 50 ms Raft tick, the heartbeat) and so is the clock by default (an
 * OffsetClock a test may move forward): a cluster of one needs no election timeout, so tests
 * stay fast. A clock that does not move would stall the heartbeat's backoff. Always `stop()`.
 */
import { BrokerCore } from '../../src/server/broker-core.js';
import { applyConfig, DEFAULT_BROKER_CONFIG } from '../../src/server/config.js';
import { nodeScheduler } from '../../src/runtime/node-scheduler.js';
import { BrookError } from '../../src/protocol/errors.js';
import type { Broker } from '../../src/broker/broker.js';
import type { Clock, FileSystem } from '../../src/util/ports.js';
import { silentLogger } from '../../src/util/ports.js';
import { OffsetClock } from './offset-clock.js';
import { SeededRandom } from './seeded-random.js';

export const MEMORY_BROKER_ADDRESS = '127.0.0.1:9092';

export interface MemoryBroker {
  readonly broker: Broker;
  readonly core: BrokerCore;
  /** Stops everything; errors of a disk that crashed underneath are swallowed. */
  stop(): Promise<void>;
}

export interface MemoryBrokerOptions {
  readonly fs: FileSystem;
  readonly clock?: Clock;
  readonly dataDirectory?: string;
  /** Broker config keys (as in a config file) on top of the defaults. */
  readonly config?: Readonly<Record<string, unknown>>;
}

const unreachable = (): Promise<never> =>
  Promise.reject(new BrookError('BROKER_UNAVAILABLE', 'a cluster of one has no peers'));

export async function openMemoryBroker(options: MemoryBrokerOptions): Promise<MemoryBroker> {
  const dataDirectory = options.dataDirectory ?? '/data';
  const config = applyConfig(DEFAULT_BROKER_CONFIG, {
    id: 1,
    dataDir: dataDirectory,
    listen: MEMORY_BROKER_ADDRESS,
    ...options.config,
  });
  let next = 0;
  const core = await BrokerCore.open(config, dataDirectory, {
    fs: options.fs,
    clock: options.clock ?? new OffsetClock(),
    scheduler: nodeScheduler,
    random: new SeededRandom(11),
    logger: silentLogger,
    sender: { send: () => undefined, setClusterId: () => undefined },
    rpc: { heartbeat: unreachable, transferLeadership: unreachable },
    newId: () => `id-${next++}`,
  });
  try {
    await core.start(MEMORY_BROKER_ADDRESS);
  } catch (error) {
    await core.stop().catch(() => undefined);
    throw error;
  }
  return {
    broker: core.broker,
    core,
    stop: () => core.stop().catch(() => undefined),
  };
}
