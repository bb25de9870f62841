/**
 * `brook cluster status`: the brokers, the controller leader and partition health, as the
 * cluster reports them. `brook cluster up`: a local cluster of N broker processes in the
 * foreground (see local-cluster.ts), stopped cleanly on Ctrl-C or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { BrookError, type ClusterDescription } from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { LocalCluster, logTail, type LocalBroker } from '../local-cluster.js';
import { integerIn } from '../parse.js';
import { bootstrapOption, withClient } from './common.js';

interface StatusFlags {
  readonly bootstrap: string;
  readonly format: 'text' | 'json';
}

interface UpFlags {
  readonly nodes: number;
  readonly data: string;
  readonly basePort: number;
  readonly config?: string;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

export const CLUSTER_UP_DEFAULTS = {
  nodes: 3,
  data: './data-cluster',
  basePort: 9092,
  readyTimeoutMs: 60_000,
  stopTimeoutMs: 15_000,
} as const;

const HOST = '127.0.0.1';

export function addClusterCommands(program: Command, io: CliIo): void {
  const cluster = program.command('cluster').description('inspect the cluster, or run a local one');
  addStatus(cluster, io);
  addUp(cluster, io);
}

function addStatus(cluster: Command, io: CliIo): void {
  cluster
    .command('status')
    .description('brokers (id, address, alive), the controller leader, partition health')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(bootstrapOption(io))
    .addHelpText(
      'after',
      '\n--format json prints {"clusterId","controllerId","controllerVoters","brokers":[{"id","address","alive"}],\n' +
        '"offlinePartitions","underReplicatedPartitions"} (controllerId -1: no controller leader).',
    )
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.opts<StatusFlags>();
      const description = await withClient(flags.bootstrap, command, (brook) =>
        brook.admin().describeCluster(),
      );
      await write(
        io.stdout,
        flags.format === 'json'
          ? `${JSON.stringify(statusJson(description))}\n`
          : statusText(description),
      );
    });
}

/** The JSON shape of `cluster status --format json`. */
export function statusJson(description: ClusterDescription): Record<string, unknown> {
  return {
    clusterId: description.clusterId,
    controllerId: description.controllerId,
    controllerVoters: description.controllerVoters,
    brokers: description.brokers.map(({ id, address, alive }) => ({ id, address, alive })),
    offlinePartitions: description.offlinePartitions,
    underReplicatedPartitions: description.underReplicatedPartitions,
  };
}

function statusText(description: ClusterDescription): string {
  const controller =
    description.controllerId < 0
      ? 'none (no controller leader)'
      : `broker ${description.controllerId}`;
  const voters =
    description.controllerVoters.length === 0
      ? ''
      : ` (voters ${description.controllerVoters.join(',')})`;
  const lines = [
    `cluster ${description.clusterId}`,
    `controller: ${controller}${voters}`,
    'brokers:',
    ...description.brokers.map(
      (broker) => `  ${broker.id}  ${broker.address}  ${broker.alive ? 'alive' : 'down'}`,
    ),
    `partitions: ${description.offlinePartitions} offline, ${description.underReplicatedPartitions} under-replicated`,
  ];
  return `${lines.join('\n')}\n`;
}

function addUp(cluster: Command, io: CliIo): void {
  cluster
    .command('up')
    .description(
      'run a local cluster of N brokers on 127.0.0.1 in the foreground; Ctrl-C stops them all',
    )
    .addOption(
      new Option('--nodes <n>', 'number of brokers (all controller voters)')
        .argParser(integerIn(1, 9))
        .default(CLUSTER_UP_DEFAULTS.nodes),
    )
    .addOption(
      new Option('--data <dir>', 'data directory; broker N keeps its data in DIR/broker-N').default(
        CLUSTER_UP_DEFAULTS.data,
      ),
    )
    .addOption(
      new Option('--base-port <port>', 'port of broker 1; broker N listens on PORT+N-1')
        .argParser(integerIn(1, 65_535))
        .default(CLUSTER_UP_DEFAULTS.basePort),
    )
    .addOption(new Option('--config <file>', 'broker configuration file (JSON) for every broker'))
    .addOption(
      new Option('--ready-timeout-ms <ms>', 'how long to wait for the cluster to form')
        .argParser(integerIn(1_000))
        .default(CLUSTER_UP_DEFAULTS.readyTimeoutMs),
    )
    .addOption(
      new Option('--stop-timeout-ms <ms>', 'how long a broker may take to stop before SIGKILL')
        .argParser(integerIn(0))
        .default(CLUSTER_UP_DEFAULTS.stopTimeoutMs),
    )
    .action(async (_flags: unknown, command: Command) => {
      await runClusterUp(command.opts<UpFlags>(), io);
    });
}

/** The built CLI next to this file (dist/cli/main.js), which the brokers run. */
function cliPath(): string {
  const path = fileURLToPath(new URL('../main.js', import.meta.url));
  if (!existsSync(path)) {
    throw new BrookError(
      'INVALID_REQUEST',
      `cannot find the built CLI at ${path}; run npm run build`,
    );
  }
  return path;
}

async function runClusterUp(flags: UpFlags, io: CliIo): Promise<void> {
  const cluster = await LocalCluster.start({
    nodes: flags.nodes,
    dataDir: flags.data,
    basePort: flags.basePort,
    host: HOST,
    cliPath: cliPath(),
    env: io.env,
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
  });
  const stopSignal = waitForStopSignal();
  const abandon = new AbortController();
  void stopSignal.promise.then(() => abandon.abort());
  try {
    await write(
      io.stdout,
      `starting ${flags.nodes} brokers on ${HOST} (peers ${LocalCluster.peersOf({ ...flags, host: HOST })})\n`,
    );
    const description = await Promise.race([
      cluster.waitUntilReady(flags.readyTimeoutMs, abandon.signal),
      stopSignal.promise.then(() => undefined),
    ]);
    if (description !== undefined) {
      await write(io.stdout, readyText(cluster, description));
      await superviseUntilSignal(cluster, stopSignal.promise, io);
    }
  } finally {
    await write(io.stdout, 'stopping brokers...\n');
    await cluster.stop(flags.stopTimeoutMs);
    stopSignal.dispose();
    for (const broker of cluster.brokers) {
      await write(io.stdout, `  broker ${broker.id} exited (${String(await broker.exited)})\n`);
    }
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function waitForStopSignal(): { promise: Promise<NodeJS.Signals>; dispose: () => void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const promise = new Promise<NodeJS.Signals>((resolveSignal) => {
    onSignal = resolveSignal;
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Reports brokers that exit while the cluster runs (a kill -9 to try failover is expected use:
 * the others keep running) and returns on a stop signal, or with an error once none is left.
 */
async function superviseUntilSignal(
  cluster: LocalCluster,
  signal: Promise<NodeJS.Signals>,
  io: CliIo,
): Promise<void> {
  const running = new Set<LocalBroker>(cluster.brokers);
  const state = { stopped: false };
  void signal.then(() => (state.stopped = true));
  const watchers = cluster.brokers.map(async (broker) => {
    const code = await broker.exited;
    running.delete(broker);
    if (state.stopped) return;
    await write(
      io.stderr,
      `broker ${broker.id} (pid ${broker.pid}) exited (${String(code)}); the end of ${broker.logPath}:\n` +
        `${logTail(broker.logPath)}\n` +
        `${running.size} of ${cluster.brokers.length} brokers still run; Ctrl-C stops them\n`,
    );
  });
  const allGone = Promise.all(watchers).then(() => 'all gone' as const);
  const outcome = await Promise.race([signal, allGone]);
  if (outcome === 'all gone' && !state.stopped) {
    throw new BrookError('BROKER_UNAVAILABLE', 'every broker of the local cluster has exited');
  }
}

function readyText(cluster: LocalCluster, description: ClusterDescription): string {
  const bootstrap = cluster.bootstrap;
  const lines = [
    `cluster ${description.clusterId} is up: ${cluster.brokers.length} brokers, controller leader broker ${description.controllerId}`,
    '',
    ...cluster.brokers.map(
      (broker) =>
        `  broker ${broker.id}  ${broker.address}  pid ${broker.pid}  data ${broker.dataDir}  log ${broker.logPath}`,
    ),
    '',
    `bootstrap: ${bootstrap}`,
    '',
    'try, in another terminal:',
    `  export BROOK_BOOTSTRAP=${bootstrap}`,
    '  npx brook cluster status',
    `  npx brook topic create events --partitions 6 --replication-factor ${Math.min(3, cluster.brokers.length)}`,
    '  seq 1 1000 | npx brook produce events --acks all',
    '  npx brook consume events --from-beginning --timeout-ms 2000',
    '  npx brook topic describe events',
    '  kill -9 <pid of a broker>   # failover: producing and consuming go on',
    '',
    'Ctrl-C (or SIGTERM) stops every broker.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
