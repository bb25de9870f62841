/**
 * `brook broker start`: runs a broker in the foreground until SIGTERM or SIGINT. The server code
 * is imported only here, lazily, so that client commands never load it.
 */
import { Option, type Command } from 'commander';
import { integerIn, listenAddress } from '../parse.js';

interface BrokerStartFlags {
  readonly id?: number;
  readonly data?: string;
  readonly listen?: string;
  readonly config?: string;
}

export function addBrokerCommands(program: Command): void {
  const broker = program.command('broker').description('run a broker');
  broker
    .command('start')
    .description('start a broker in the foreground; SIGTERM or SIGINT shut it down cleanly')
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
    .addOption(new Option('--config <file>', 'broker configuration file (JSON)'))
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.opts<BrokerStartFlags>();
      // Flags left out stay undefined so that the config file (then the defaults) decide.
      const { runBroker } = await import('../../server/run.js');
      await runBroker({
        ...(flags.id === undefined ? {} : { id: flags.id }),
        ...(flags.data === undefined ? {} : { dataDir: flags.data }),
        ...(flags.listen === undefined ? {} : { listen: flags.listen }),
        ...(flags.config === undefined ? {} : { configFile: flags.config }),
      });
    });
}
