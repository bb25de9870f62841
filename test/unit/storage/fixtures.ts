/**
 * Shared helpers for the storage tests: batches built with the real codec, a log on the
 * in-memory file system, a logger that keeps what it was told.
 */
import { decodeBatch, encodeBatch, splitBatches } from '../../../src/protocol/record-batch.js';
import type { BatchOptions, RecordInput } from '../../../src/protocol/record-batch.js';
import { PartitionLog } from '../../../src/storage/partition-log.js';
import type { LogConfig } from '../../../src/storage/log-config.js';
import type { Clock, FileSystem, Logger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';

export const DIRECTORY = '/data/topics/events/0';
export const BASE_TIME_MS = 1_700_000_000_000;

export interface MakeBatchOptions {
  /** Timestamps of the records (their count is the record count unless `count` is given). */
  readonly timestamps?: readonly number[];
  readonly count?: number;
  readonly term?: number;
  readonly baseOffset?: number;
  readonly valueBytes?: number;
  readonly compression?: BatchOptions['compression'];
}

/** A batch of `count` records (default 1) with values "v<i>" padded to valueBytes. */
export async function makeBatch(options: MakeBatchOptions = {}): Promise<Buffer> {
  const count = options.count ?? options.timestamps?.length ?? 1;
  const records: RecordInput[] = [];
  for (let index = 0; index < count; index++) {
    const value = Buffer.alloc(options.valueBytes ?? 8, `v${index}-`);
    const timestamp = options.timestamps?.[index];
    records.push(timestamp === undefined ? { value } : { value, timestamp });
  }
  return encodeBatch(records, {
    defaultTimestamp: BASE_TIME_MS,
    baseOffset: options.baseOffset ?? 0,
    partitionLeaderEpoch: options.term ?? 0,
    ...(options.compression === undefined ? {} : { compression: options.compression }),
  });
}

export interface LoggedLine {
  readonly level: string;
  readonly object: object;
  readonly message: string | undefined;
}

export class RecordingLogger implements Logger {
  readonly lines: LoggedLine[] = [];
  debug(object: object, message?: string): void {
    this.lines.push({ level: 'debug', object, message });
  }
  info(object: object, message?: string): void {
    this.lines.push({ level: 'info', object, message });
  }
  warn(object: object, message?: string): void {
    this.lines.push({ level: 'warn', object, message });
  }
  error(object: object, message?: string): void {
    this.lines.push({ level: 'error', object, message });
  }
  child(): Logger {
    return this;
  }
  messages(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message ?? '');
  }
}

export interface Harness {
  fs: MemoryFileSystem;
  clock: ManualClock;
  logger: RecordingLogger;
}

export function harness(seed = 1): Harness {
  return {
    fs: new MemoryFileSystem(new SeededRandom(seed)),
    clock: new ManualClock(BASE_TIME_MS),
    logger: new RecordingLogger(),
  };
}

export function openLog(
  setup: { fs: FileSystem; clock: Clock; logger: Logger },
  config: Partial<LogConfig> = {},
  directory = DIRECTORY,
): Promise<PartitionLog> {
  return PartitionLog.open({ ...setup, directory, config });
}

export interface BatchSummary {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly term: number;
}

/** The batches of a read result, checked with their CRCs. */
export function batchesIn(data: Uint8Array): BatchSummary[] {
  return splitBatches(data).map(({ header }) => ({
    baseOffset: header.baseOffset,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    term: header.partitionLeaderEpoch,
  }));
}

/** Offsets of every record in a read result. */
export async function recordOffsetsIn(data: Uint8Array): Promise<number[]> {
  const offsets: number[] = [];
  for (const span of splitBatches(data)) {
    const decoded = await decodeBatch(data.subarray(span.position, span.position + span.size));
    offsets.push(...decoded.records.map((record) => record.offset));
  }
  return offsets;
}

/** Reads the whole log (logStartOffset to the written end) in one go. */
export async function readAll(log: PartitionLog): Promise<Buffer> {
  const result = await log.read(log.logStartOffset, Number.MAX_SAFE_INTEGER);
  return result.data;
}

/** Appends `count` single-record batches (each awaited), returning their offsets. */
export async function appendMany(
  log: PartitionLog,
  count: number,
  options: MakeBatchOptions = {},
): Promise<number[]> {
  const offsets: number[] = [];
  for (let index = 0; index < count; index++) {
    const result = await log.append(await makeBatch(options), { term: options.term ?? 0 });
    offsets.push(result.baseOffset);
  }
  return offsets;
}
