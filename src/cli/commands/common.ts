/**
 * What every client command shares: the --bootstrap flag (default from BROOK_BOOTSTRAP, else
 * 127.0.0.1:9092) and a client that is always closed afterwards, so the process can exit as
 * soon as the command is done.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { Brook, type ClusterMetadata } from '../../client/index.js';
import { BrookError, isBrookError } from '../../client/index.js';
import type { CliIo } from '../io.js';
import { bootstrapList } from '../parse.js';
import { UsageError } from '../usage-error.js';

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092';

export function bootstrapOption(io: CliIo): Option {
  const fromEnv = io.env['BROOK_BOOTSTRAP'];
  return new Option(
    '--bootstrap <addresses>',
    'brokers to connect to, HOST:PORT[,HOST:PORT...] (env BROOK_BOOTSTRAP)',
  ).default(fromEnv === undefined || fromEnv === '' ? DEFAULT_BOOTSTRAP : fromEnv);
}

/**
 * The topic's partition numbers, from the metadata any broker serves (unlike the admin API,
 * which needs the controller leader). Throws UNKNOWN_TOPIC naming the topic.
 */
export async function partitionsOf(brook: Brook, topic: string): Promise<number[]> {
  const unknown = (cause?: unknown): BrookError =>
    new BrookError('UNKNOWN_TOPIC', `unknown topic "${topic}"`, { cause, details: { topic } });
  let metadata: ClusterMetadata;
  try {
    metadata = await brook.admin().metadata([topic]);
  } catch (error) {
    throw isBrookError(error, 'UNKNOWN_TOPIC') ? unknown(error) : error;
  }
  const found = metadata.topics.find((entry) => entry.name === topic);
  if (found === undefined || found.partitions.length === 0) throw unknown();
  return found.partitions.map((partition) => partition.partition);
}

/** Runs `body` with a client for `bootstrap`, closing it whatever happens. */
export async function withClient<T>(
  bootstrap: string,
  command: Command,
  body: (brook: Brook) => Promise<T>,
): Promise<T> {
  let addresses: string[];
  try {
    addresses = bootstrapList(bootstrap);
  } catch (error) {
    const reason = error instanceof InvalidArgumentError ? error.message : String(error);
    throw new UsageError(
      `option '--bootstrap <addresses>' argument '${bootstrap}' is invalid. ${reason}`,
      command,
    );
  }
  // Fewer retries than the library default: a person at a terminal should hear within a few
  // seconds that no broker is there.
  const brook = new Brook({ bootstrap: addresses, clientId: 'brook-cli', retry: { retries: 6 } });
  try {
    return await body(brook);
  } catch (error) {
    // A partition's unreachable leader is not "no broker answered": the error says so itself.
    if (isBrookError(error, 'BROKER_UNAVAILABLE') && error.details['partition'] === undefined) {
      throw new BrookError(
        'BROKER_UNAVAILABLE',
        `no broker answered at ${addresses.join(', ')} (${error.message})`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await brook.close();
  }
}
