/**
 * The record batch codec: Kafka's RecordBatch v2 layout (magic 2), the one format Brook uses
 * from the client through the broker's disk to followers and consumers (ARCHITECTURE.md,
 * decision 1).
 *
 * RecordBatch =>                      byte position
 *   baseOffset: int64                  0   rewritten by the broker when it assigns offsets
 *   batchLength: int32                 8   bytes that follow this field
 *   partitionLeaderEpoch: int32       12   the Raft term; rewritten by the leader
 *   magic: int8 (= 2)                 16
 *   crc: uint32                       17   CRC-32C of everything from attributes to the end
 *   attributes: int16                 21   bits 0-2 compression, 3 timestamp type
 *                                          (1 = log append time), 4 transactional, 5 control,
 *                                          6 has delete horizon
 *   lastOffsetDelta: int32            23
 *   baseTimestamp: int64              27
 *   maxTimestamp: int64               35
 *   producerId: int64                 43   -1 when not idempotent
 *   producerEpoch: int16              51
 *   baseSequence: int32               53
 *   recordCount: int32                57
 *   records: [Record]                 61   compressed as a whole when compression != 0
 *
 * Record =>
 *   length: varint                     bytes that follow
 *   attributes: int8                   unused, 0
 *   timestampDelta: varlong            relative to baseTimestamp
 *   offsetDelta: varint                relative to baseOffset
 *   keyLength: varint, key: bytes      -1 for a null key
 *   valueLength: varint, value: bytes  -1 for a null value (a tombstone)
 *   headerCount: varint
 *   Header => keyLength: varint, key: utf-8, valueLength: varint, value: bytes (-1 = null)
 *
 * baseOffset, batchLength and partitionLeaderEpoch lie outside the CRC on purpose, as in Kafka:
 * the broker rewrites them without re-checksumming. batchLength and magic are checked
 * structurally; offsets are checked for continuity by the log that stores the batch.
 */
import { isUtf8 } from 'node:buffer';
import { crc32c } from './crc32c.js';
import { compress, decompress, type CompressionCode } from './compression.js';
import { BrookError } from './errors.js';
import { ByteReader, ByteWriter, readInt64, varlongSize, viewOf, writeInt64 } from './varint.js';

export const BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the bytes before `batchLength` starts counting. */
export const LOG_OVERHEAD_BYTES = 12;
export const MAGIC_V2 = 2;

const POSITION_BATCH_LENGTH = 8;
const POSITION_LEADER_EPOCH = 12;
const POSITION_CRC = 17;
const POSITION_ATTRIBUTES = 21;
const POSITION_MAX_TIMESTAMP = 35;

const ATTRIBUTE_COMPRESSION_MASK = 0x07;
const ATTRIBUTE_LOG_APPEND_TIME = 0x08;
const ATTRIBUTE_TRANSACTIONAL = 0x10;
const ATTRIBUTE_CONTROL = 0x20;

export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;
export type TimestampTypeCode = (typeof TimestampType)[keyof typeof TimestampType];

export interface BatchHeader {
  readonly baseOffset: number;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
}

export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export interface RecordInput {
  readonly key?: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch; defaults to the batch's base timestamp. */
  readonly timestamp?: number;
}

export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

export interface DecodedBatch {
  readonly header: BatchHeader;
  readonly records: readonly DecodedRecord[];
}

export interface BatchOptions {
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
  readonly compression?: CompressionCode;
  readonly timestampType?: TimestampTypeCode;
  /** Used when a record has no timestamp of its own. */
  readonly defaultTimestamp: number;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
  readonly control?: boolean;
}

export const compressionOf = (header: BatchHeader): number =>
  header.attributes & ATTRIBUTE_COMPRESSION_MASK;
export const isLogAppendTime = (header: BatchHeader): boolean =>
  (header.attributes & ATTRIBUTE_LOG_APPEND_TIME) !== 0;
export const isTransactional = (header: BatchHeader): boolean =>
  (header.attributes & ATTRIBUTE_TRANSACTIONAL) !== 0;
export const isControl = (header: BatchHeader): boolean =>
  (header.attributes & ATTRIBUTE_CONTROL) !== 0;
export const lastOffsetOf = (header: BatchHeader): number =>
  header.baseOffset + header.lastOffsetDelta;
export const batchSizeOf = (header: BatchHeader): number => LOG_OVERHEAD_BYTES + header.batchLength;

/** Reads the header fields at `position`; the caller guarantees 61 bytes are there. */
export function readBatchHeader(buffer: Uint8Array, position = 0): BatchHeader {
  const view = viewOf(buffer);
  return {
    baseOffset: readInt64(buffer, position),
    batchLength: view.getInt32(position + 8),
    partitionLeaderEpoch: view.getInt32(position + 12),
    magic: view.getInt8(position + 16),
    crc: view.getUint32(position + 17),
    attributes: view.getInt16(position + 21),
    lastOffsetDelta: view.getInt32(position + 23),
    baseTimestamp: readInt64(buffer, position + 27),
    maxTimestamp: readInt64(buffer, position + 35),
    producerId: readInt64(buffer, position + 43),
    producerEpoch: view.getInt16(position + 51),
    baseSequence: view.getInt32(position + 53),
    recordCount: view.getInt32(position + 57),
  };
}

/**
 * Total size of the batch starting at `position` according to its length field, or undefined
 * when fewer than 12 bytes remain. Says nothing about whether the batch is valid.
 */
export function batchSizeAt(buffer: Uint8Array, position: number): number | undefined {
  if (buffer.length - position < LOG_OVERHEAD_BYTES) return undefined;
  return LOG_OVERHEAD_BYTES + viewOf(buffer).getInt32(position + POSITION_BATCH_LENGTH);
}

function corrupt(reason: string): BrookError {
  return new BrookError('CORRUPT_MESSAGE', `corrupt record batch: ${reason}`);
}

/**
 * Validates the batch at `position` that must end at or before `end`: framing, magic, CRC and
 * header sanity. Returns its header; throws `CORRUPT_MESSAGE` naming what is wrong.
 */
export function checkBatch(buffer: Uint8Array, position = 0, end = buffer.length): BatchHeader {
  const size = batchSizeAt(buffer, position);
  if (size === undefined || end - position < BATCH_HEADER_BYTES) {
    throw corrupt(`${end - position} bytes is shorter than a batch header`);
  }
  if (size < BATCH_HEADER_BYTES) throw corrupt(`batch length ${size - LOG_OVERHEAD_BYTES}`);
  if (position + size > end) {
    throw corrupt(`batch of ${size} bytes but only ${end - position} bytes present`);
  }
  const header = readBatchHeader(buffer, position);
  if (header.magic !== MAGIC_V2) throw corrupt(`magic ${header.magic}, expected 2`);
  const actual = crc32c(buffer.subarray(position + POSITION_ATTRIBUTES, position + size));
  if (actual !== header.crc) throw corrupt(`CRC-32C mismatch`);
  if (header.recordCount < 0) throw corrupt(`negative record count`);
  if (header.lastOffsetDelta < 0) throw corrupt(`negative last offset delta`);
  if (header.baseOffset < 0) throw corrupt(`negative base offset`);
  return header;
}

export interface BatchSpan {
  readonly position: number;
  readonly size: number;
  readonly header: BatchHeader;
}

/**
 * Splits back-to-back batches and validates each one (`checkBatch`); the whole buffer must be
 * whole batches. Bounded by the buffer: every iteration consumes at least a header.
 */
export function splitBatches(buffer: Uint8Array): BatchSpan[] {
  const spans: BatchSpan[] = [];
  let position = 0;
  while (position < buffer.length) {
    const header = checkBatch(buffer, position);
    const size = batchSizeOf(header);
    spans.push({ position, size, header });
    position += size;
  }
  return spans;
}

export function setBaseOffset(buffer: Uint8Array, position: number, baseOffset: number): void {
  writeInt64(buffer, position, baseOffset);
}

export function setPartitionLeaderEpoch(buffer: Uint8Array, position: number, epoch: number): void {
  viewOf(buffer).setInt32(position + POSITION_LEADER_EPOCH, epoch);
}

/**
 * Marks a batch as stamped with the broker's append time: sets the timestamp-type bit and
 * maxTimestamp, then recomputes the CRC (both fields are covered by it).
 */
export function setLogAppendTime(buffer: Uint8Array, position: number, timestamp: number): void {
  const view = viewOf(buffer);
  const size = LOG_OVERHEAD_BYTES + view.getInt32(position + POSITION_BATCH_LENGTH);
  const attributes = view.getInt16(position + POSITION_ATTRIBUTES);
  view.setInt16(position + POSITION_ATTRIBUTES, attributes | ATTRIBUTE_LOG_APPEND_TIME);
  writeInt64(buffer, position + POSITION_MAX_TIMESTAMP, timestamp);
  const crc = crc32c(buffer.subarray(position + POSITION_ATTRIBUTES, position + size));
  view.setUint32(position + POSITION_CRC, crc);
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function writeNullableBytes(writer: ByteWriter, data: Uint8Array | null | undefined): void {
  if (data === null || data === undefined) {
    writer.varint(-1);
    return;
  }
  writer.varint(data.length).bytes(data);
}

function writeRecord(
  writer: ByteWriter,
  body: ByteWriter,
  record: RecordInput,
  offsetDelta: number,
  timestampDelta: number,
): void {
  body.length = 0;
  body.int8(0).varlong(timestampDelta).varint(offsetDelta);
  writeNullableBytes(body, record.key);
  writeNullableBytes(body, record.value);
  const headers = record.headers ?? [];
  body.varint(headers.length);
  for (const header of headers) {
    const key = textEncoder.encode(header.key);
    body.varint(key.length).bytes(key);
    writeNullableBytes(body, header.value);
  }
  writer.varint(body.length).bytes(body.finish());
}

/** Encodes the records section (uncompressed) with offset deltas 0..n-1. */
export function encodeRecords(records: readonly RecordInput[], baseTimestamp: number): Buffer {
  const writer = new ByteWriter(records.length * 64 + 64);
  const body = new ByteWriter(256);
  records.forEach((record, index) => {
    const timestamp = record.timestamp ?? baseTimestamp;
    writeRecord(writer, body, record, index, timestamp - baseTimestamp);
  });
  return writer.finish();
}

function attributesOf(options: BatchOptions): number {
  let attributes = options.compression ?? 0;
  if (options.timestampType === TimestampType.logAppendTime) {
    attributes |= ATTRIBUTE_LOG_APPEND_TIME;
  }
  if (options.transactional === true) attributes |= ATTRIBUTE_TRANSACTIONAL;
  if (options.control === true) attributes |= ATTRIBUTE_CONTROL;
  return attributes;
}

/**
 * Encodes records as one batch. Offsets inside are deltas 0..n-1 from `baseOffset` (0 unless
 * given: the broker assigns the real one). Throws on an empty record list.
 */
export async function encodeBatch(
  records: readonly RecordInput[],
  options: BatchOptions,
): Promise<Buffer> {
  if (records.length === 0) throw new BrookError('INVALID_REQUEST', 'a batch needs a record');
  let baseTimestamp = Number.POSITIVE_INFINITY;
  let maxTimestamp = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const timestamp = record.timestamp ?? options.defaultTimestamp;
    if (!Number.isSafeInteger(timestamp)) {
      throw new BrookError('INVALID_RECORD', `record timestamp ${timestamp} is not an integer`);
    }
    baseTimestamp = Math.min(baseTimestamp, timestamp);
    maxTimestamp = Math.max(maxTimestamp, timestamp);
  }
  const withTimestamps = records.map((record) =>
    record.timestamp === undefined ? { ...record, timestamp: options.defaultTimestamp } : record,
  );
  const plain = encodeRecords(withTimestamps, baseTimestamp);
  const compression = options.compression ?? 0;
  const body = compression === 0 ? plain : await compress(compression, plain);
  return assembleBatch(body, records.length, baseTimestamp, maxTimestamp, options);
}

function assembleBatch(
  body: Uint8Array,
  recordCount: number,
  baseTimestamp: number,
  maxTimestamp: number,
  options: BatchOptions,
): Buffer {
  const writer = new ByteWriter(BATCH_HEADER_BYTES + body.length);
  writer
    .int64(options.baseOffset ?? 0)
    .int32(BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES + body.length)
    .int32(options.partitionLeaderEpoch ?? -1)
    .int8(MAGIC_V2)
    .uint32(0)
    .int16(attributesOf(options))
    .int32(recordCount - 1)
    .int64(baseTimestamp)
    .int64(maxTimestamp)
    .int64(options.producerId ?? -1)
    .int16(options.producerEpoch ?? -1)
    .int32(options.baseSequence ?? -1)
    .int32(recordCount)
    .bytes(body);
  const batch = writer.finish();
  writer.patchUint32(POSITION_CRC, crc32c(batch.subarray(POSITION_ATTRIBUTES)));
  return batch;
}

function readNullableBytes(reader: ByteReader): Uint8Array | null {
  const length = reader.varint();
  if (length < -1) throw corrupt(`negative length ${length}`);
  return length === -1 ? null : reader.bytes(length);
}

function readRecord(reader: ByteReader, header: BatchHeader): DecodedRecord {
  const length = reader.varint();
  if (length < 0 || length > reader.remaining) throw corrupt(`record length ${length}`);
  const end = reader.position + length;
  const body = new ByteReader(reader.bytes(length));
  body.int8();
  const timestampDelta = body.varlong();
  const offsetDelta = body.varint();
  const key = readNullableBytes(body);
  const value = readNullableBytes(body);
  const headerCount = body.varint();
  if (headerCount < 0 || headerCount > body.remaining) {
    throw corrupt(`header count ${headerCount}`);
  }
  const headers: RecordHeader[] = [];
  for (let index = 0; index < headerCount; index++) {
    const keyBytes = readNullableBytes(body);
    if (keyBytes === null) throw corrupt('null header key');
    headers.push({ key: decodeUtf8(keyBytes), value: readNullableBytes(body) });
  }
  if (body.remaining !== 0) throw corrupt('record has trailing bytes');
  reader.position = end;
  const timestamp = isLogAppendTime(header)
    ? header.maxTimestamp
    : header.baseTimestamp + timestampDelta;
  return { offset: header.baseOffset + offsetDelta, timestamp, key, value, headers };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch (error) {
    throw new BrookError('CORRUPT_MESSAGE', 'header key is not UTF-8', { cause: error });
  }
}

/** Parses a records section that holds exactly `header.recordCount` records. */
export function decodeRecords(section: Uint8Array, header: BatchHeader): DecodedRecord[] {
  const reader = new ByteReader(section);
  const records: DecodedRecord[] = [];
  for (let index = 0; index < header.recordCount; index++) {
    if (reader.remaining === 0) throw corrupt(`${index} of ${header.recordCount} records`);
    records.push(readRecord(reader, header));
  }
  if (reader.remaining !== 0) throw corrupt(`${reader.remaining} bytes after the last record`);
  return records;
}

/** Validates and decodes one whole batch (decompressing when needed). */
export async function decodeBatch(buffer: Uint8Array, position = 0): Promise<DecodedBatch> {
  const header = checkBatch(buffer, position);
  const section = buffer.subarray(position + BATCH_HEADER_BYTES, position + batchSizeOf(header));
  const compression = compressionOf(header);
  const plain = compression === 0 ? section : await decompress(compression, section);
  return { header, records: decodeRecords(plain, header) };
}

/**
 * Checks what a producer sent beyond the header, before the broker stores it: the record count
 * agrees with the last offset delta, no control batch, and the records section (decompressed,
 * within the size limit, when compressed) holds exactly `recordCount` well-formed records whose
 * offset deltas run 0..n-1. A batch that passes can always be decoded by consumers; one that
 * fails is refused whole, so it can never become a poison pill in the log.
 */
export async function checkProducedBatch(buffer: Uint8Array, span: BatchSpan): Promise<void> {
  const { header } = span;
  if (header.recordCount === 0) throw corrupt('no records');
  if (header.lastOffsetDelta !== header.recordCount - 1) {
    throw corrupt(`last offset delta ${header.lastOffsetDelta} for ${header.recordCount} records`);
  }
  if (isControl(header)) throw corrupt('producers may not send control batches');
  const section = buffer.subarray(span.position + BATCH_HEADER_BYTES, span.position + span.size);
  const compression = compressionOf(header);
  const plain = compression === 0 ? section : await decompress(compression, section);
  checkRecordsFraming(plain, header.recordCount);
}

/**
 * Walks `recordCount` records without materialising them (no allocation per record): lengths,
 * varints, offset deltas 0..n-1, nothing left over. Throws CORRUPT_MESSAGE.
 */
export function checkRecordsFraming(section: Uint8Array, recordCount: number): void {
  const reader = new ByteReader(section);
  for (let index = 0; index < recordCount; index++) {
    const length = reader.varint();
    if (length < 0 || length > reader.remaining) throw corrupt(`record ${index} length ${length}`);
    const end = reader.position + length;
    reader.int8();
    reader.varlong();
    const offsetDelta = reader.varint();
    if (offsetDelta !== index) throw corrupt(`record ${index} has offset delta ${offsetDelta}`);
    skipNullableBytes(reader);
    skipNullableBytes(reader);
    const headerCount = reader.varint();
    if (headerCount < 0 || headerCount > end - reader.position) {
      throw corrupt(`header count ${headerCount}`);
    }
    for (let header = 0; header < headerCount; header++) {
      const keyLength = reader.varint();
      if (keyLength < 0) throw corrupt('null header key');
      // Consumers decode header keys as strict UTF-8: a bad key stored would fail every fetch.
      if (!isUtf8(reader.bytes(keyLength))) throw corrupt('header key is not UTF-8');
      skipNullableBytes(reader);
    }
    if (reader.position !== end) throw corrupt(`record ${index} does not end at its length`);
  }
  if (reader.remaining !== 0) throw corrupt(`${reader.remaining} bytes after the last record`);
}

function skipNullableBytes(reader: ByteReader): void {
  const length = reader.varint();
  if (length < -1) throw corrupt(`negative length ${length}`);
  if (length > 0) reader.skip(length);
}

/** Exposed for size estimates in the producer's batching. */
export function recordSizeEstimate(record: RecordInput): number {
  let size = 1 + varlongSize(0) + 5;
  size += 5 + (record.key?.length ?? 0);
  size += 5 + (record.value?.length ?? 0);
  for (const header of record.headers ?? []) {
    size += 10 + header.key.length * 3 + (header.value?.length ?? 0);
  }
  return size + 5;
}
