/**
 * `brook broker start`: runs a broker in the foreground until SIGTERM or SIGINT. The server code
 * is imported only here, lazily, so that client commands never load it.
 *
 * `--peers 1@host:port,2@host:port,3@host:port` names the controller voters (Kafka's
 * controller.quorum.voters form); it is parsed and checked here, so that a typo is a usage error
 * (exit 2) before anything starts. A broker whose id is not among the peers joins the cluster
 * as a non-voter of the controller group.
 *
 * Every flag may also come from the environment (a flag given wins), for containers and
 * service managers: BROOK_BROKER_ID, BROOK_DATA_DIR, BROOK_LISTEN, BROOK_ADVERTISED_ADDRESS,
 * BROOK_PEERS, BROOK_CONFIG. Values from the environment pass the same checks as flags.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { RunBrokerOptions } from '../../server/run.js';
import type { CliIo } from '../io.js';
import { integerIn, listenAddress, peerList, type PeerSpec } from '../parse.js';
import { UsageError } from '../usage-error.js';

export interface BrokerStartFlags {
  readonly id?: number;
  readonly data?: string;
  readonly listen?: string;
  readonly advertisedAddress?: string;
  readonly peers?: readonly PeerSpec[];
  readonly config?: string;
}

/** The options `runBroker` receives for these flags; flags left out stay out. */
export function runBrokerOptions(flags: BrokerStartFlags): RunBrokerOptions {
  return {
    ...(flags.id === undefined ? {} : { id: flags.id }),
    ...(flags.data === undefined ? {} : { dataDir: flags.data }),
    ...(flags.listen === undefined ? {} : { listen: flags.listen }),
    ...(flags.advertisedAddress === undefined
      ? {}
      : { advertisedAddress: flags.advertisedAddress }),
    ...(flags.peers === undefined ? {} : { peers: flags.peers }),
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
  };
}

/** Adds the `broker start` flags to `command` (shared with tests that parse a command line). */
export function brokerStartOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--id <n>', 'broker id (default: 1, or the config file)').argParser(
        integerIn(0, 2_147_483_647),
      ),
    )
    .addOption(new Option('--data <dir>', 'data directory (default: ./data, or the config file)'))
    .addOption(
      new Option(
        '--listen <host:port>',
        'gRPC listen address (default: 127.0.0.1:9092, or the config file)',
      ).argParser(listenAddress),
    )
    .addOption(
      new Option(
        '--advertised-address <host:port>',
        'the address other brokers and clients use to reach this one (default: the listener)',
      ).argParser(listenAddress),
    )
    .addOption(
      new Option(
        '--peers <id@host:port,...>',
        'the controller voters, e.g. 1@10.0.0.1:9092,2@10.0.0.2:9092,3@10.0.0.3:9092 (default: this broker alone)',
      ).argParser(peerList),
    )
    .addOption(new Option('--config <file>', 'broker configuration file (JSON)'));
}

/** Environment variables standing in for flags, with the flag's parser. */
const FLAG_ENVIRONMENT: readonly {
  readonly flag: keyof BrokerStartFlags;
  readonly variable: string;
  readonly parse: (value: string) => unknown;
}[] = [
  { flag: 'id', variable: 'BROOK_BROKER_ID', parse: integerIn(0, 2_147_483_647) },
  { flag: 'data', variable: 'BROOK_DATA_DIR', parse: (value) => value },
  { flag: 'listen', variable: 'BROOK_LISTEN', parse: listenAddress },
  { flag: 'advertisedAddress', variable: 'BROOK_ADVERTISED_ADDRESS', parse: listenAddress },
  { flag: 'peers', variable: 'BROOK_PEERS', parse: peerList },
  { flag: 'config', variable: 'BROOK_CONFIG', parse: (value) => value },
];

/** The flags, with those left out taken from the environment where it sets them. */
export function withEnvironment(
  flags: BrokerStartFlags,
  env: CliIo['env'],
  command: Command,
): BrokerStartFlags {
  const merged: Record<string, unknown> = { ...flags };
  for (const { flag, variable, parse } of FLAG_ENVIRONMENT) {
    const value = env[variable];
    if (merged[flag] !== undefined || value === undefined || value === '') continue;
    try {
      merged[flag] = parse(value);
    } catch (error) {
      const reason = error instanceof InvalidArgumentError ? error.message : String(error);
      throw new UsageError(
        `environment variable ${variable}="${value}" is invalid. ${reason}`,
        command,
      );
    }
  }
  return merged;
}

export function addBrokerCommands(program: Command, io: CliIo): void {
  const broker = program.command('broker').description('run a broker');
  brokerStartOptions(
    broker
      .command('start')
      .description('start a broker in the foreground; SIGTERM or SIGINT shut it down cleanly'),
  )
    .addHelpText(
      'after',
      '\nEach flag can also be set in the environment (the flag wins): BROOK_BROKER_ID, BROOK_DATA_DIR,\n' +
        'BROOK_LISTEN, BROOK_ADVERTISED_ADDRESS, BROOK_PEERS, BROOK_CONFIG; BROOK_LOG_LEVEL sets the log level.',
    )
    .action(async (_flags: unknown, command: Command) => {
      // Flags left out stay undefined so that the config file (then the defaults) decide.
      const flags = withEnvironment(command.opts<BrokerStartFlags>(), io.env, command);
      const options = runBrokerOptions(flags);
      const { runBroker } = await import('../../server/run.js');
      await runBroker(options);
    });
}
