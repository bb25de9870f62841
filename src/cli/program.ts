/**
 * The `brook` command line: builds the commander program and runs it, mapping outcomes to exit
 * codes — 0 success, 1 failure (a BrookError prints `error: <message>`, anything unexpected
 * prints its stack), 2 usage error (bad flag, unknown command, invalid value: message and usage
 * on stderr).
 *
 * Commands write only through the given CliIo; this module does not exit the process.
 */
import { Command, CommanderError } from 'commander';
import { isBrookError } from '../client/index.js';
import { addBrokerCommands } from './commands/broker.js';
import { addClusterCommands } from './commands/cluster.js';
import { addConsumeCommand } from './commands/consume.js';
import { addHealthCommand } from './commands/health.js';
import { addPartitionCommands } from './commands/partition.js';
import { addProduceCommand } from './commands/produce.js';
import { addTopicCommands } from './commands/topic.js';
import type { CliIo } from './io.js';
import { UsageError } from './usage-error.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function buildProgram(io: CliIo): Command {
  const program = new Command('brook')
    .description('Brook: a partitioned, replicated commit-log streaming platform')
    .version('0.1.0')
    // Set before subcommands are added: subcommands inherit these settings.
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    });
  addBrokerCommands(program, io);
  addTopicCommands(program, io);
  addProduceCommand(program, io);
  addConsumeCommand(program, io);
  addClusterCommands(program, io);
  addPartitionCommands(program, io);
  addHealthCommand(program, io);
  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (and the usage). `.error()` calls from commands
    // carry their own exit code; everything else commander raises is a usage problem.
    if (error.code === 'commander.error') return error.exitCode;
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    io.stderr.write(`error: ${error.message}\n`);
    io.stderr.write(error.command.helpInformation());
    return EXIT_USAGE;
  }
  if (isBrookError(error)) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`unexpected error: ${stack}\n`);
  return EXIT_FAILURE;
}
