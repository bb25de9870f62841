/**
 * `brook consume TOPIC`: prints records of a topic (every partition, or one) as they arrive.
 *
 * Starts at the latest offset unless told otherwise (like kafka-console-consumer); stops after
 * --max-messages records, after --timeout-ms without a new record, on SIGINT/SIGTERM, or when
 * stdout is closed (e.g. piped into `head`) — all of which exit 0. Errors (unknown topic, offset
 * out of range) exit 1.
 */
import { Option, type Command } from 'commander';
import type { Brook, ConsumerRecord, StartFrom } from '../../client/index.js';
import { BrookError } from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { integerIn, timePoint } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { bootstrapOption, partitionsOf, withClient } from './common.js';

interface ConsumeFlags {
  readonly bootstrap: string;
  readonly fromBeginning?: boolean;
  readonly offset?: number;
  readonly fromTime?: number;
  readonly partition?: number;
  readonly maxMessages?: number;
  readonly timeoutMs?: number;
  readonly format: 'text' | 'json';
  readonly printKey?: boolean;
}

const HELP_AFTER = `
Start position: the latest offset (only new records) unless --from-beginning, --offset N (needs
--partition) or --from-time T (the first record at or after T in every partition consumed).

Output: --format text prints each value as UTF-8 on its own line ("key<TAB>value" with
--print-key; a null key or value prints as "null"). --format json prints one object per line:
  {"topic","partition","offset","timestamp","key","value","headers"}
with key/value as UTF-8 strings or null and headers as a list of {"key","value"}.

Exits 0 after --max-messages records, after --timeout-ms without a new record, on SIGINT, or
when stdout closes; exits 1 on an error such as an unknown topic.`;

export function addConsumeCommand(program: Command, io: CliIo): void {
  program
    .command('consume')
    .description('print records of a topic')
    .argument('<topic>', 'topic name')
    .addOption(
      new Option('--from-beginning', 'start at the earliest offset').conflicts([
        'offset',
        'fromTime',
      ]),
    )
    .addOption(
      new Option('--offset <n>', 'start at this offset (needs --partition)')
        .argParser(integerIn(0))
        .conflicts('fromTime'),
    )
    .addOption(
      new Option(
        '--from-time <time>',
        'start at the first record at or after this ISO-8601 time',
      ).argParser(timePoint),
    )
    .addOption(
      new Option('--partition <n>', 'consume only this partition (default: all)').argParser(
        integerIn(0, 1_000_000),
      ),
    )
    .addOption(
      new Option('--max-messages <n>', 'exit after this many records').argParser(integerIn(1)),
    )
    .addOption(
      new Option('--timeout-ms <ms>', 'exit after this long without a new record').argParser(
        integerIn(0),
      ),
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'),
    )
    .addOption(new Option('--print-key', 'text format: print key<TAB>value'))
    .addOption(bootstrapOption(io))
    .addHelpText('after', HELP_AFTER)
    .action(async (topic: string, _flags: unknown, command: Command) => {
      const flags = command.opts<ConsumeFlags>();
      if (flags.offset !== undefined && flags.partition === undefined) {
        throw new UsageError(
          '--offset needs --partition (offsets differ between partitions)',
          command,
        );
      }
      const count = await withClient(flags.bootstrap, command, (brook) =>
        consume(brook, topic, flags, io),
      );
      await write(io.stderr, `consumed ${count} records from ${topic}\n`);
    });
}

function startOf(flags: ConsumeFlags): StartFrom {
  if (flags.fromBeginning === true) return 'earliest';
  if (flags.offset !== undefined) return { offset: flags.offset };
  if (flags.fromTime !== undefined) return { timestamp: flags.fromTime };
  return 'latest';
}

async function consume(
  brook: Brook,
  topic: string,
  flags: ConsumeFlags,
  io: CliIo,
): Promise<number> {
  const all = await partitionsOf(brook, topic);
  if (flags.partition !== undefined && !all.includes(flags.partition)) {
    throw new BrookError(
      'INVALID_PARTITION',
      `topic ${topic} has no partition ${flags.partition} (it has ${all.length})`,
    );
  }
  const partitions = flags.partition === undefined ? all : [flags.partition];
  const consumer = brook.consumer();
  const from = startOf(flags);
  await consumer.assign(partitions.map((partition) => ({ topic, partition, from })));

  const stop = (): void => void consumer.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.stdout.once('error', stop);
  const format = flags.format === 'json' ? jsonLine : textLine(flags.printKey === true);
  const iterator = consumer[Symbol.asyncIterator]();
  let count = 0;
  try {
    while (flags.maxMessages === undefined || count < flags.maxMessages) {
      const next = await nextWithin(iterator, flags.timeoutMs);
      if (next === 'timeout' || next.done === true) break;
      await write(io.stdout, format(next.value));
      count += 1;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    io.stdout.off('error', stop);
    await consumer.close();
  }
  return count;
}

/** The iterator's next result, or 'timeout' when none comes within `timeoutMs`. */
async function nextWithin(
  iterator: AsyncIterator<ConsumerRecord>,
  timeoutMs: number | undefined,
): Promise<IteratorResult<ConsumerRecord> | 'timeout'> {
  if (timeoutMs === undefined) return iterator.next();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([iterator.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function utf8(bytes: Buffer | null): string | null {
  return bytes === null ? null : bytes.toString('utf8');
}

function textLine(printKey: boolean): (record: ConsumerRecord) => string {
  return (record) => {
    const value = utf8(record.value) ?? 'null';
    return printKey ? `${utf8(record.key) ?? 'null'}\t${value}\n` : `${value}\n`;
  };
}

function jsonLine(record: ConsumerRecord): string {
  return `${JSON.stringify({
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: utf8(record.key),
    value: utf8(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: utf8(header.value) })),
  })}\n`;
}
