/**
 * `brook produce TOPIC`: one record per line of stdin.
 *
 * stdin is streamed: lines are grouped into chunks handed to `sendMany` (one promise per chunk,
 * not per line) with a bounded number of chunks outstanding, and reading pauses while the
 * producer's buffer is full, so memory stays bounded however large the input. The command exits
 * 0 only once every record is acknowledged; the first failure stops reading and is reported
 * (exit 1).
 */
import { Option, type Command } from 'commander';
import {
  BrookError,
  type HeaderInput,
  type Producer,
  type ProducerRecord,
} from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { LineSplitter, splitKey } from '../line-splitter.js';
import { collectKeyValue, integerIn, type KeyValue } from '../parse.js';
import { bootstrapOption, partitionsOf, withClient } from './common.js';

interface ProduceFlags {
  readonly bootstrap: string;
  readonly keySeparator?: string;
  readonly partition?: number;
  readonly acks: 'all' | 'leader' | 'none';
  readonly header?: readonly KeyValue[];
  readonly compression: 'none' | 'gzip' | 'lz4' | 'zstd';
  readonly lingerMs?: number;
  readonly timeoutMs: number;
}

/** Lines per sendMany call, and bytes per call: enough to amortise, small enough to pipeline. */
const CHUNK_RECORDS = 2_000;
const CHUNK_BYTES = 512 * 1024;
/** sendMany calls outstanding before reading waits for the oldest. */
const CHUNKS_IN_FLIGHT = 16;
/** Deadline of one produce request (the whole --timeout-ms may cover several). */
const REQUEST_TIMEOUT_MS = 10_000;
/** A line longer than this fails before it is fully buffered. */
const LINE_BYTES_MAX = 64 * 1024 * 1024;

export function addProduceCommand(program: Command, io: CliIo): void {
  program
    .command('produce')
    .description('produce one record per line of stdin')
    .argument('<topic>', 'topic name')
    .addOption(
      new Option(
        '--key-separator <text>',
        'split each line at the first occurrence: key before, value after (a line without it has a null key)',
      ),
    )
    .addOption(
      new Option('--partition <n>', 'send every record to this partition').argParser(
        integerIn(0, 1_000_000),
      ),
    )
    .addOption(
      new Option('--acks <acks>', 'when records count as written')
        .choices(['all', 'leader', 'none'])
        .default('all'),
    )
    .addOption(
      new Option('--header <key=value>', 'add a header to every record (repeatable)').argParser(
        collectKeyValue,
      ),
    )
    .addOption(
      new Option('--compression <codec>', 'batch compression')
        .choices(['none', 'gzip', 'lz4', 'zstd'])
        .default('none'),
    )
    .addOption(
      new Option('--linger-ms <ms>', 'how long batches wait to fill (default 5)').argParser(
        integerIn(0, 60_000),
      ),
    )
    .addOption(
      new Option(
        '--timeout-ms <ms>',
        'how long a record may take to be acknowledged, retries included',
      )
        .argParser(integerIn(1, 3_600_000))
        .default(30_000),
    )
    .addOption(bootstrapOption(io))
    .addHelpText(
      'after',
      '\nEach line is one record; its bytes are the value. Prints "produced N records to TOPIC" on stderr\n' +
        'and exits 0 once every record is acknowledged; exits 1 on the first failure. Retriable failures\n' +
        '(a leader moving, too few replicas in sync) are retried until --timeout-ms has passed.',
    )
    .action(async (topic: string, _flags: unknown, command: Command) => {
      const flags = command.opts<ProduceFlags>();
      const count = await withClient(flags.bootstrap, command, async (brook) => {
        // Fails fast, naming the topic, before any input is read. Metadata (not the admin
        // API) so that any broker answers, even while the controller has no quorum.
        const partitions = await partitionsOf(brook, topic);
        if (flags.partition !== undefined && flags.partition >= partitions.length) {
          throw new BrookError(
            'INVALID_PARTITION',
            `topic ${topic} has no partition ${flags.partition} (it has ${partitions.length})`,
          );
        }
        const producer = brook.producer({
          acks: flags.acks,
          compression: flags.compression,
          deliveryTimeoutMs: flags.timeoutMs,
          requestTimeoutMs: Math.min(flags.timeoutMs, REQUEST_TIMEOUT_MS),
          ...(flags.lingerMs === undefined ? {} : { lingerMs: flags.lingerMs }),
        });
        const sent = await pipeLines(io.stdin, producer, recordMaker(topic, flags));
        await producer.close();
        return sent;
      });
      await write(io.stderr, `produced ${count} records to ${topic}\n`);
    });
}

function recordMaker(topic: string, flags: ProduceFlags): (line: Buffer) => ProducerRecord {
  const separator =
    flags.keySeparator === undefined || flags.keySeparator === ''
      ? undefined
      : Buffer.from(flags.keySeparator, 'utf8');
  const headers: HeaderInput[] = (flags.header ?? []).map(({ key, value }) => ({ key, value }));
  const partition = flags.partition;
  return (line) => {
    const { key, value } = splitKey(line, separator);
    return {
      topic,
      key,
      value,
      ...(headers.length === 0 ? {} : { headers }),
      ...(partition === undefined ? {} : { partition }),
    };
  };
}

/** Sends every line of `input` as a record; resolves with the count once all are acknowledged. */
async function pipeLines(
  input: AsyncIterable<Buffer | string>,
  producer: Producer,
  toRecord: (line: Buffer) => ProducerRecord,
): Promise<number> {
  const splitter = new LineSplitter(LINE_BYTES_MAX);
  const outstanding = new Set<Promise<void>>();
  let failure: Error | undefined;
  let acknowledged = 0;
  let chunk: ProducerRecord[] = [];
  let chunkBytes = 0;

  const dispatch = (): void => {
    if (chunk.length === 0) return;
    const sending = producer.sendMany(chunk).then(
      (results) => {
        acknowledged += results.length;
      },
      (error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      },
    );
    const tracked = sending.finally(() => outstanding.delete(tracked));
    outstanding.add(tracked);
    chunk = [];
    chunkBytes = 0;
  };
  const add = (line: Buffer): void => {
    chunk.push(toRecord(line));
    chunkBytes += line.length;
    if (chunk.length >= CHUNK_RECORDS || chunkBytes >= CHUNK_BYTES) dispatch();
  };

  for await (const data of input) {
    for (const line of splitter.push(typeof data === 'string' ? Buffer.from(data) : data))
      add(line);
    while (outstanding.size >= CHUNKS_IN_FLIGHT && failure === undefined)
      await Promise.race(outstanding);
    if (failure !== undefined) break;
  }
  if (failure === undefined) {
    const last = splitter.end();
    if (last !== undefined) add(last);
    dispatch();
  }
  await Promise.all(outstanding);
  if (failure !== undefined) throw failure;
  return acknowledged;
}
