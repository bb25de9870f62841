/**
 * `brook health [HOST:PORT]`: asks one broker's standard gRPC health service (grpc.health.v1)
 * whether it is serving, as a container HEALTHCHECK or a probe script would. Prints the status;
 * exits 0 on SERVING and 1 otherwise (unreachable, NOT_SERVING, unknown service).
 */
import { Option, type Command } from 'commander';
import { BrookError, checkHealth } from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { integerIn, listenAddress } from '../parse.js';
import { DEFAULT_BOOTSTRAP } from './common.js';

interface HealthFlags {
  readonly service: string;
  readonly timeoutMs: number;
}

export function addHealthCommand(program: Command, io: CliIo): void {
  program
    .command('health')
    .description('check a broker through the gRPC health service; exit 0 when it is serving')
    .argument(
      '[address]',
      `broker HOST:PORT (default: the first of BROOK_BOOTSTRAP, else ${DEFAULT_BOOTSTRAP})`,
      listenAddress,
    )
    .addOption(
      new Option('--service <name>', 'service to ask about ("" = the whole broker)').default(''),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'deadline of the check')
        .argParser(integerIn(1))
        .default(5_000),
    )
    .action(async (address: string | undefined, _flags: unknown, command: Command) => {
      const flags = command.opts<HealthFlags>();
      const target = address ?? defaultAddress(io);
      let status: string;
      try {
        status = await checkHealth(target, { service: flags.service, timeoutMs: flags.timeoutMs });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new BrookError('BROKER_UNAVAILABLE', `${target} did not answer: ${reason}`, {
          cause: error,
        });
      }
      if (status !== 'SERVING') {
        throw new BrookError('BROKER_UNAVAILABLE', `${target} is ${status}`);
      }
      await write(io.stdout, `${status}\n`);
    });
}

function defaultAddress(io: CliIo): string {
  const first = (io.env['BROOK_BOOTSTRAP'] ?? '').split(',')[0]?.trim();
  return first === undefined || first === '' ? DEFAULT_BOOTSTRAP : first;
}
