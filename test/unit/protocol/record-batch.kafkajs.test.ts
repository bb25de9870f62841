/**
 * Compatibility with Kafka's real RecordBatch v2 format, with kafkajs 2 as the oracle: kafkajs
 * has its own encoder, decoder, varint code and CRC-32C table, written against the Kafka
 * protocol guide and used against real Kafka brokers for years. Its record batch code is
 * internal, so it is loaded by path (node_modules/kafkajs/src/protocol/...).
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crc32c } from '../../../src/protocol/crc32c.js';
import {
  TimestampType,
  checkProducedBatch,
  decodeBatch,
  encodeBatch,
  setLogAppendTime,
  splitBatches,
  type RecordHeader,
  type RecordInput,
} from '../../../src/protocol/record-batch.js';
import { ByteReader, ByteWriter } from '../../../src/protocol/varint.js';
import {
  bytesArbitrary,
  comparable,
  expectedRecords,
  headerKeyArbitrary,
  timestampArbitrary,
} from './record-batch-arbitraries.js';

// --- kafkajs internals, typed as far as these tests use them -------------------------------

interface KafkaEncoder {
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkaEncoder;
  writeVarLong(value: number | bigint): KafkaEncoder;
}
type KafkaHeaders = Record<string, Buffer | Buffer[]>;
interface KafkaRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaHeaders;
}
interface KafkaBatchInput {
  compression: number;
  firstOffset: unknown;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  transactional: boolean;
  producerId: unknown;
  producerEpoch: number;
  firstSequence: number;
  records: KafkaEncoder[];
}
interface KafkaDecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
}
interface KafkaDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  timestampType: number;
  records: KafkaDecodedRecord[];
}
interface KafkaDecoder {
  readVarInt(): number;
  readVarLong(): { toString(): string };
}

const require = createRequire(import.meta.url);
const kafkaProtocol = 'kafkajs/src/protocol';
const { RecordBatch } = require(`${kafkaProtocol}/recordBatch/v0/index.js`) as {
  RecordBatch: (input: KafkaBatchInput) => Promise<KafkaEncoder>;
};
const KafkaRecord = require(`${kafkaProtocol}/recordBatch/record/v0/index.js`) as (
  input: KafkaRecordInput,
) => KafkaEncoder;
const decodeKafkaBatch = require(`${kafkaProtocol}/recordBatch/v0/decoder.js`) as (
  decoder: KafkaDecoder,
) => Promise<KafkaDecodedBatch>;
const KafkaDecoderClass = require(`${kafkaProtocol}/decoder.js`) as new (
  buffer: Buffer,
) => KafkaDecoder;
const KafkaEncoderClass = require(`${kafkaProtocol}/encoder.js`) as new () => KafkaEncoder;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(value: number): unknown };
const kafkaCrc32c = require(`${kafkaProtocol}/recordBatch/crc32C/index.js`) as (
  buffer: Buffer,
) => number;

// --- generating records both encoders can express -----------------------------------------

/**
 * kafkajs takes headers as an object (key -> value or values) and cannot encode a null header
 * value; keys that exist on Object.prototype confuse its decoder. Records for the kafkajs ->
 * Brook direction avoid those; headers are listed in the order kafkajs writes them.
 */
const kafkaHeaderKey = headerKeyArbitrary.filter((key) => !(key in {}));
const kafkaRecordArbitrary = fc.record({
  key: bytesArbitrary(32),
  value: bytesArbitrary(64),
  headers: fc.array(fc.record({ key: kafkaHeaderKey, value: fc.uint8Array({ maxLength: 16 }) }), {
    maxLength: 4,
  }),
  timestamp: timestampArbitrary,
});

interface Generated {
  records: (RecordInput & { timestamp: number })[];
  kafkaHeaders: KafkaHeaders[];
}

function inKafkaOrder(headers: readonly { key: string; value: Uint8Array }[]): {
  list: RecordHeader[];
  object: KafkaHeaders;
} {
  const object = Object.create(null) as Record<string, Buffer[]>;
  for (const header of headers) (object[header.key] ??= []).push(Buffer.from(header.value));
  const list = Object.keys(object).flatMap((key) =>
    (object[key] ?? []).map((value) => ({ key, value: value })),
  );
  return { list, object };
}

const generatedArbitrary: fc.Arbitrary<Generated> = fc
  .array(kafkaRecordArbitrary, { minLength: 1, maxLength: 10 })
  .map((raw) => {
    const ordered = raw.map((record) => inKafkaOrder(record.headers));
    return {
      records: raw.map((record, index) => ({
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: ordered[index]!.list,
      })),
      kafkaHeaders: ordered.map((headers) => headers.object),
    };
  });

const toBuffer = (data: Uint8Array | null | undefined): Buffer | null =>
  data === null || data === undefined ? null : Buffer.from(data);

interface BatchFields {
  baseOffset: number;
  partitionLeaderEpoch: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  compression: 0 | 1;
}

const fieldsArbitrary = (compression: 0 | 1): fc.Arbitrary<BatchFields> =>
  fc.record({
    baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
    partitionLeaderEpoch: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    producerId: fc.integer({ min: -1, max: 2 ** 40 }),
    producerEpoch: fc.integer({ min: 0, max: 32767 }),
    baseSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    compression: fc.constant(compression),
  });

async function kafkajsEncode(generated: Generated, fields: BatchFields): Promise<Buffer> {
  const timestamps = generated.records.map((record) => record.timestamp);
  const firstTimestamp = Math.min(...timestamps);
  const records = generated.records.map((record, index) =>
    KafkaRecord({
      offsetDelta: index,
      timestampDelta: record.timestamp - firstTimestamp,
      key: toBuffer(record.key),
      value: toBuffer(record.value),
      headers: generated.kafkaHeaders[index]!,
    }),
  );
  const encoder = await RecordBatch({
    compression: fields.compression,
    firstOffset: Long.fromValue(fields.baseOffset),
    firstTimestamp,
    maxTimestamp: Math.max(...timestamps),
    partitionLeaderEpoch: fields.partitionLeaderEpoch,
    lastOffsetDelta: records.length - 1,
    transactional: false,
    producerId: Long.fromValue(fields.producerId),
    producerEpoch: fields.producerEpoch,
    firstSequence: fields.baseSequence,
    records,
  });
  return encoder.buffer;
}

function brookEncode(records: readonly RecordInput[], fields: BatchFields): Promise<Buffer> {
  return encodeBatch(records, {
    defaultTimestamp: 0,
    baseOffset: fields.baseOffset,
    partitionLeaderEpoch: fields.partitionLeaderEpoch,
    producerId: fields.producerId,
    producerEpoch: fields.producerEpoch,
    baseSequence: fields.baseSequence,
    compression: fields.compression,
  });
}

async function kafkajsDecode(batch: Buffer): Promise<KafkaDecodedBatch> {
  return decodeKafkaBatch(new KafkaDecoderClass(batch));
}

/** kafkajs' decoded records in the shape of `comparable`. */
function comparableFromKafkajs(batch: KafkaDecodedBatch): ReturnType<typeof comparable> {
  const hex = (data: Buffer | null): string | null => (data === null ? null : data.toString('hex'));
  return batch.records.map((record) => ({
    offset: Number(record.offset),
    timestamp: Number(record.timestamp),
    key: hex(record.key),
    value: hex(record.value),
    headers: Object.entries(record.headers).flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((item) => ({ key, value: hex(item) })),
    ),
  }));
}

// --- the tests ---------------------------------------------------------------------------------

describe.each([
  ['uncompressed', 0 as const],
  ['gzip', 1 as const],
])('kafkajs compatibility, %s', (_name, compression) => {
  test('a batch from kafkajs’s encoder passes our checks and decodes to the same records', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedArbitrary,
        fieldsArbitrary(compression),
        async (generated, fields) => {
          const batch = await kafkajsEncode(generated, fields);
          const [span] = splitBatches(batch); // framing and CRC-32C as kafkajs computed it
          await checkProducedBatch(batch, span!);
          const decoded = await decodeBatch(batch);
          expect(decoded.header).toMatchObject({
            baseOffset: fields.baseOffset,
            partitionLeaderEpoch: fields.partitionLeaderEpoch,
            producerId: fields.producerId,
            producerEpoch: fields.producerEpoch,
            baseSequence: fields.baseSequence,
            recordCount: generated.records.length,
            lastOffsetDelta: generated.records.length - 1,
            attributes: compression,
          });
          expect(comparable(decoded.records)).toEqual(
            expectedRecords(generated.records, fields.baseOffset, (record) => record.timestamp!),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('our encoder writes the same bytes, CRC included, as kafkajs’s', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedArbitrary,
        fieldsArbitrary(compression),
        async (generated, fields) => {
          const theirs = await kafkajsEncode(generated, fields);
          const ours = await brookEncode(generated.records, fields);
          expect(ours.toString('hex')).toBe(theirs.toString('hex'));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('kafkajs’s decoder reads our batches (null header values included)', async () => {
    const recordArbitrary = fc.record({
      key: bytesArbitrary(32),
      value: bytesArbitrary(64),
      // Unique keys: kafkajs decodes headers into an object keyed by header key.
      headers: fc.uniqueArray(fc.record({ key: kafkaHeaderKey, value: bytesArbitrary(16) }), {
        maxLength: 4,
        selector: (header) => header.key,
      }),
      timestamp: timestampArbitrary,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArbitrary, { minLength: 1, maxLength: 10 }),
        fieldsArbitrary(compression),
        async (records, fields) => {
          // The header object's key order is the order kafkajs reports them in.
          const inObjectOrder = records.map((record) => {
            const byKey = new Map(record.headers.map((header) => [header.key, header]));
            const order = Object.keys(Object.fromEntries(byKey));
            return { ...record, headers: order.map((key) => byKey.get(key)!) };
          });
          const decoded = await kafkajsDecode(await brookEncode(records, fields));
          expect(decoded).toMatchObject({
            firstOffset: String(fields.baseOffset),
            partitionLeaderEpoch: fields.partitionLeaderEpoch,
            producerId: String(fields.producerId),
            producerEpoch: fields.producerEpoch,
            firstSequence: fields.baseSequence,
            lastOffsetDelta: records.length - 1,
            inTransaction: false,
          });
          expect(comparableFromKafkajs(decoded)).toEqual(
            expectedRecords(inObjectOrder, fields.baseOffset, (record) => record.timestamp!),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('kafkajs reads our LogAppendTime stamp as every record’s timestamp', async () => {
    const records = [
      { value: Buffer.from('a'), timestamp: 1000 },
      { value: null, timestamp: 2000 },
    ];
    const batch = await encodeBatch(records, {
      defaultTimestamp: 0,
      compression,
      timestampType: TimestampType.logAppendTime,
    });
    setLogAppendTime(batch, 0, 1_700_000_000_123);
    const decoded = await kafkajsDecode(batch);
    expect(decoded.records.map((record) => record.timestamp)).toEqual([
      '1700000000123',
      '1700000000123',
    ]);
  });
});

describe('kafkajs compatibility of the building blocks', () => {
  test('transactional batches set the same attribute bit as kafkajs', async () => {
    const encoder = await RecordBatch({
      compression: 0,
      firstOffset: Long.fromValue(0),
      firstTimestamp: 5,
      maxTimestamp: 5,
      partitionLeaderEpoch: 0,
      lastOffsetDelta: 0,
      transactional: true,
      producerId: Long.fromValue(7),
      producerEpoch: 1,
      firstSequence: 0,
      records: [
        KafkaRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: null, headers: {} }),
      ],
    });
    const ours = await encodeBatch([{ value: null, timestamp: 5 }], {
      defaultTimestamp: 0,
      partitionLeaderEpoch: 0,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 0,
      transactional: true,
    });
    expect(ours.toString('hex')).toBe(encoder.buffer.toString('hex'));
  });

  test('CRC-32C agrees with kafkajs’s table implementation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(crc32c(data)).toBe(kafkaCrc32c(Buffer.from(data)) >>> 0);
      }),
    );
  });

  test('varint and varlong bytes match kafkajs’s encoder and decoder', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.maxSafeInteger(),
        (small, large) => {
          const ours = new ByteWriter().varint(small).varlong(large).finish();
          const theirs = new KafkaEncoderClass().writeVarInt(small).writeVarLong(large).buffer;
          expect(Buffer.from(ours).toString('hex')).toBe(theirs.toString('hex'));
          const decoder = new KafkaDecoderClass(Buffer.from(ours));
          expect(decoder.readVarInt()).toBe(small);
          expect(decoder.readVarLong().toString()).toBe(String(large));
          const reader = new ByteReader(theirs);
          expect(reader.varint()).toBe(small);
          expect(reader.varlong()).toBe(large);
        },
      ),
      { numRuns: 500 },
    );
  });
});
