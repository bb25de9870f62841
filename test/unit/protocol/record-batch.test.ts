import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Compression, type CompressionCode } from '../../../src/protocol/compression.js';
import { crc32c } from '../../../src/protocol/crc32c.js';
import { BrookError } from '../../../src/protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  LOG_OVERHEAD_BYTES,
  TimestampType,
  batchSizeAt,
  batchSizeOf,
  checkBatch,
  checkProducedBatch,
  compressionOf,
  decodeBatch,
  encodeBatch,
  isControl,
  isLogAppendTime,
  isTransactional,
  lastOffsetOf,
  readBatchHeader,
  recordSizeEstimate,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  splitBatches,
  type BatchOptions,
  type RecordInput,
} from '../../../src/protocol/record-batch.js';
import { ByteWriter } from '../../../src/protocol/varint.js';
import { expectBrookError, expectBrookErrorAsync } from '../../support/expect-brook-error.js';
import {
  comparable,
  expectedRecords,
  recordsArbitrary,
  timestampArbitrary,
} from './record-batch-arbitraries.js';

const NOW = 1_700_000_000_000;
const CODECS = [Compression.none, Compression.gzip, Compression.lz4, Compression.zstd] as const;
const codecArbitrary = fc.constantFrom(...CODECS);

// Byte positions from the layout comment in record-batch.ts.
const POSITION_BATCH_LENGTH = 8;
const POSITION_LEADER_EPOCH = 12;
const POSITION_MAGIC = 16;
const POSITION_CRC = 17;
const POSITION_ATTRIBUTES = 21;
const POSITION_LAST_OFFSET_DELTA = 23;
const POSITION_RECORD_COUNT = 57;

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function encode(
  records: readonly RecordInput[],
  options: Partial<BatchOptions> = {},
): Promise<Buffer> {
  return encodeBatch(records, { defaultTimestamp: NOW, ...options });
}

/** Recomputes the CRC of the batch at `position` the way a (malicious) producer would. */
function recrc(batch: Uint8Array, position = 0): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const end = position + LOG_OVERHEAD_BYTES + view.getInt32(position + POSITION_BATCH_LENGTH);
  view.setUint32(
    position + POSITION_CRC,
    crc32c(batch.subarray(position + POSITION_ATTRIBUTES, end)),
  );
}

/** A copy of `batch` with header fields edited and the CRC made valid again. */
function patched(batch: Uint8Array, edit: (view: DataView) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(new DataView(copy.buffer, copy.byteOffset, copy.byteLength));
  recrc(copy);
  return copy;
}

/** The header of `template` over a hand-made records section, with a valid CRC. */
function withSection(
  template: Uint8Array,
  section: Uint8Array,
  recordCount: number,
  lastOffsetDelta = recordCount - 1,
): Buffer {
  const batch = Buffer.concat([template.subarray(0, BATCH_HEADER_BYTES), section]);
  return patched(batch, (view) => {
    view.setInt32(POSITION_BATCH_LENGTH, batch.length - LOG_OVERHEAD_BYTES);
    view.setInt32(POSITION_LAST_OFFSET_DELTA, lastOffsetDelta);
    view.setInt32(POSITION_RECORD_COUNT, recordCount);
  });
}

interface RawRecord {
  offsetDelta: number;
  timestampDelta?: number;
  key?: Uint8Array | null;
  value?: Uint8Array | null;
  /** Header keys as raw bytes (null for a null key) so that invalid ones can be written. */
  headers?: { key: Uint8Array | null; value: Uint8Array | null }[];
}

/** Writes one record by hand, following the Record grammar, independently of encodeRecords. */
function rawRecord(record: RawRecord): Buffer {
  const nullable = (writer: ByteWriter, data: Uint8Array | null | undefined): void => {
    if (data === null || data === undefined) writer.varint(-1);
    else writer.varint(data.length).bytes(data);
  };
  const body = new ByteWriter();
  body
    .int8(0)
    .varlong(record.timestampDelta ?? 0)
    .varint(record.offsetDelta);
  nullable(body, record.key);
  nullable(body, record.value);
  const headers = record.headers ?? [];
  body.varint(headers.length);
  for (const header of headers) {
    nullable(body, header.key);
    nullable(body, header.value);
  }
  const framed = new ByteWriter();
  framed.varint(body.length).bytes(body.finish());
  return Buffer.from(framed.finish());
}

function isDetected(batch: Uint8Array): boolean {
  try {
    checkBatch(batch);
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(BrookError);
    expect((error as BrookError).code).toBe('CORRUPT_MESSAGE');
    return true;
  }
}

describe('encodeBatch / decodeBatch round trip', () => {
  test.each(CODECS)(
    'codec %i: arbitrary records (null/empty/non-empty keys, values, headers) decode as given',
    async (compression) => {
      await fc.assert(
        fc.asyncProperty(
          recordsArbitrary(),
          fc.maxSafeInteger().map(Math.abs),
          async (records, baseOffset) => {
            const batch = await encode(records, { compression, baseOffset });
            const decoded = await decodeBatch(batch);
            expect(comparable(decoded.records)).toEqual(
              expectedRecords(records, baseOffset, (record) => record.timestamp ?? NOW),
            );
            expect(compressionOf(decoded.header)).toBe(compression);
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  test('a header key that starts with a byte-order mark keeps it (fast-check seed -75921916)', async () => {
    const batch = await encode([{ value: bytes('v'), headers: [{ key: '\uFEFF', value: null }] }]);
    const decoded = await decodeBatch(batch);
    expect(decoded.records[0]?.headers.map((header) => header.key)).toEqual(['\uFEFF']);
  });

  test('a record without a timestamp takes defaultTimestamp', async () => {
    const batch = await encode([{ value: bytes('a') }, { value: bytes('b'), timestamp: NOW + 5 }]);
    const decoded = await decodeBatch(batch);
    expect(decoded.records.map((record) => record.timestamp)).toEqual([NOW, NOW + 5]);
    expect(decoded.header.baseTimestamp).toBe(NOW);
    expect(decoded.header.maxTimestamp).toBe(NOW + 5);
  });

  test('records in any timestamp order decode with their own timestamps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(timestampArbitrary, { minLength: 1, maxLength: 20 }),
        async (times) => {
          const batch = await encode(times.map((timestamp) => ({ value: null, timestamp })));
          const { header, records } = await decodeBatch(batch);
          expect(records.map((record) => record.timestamp)).toEqual(times);
          expect(header.baseTimestamp).toBe(Math.min(...times));
          expect(header.maxTimestamp).toBe(Math.max(...times));
        },
      ),
      { numRuns: 50 },
    );
  });

  test('an empty record list is INVALID_REQUEST', async () => {
    await expectBrookErrorAsync(() => encode([]), 'INVALID_REQUEST');
  });

  test.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'a non-integer or unsafe timestamp (%d) is INVALID_RECORD',
    async (timestamp) => {
      await expectBrookErrorAsync(() => encode([{ value: null, timestamp }]), 'INVALID_RECORD');
    },
  );

  test('a batch of 2000 records with 10 KiB values round trips (multi-byte varints)', async () => {
    const records = Array.from({ length: 2000 }, (_, index) => ({
      key: bytes(`key-${index}`),
      value: index % 100 === 0 ? Buffer.alloc(10 * 1024, index % 256) : bytes(String(index)),
      timestamp: NOW + index * 1000,
    }));
    const decoded = await decodeBatch(await encode(records, { compression: Compression.lz4 }));
    expect(comparable(decoded.records)).toEqual(
      expectedRecords(records, 0, (record) => record.timestamp ?? NOW),
    );
  });
});

describe('batch header', () => {
  test('carries every field as given, with the CRC over attributes..end', async () => {
    const records = [
      { value: bytes('a'), timestamp: NOW + 20 },
      { value: bytes('b'), timestamp: NOW + 10 },
      { value: bytes('c'), timestamp: NOW + 30 },
    ];
    const batch = await encode(records, {
      baseOffset: 1000,
      partitionLeaderEpoch: 7,
      compression: Compression.gzip,
      timestampType: TimestampType.logAppendTime,
      producerId: 12_345_678_901,
      producerEpoch: 3,
      baseSequence: 42,
      transactional: true,
    });
    const header = checkBatch(batch);
    expect(header).toEqual({
      baseOffset: 1000,
      batchLength: batch.length - LOG_OVERHEAD_BYTES,
      partitionLeaderEpoch: 7,
      magic: 2,
      crc: crc32c(batch.subarray(POSITION_ATTRIBUTES)),
      attributes: 0x01 | 0x08 | 0x10,
      lastOffsetDelta: 2,
      baseTimestamp: NOW + 10,
      maxTimestamp: NOW + 30,
      producerId: 12_345_678_901,
      producerEpoch: 3,
      baseSequence: 42,
      recordCount: 3,
    });
    expect(readBatchHeader(batch)).toEqual(header);
    expect(compressionOf(header)).toBe(Compression.gzip);
    expect(isLogAppendTime(header)).toBe(true);
    expect(isTransactional(header)).toBe(true);
    expect(isControl(header)).toBe(false);
    expect(lastOffsetOf(header)).toBe(1002);
    expect(batchSizeOf(header)).toBe(batch.length);
    expect(batchSizeAt(batch, 0)).toBe(batch.length);
  });

  test('defaults: offset 0, epoch -1, no producer (-1/-1/-1), create time, not transactional', async () => {
    const header = checkBatch(await encode([{ value: null }]));
    expect(header).toMatchObject({
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      attributes: 0,
      lastOffsetDelta: 0,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 1,
    });
  });

  test('the control flag is attribute bit 5', async () => {
    const header = checkBatch(await encode([{ value: null }], { control: true }));
    expect(header.attributes).toBe(0x20);
    expect(isControl(header)).toBe(true);
  });

  test('an uncompressed batch is 61 header bytes plus its records', async () => {
    const record = { key: bytes('k'), value: bytes('v'), timestamp: NOW };
    const batch = await encode([record]);
    // length 1 + attributes 1 + timestampDelta 1 + offsetDelta 1 + key 2 + value 2 + headers 1
    expect(batch.length).toBe(BATCH_HEADER_BYTES + 9);
  });

  test('batchSizeAt is undefined with fewer than 12 bytes left', () => {
    expect(batchSizeAt(new Uint8Array(11), 0)).toBeUndefined();
    expect(batchSizeAt(new Uint8Array(20), 9)).toBeUndefined();
  });
});

describe('LogAppendTime', () => {
  test.each(CODECS)(
    'codec %i: every record decodes with the batch maxTimestamp',
    async (compression) => {
      const records = [10, 30, 20].map((delta) => ({ value: null, timestamp: NOW + delta }));
      const batch = await encode(records, {
        compression,
        timestampType: TimestampType.logAppendTime,
      });
      const decoded = await decodeBatch(batch);
      expect(decoded.records.map((record) => record.timestamp)).toEqual([
        NOW + 30,
        NOW + 30,
        NOW + 30,
      ]);
    },
  );

  test('setLogAppendTime stamps the batch, keeps the CRC valid and leaves neighbours alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary(6),
        recordsArbitrary(6),
        codecArbitrary,
        timestampArbitrary,
        async (first, second, compression, appendTime) => {
          const one = await encode(first, { compression });
          const two = await encode(second, { compression, baseOffset: first.length });
          const log = Buffer.concat([one, two]);
          setLogAppendTime(log, one.length, appendTime);
          expect(Buffer.compare(log.subarray(0, one.length), one)).toBe(0);
          const header = checkBatch(log, one.length);
          expect(isLogAppendTime(header)).toBe(true);
          expect(compressionOf(header)).toBe(compression);
          expect(header.maxTimestamp).toBe(appendTime);
          const decoded = await decodeBatch(log, one.length);
          expect(decoded.records.map((record) => record.timestamp)).toEqual(
            second.map(() => appendTime),
          );
          expect(comparable(decoded.records).map((record) => record.value)).toEqual(
            comparable((await decodeBatch(two)).records).map((record) => record.value),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('corruption detection', () => {
  const MASKS = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff];

  async function smallBatch(): Promise<Buffer> {
    return encode(
      [
        { key: bytes('k'), value: bytes('value'), headers: [{ key: 'h', value: bytes('x') }] },
        { key: null, value: null, timestamp: NOW + 1 },
      ],
      { baseOffset: 5, partitionLeaderEpoch: 3, producerId: 9, producerEpoch: 1, baseSequence: 0 },
    );
  }

  /** Whether a corrupted baseOffset still reads as a plausible offset. */
  function baseOffsetPlausible(batch: Buffer): boolean {
    const value = batch.readBigInt64BE(0);
    return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER);
  }

  test('every flipped byte from batchLength to the end, CRC field included, is caught (exhaustive)', async () => {
    const batch = await smallBatch();
    const missed: { position: number; mask: number }[] = [];
    for (let position = POSITION_BATCH_LENGTH; position < batch.length; position++) {
      if (position >= POSITION_LEADER_EPOCH && position < POSITION_MAGIC) continue;
      for (const mask of MASKS) {
        const corrupted = Buffer.from(batch);
        corrupted[position] = (corrupted[position] ?? 0) ^ mask;
        if (!isDetected(corrupted)) missed.push({ position, mask });
      }
    }
    expect(missed).toEqual([]);
  });

  // Kafka's design (DefaultRecordBatch): baseOffset and partitionLeaderEpoch are outside the
  // CRC because the broker rewrites them. This test pins down exactly what that leaves open.
  test('only baseOffset and partitionLeaderEpoch corruption can pass checkBatch, by design', async () => {
    const batch = await smallBatch();
    const undetectedPositions = new Set<number>();
    for (let position = 0; position < batch.length; position++) {
      for (const mask of MASKS) {
        const corrupted = Buffer.from(batch);
        corrupted[position] = (corrupted[position] ?? 0) ^ mask;
        const detected = isDetected(corrupted);
        if (position < POSITION_BATCH_LENGTH) {
          // baseOffset: caught only when it stops being a non-negative safe integer.
          expect(detected, `baseOffset byte ${position} mask ${mask}`).toBe(
            !baseOffsetPlausible(corrupted),
          );
        }
        if (!detected) undetectedPositions.add(position);
      }
    }
    // Byte 0 flips always leave the safe range; bytes 1-7 hold bits 0-55 of the offset.
    expect([...undetectedPositions].sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15,
    ]);
  });

  test('an undetected epoch corruption changes only the decoded epoch', async () => {
    const batch = await smallBatch();
    const corrupted = Buffer.from(batch);
    corrupted[POSITION_LEADER_EPOCH + 3] = (corrupted[POSITION_LEADER_EPOCH + 3] ?? 0) ^ 0x04;
    const decoded = await decodeBatch(corrupted);
    expect(decoded.header.partitionLeaderEpoch).toBe(3 ^ 0x04);
    expect(comparable(decoded.records)).toEqual(comparable((await decodeBatch(batch)).records));
  });

  test('any flipped byte in the CRC and attributes..end of larger batches is caught', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary(30, 300),
        codecArbitrary,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (records, compression, seed, mask) => {
          const batch = await encode(records, { compression });
          const position = POSITION_CRC + (seed % (batch.length - POSITION_CRC));
          batch[position] = (batch[position] ?? 0) ^ mask;
          expect(isDetected(batch)).toBe(true);
          await expectBrookErrorAsync(() => decodeBatch(batch), 'CORRUPT_MESSAGE');
        },
      ),
      { numRuns: 150 },
    );
  });

  test('several corrupted bytes in the CRC-covered region are caught', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary(20, 200),
        codecArbitrary,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), {
          minLength: 2,
          maxLength: 8,
        }),
        async (records, compression, flips) => {
          const batch = await encode(records, { compression });
          const corrupted = Buffer.from(batch);
          for (const [seed, mask] of flips) {
            const position = POSITION_CRC + (seed % (batch.length - POSITION_CRC));
            corrupted[position] = (corrupted[position] ?? 0) ^ mask;
          }
          fc.pre(!corrupted.equals(batch)); // two flips of one byte may cancel out
          expect(isDetected(corrupted)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  test.each([0, 1, 3, -1, 0x7f])('magic %i is refused structurally', async (magic) => {
    const batch = await smallBatch();
    batch[POSITION_MAGIC] = magic & 0xff;
    expect(expectBrookError(() => checkBatch(batch), 'CORRUPT_MESSAGE').message).toMatch(/magic/);
  });

  test.each([
    [
      'one byte longer than the buffer',
      (size: number) => size - LOG_OVERHEAD_BYTES + 1,
      /bytes present/,
    ],
    ['negative', () => -1, /batch length/],
    ['shorter than a header', () => BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES - 1, /batch length/],
    ['int32 max', () => 0x7fffffff, /bytes present/],
    [
      'one byte shorter (CRC now over fewer bytes)',
      (size: number) => size - LOG_OVERHEAD_BYTES - 1,
      /CRC/,
    ],
  ])('a batchLength %s is caught', async (_name, length, message) => {
    const batch = await smallBatch();
    batch.writeInt32BE(length(batch.length), POSITION_BATCH_LENGTH);
    expect(expectBrookError(() => checkBatch(batch), 'CORRUPT_MESSAGE').message).toMatch(message);
  });

  test('fewer bytes than a batch header are refused, whatever the length field says', async () => {
    const batch = await smallBatch();
    for (const length of [0, 11, 12, 60]) {
      expectBrookError(() => checkBatch(batch.subarray(0, length)), 'CORRUPT_MESSAGE');
    }
  });

  test('a negative baseOffset or record count with a valid CRC is refused', async () => {
    const batch = await smallBatch();
    const negativeOffset = Buffer.from(batch);
    negativeOffset.writeBigInt64BE(-1n, 0);
    expect(expectBrookError(() => checkBatch(negativeOffset), 'CORRUPT_MESSAGE').message).toMatch(
      /base offset/,
    );
    const negativeCount = patched(batch, (view) => view.setInt32(POSITION_RECORD_COUNT, -1));
    expect(expectBrookError(() => checkBatch(negativeCount), 'CORRUPT_MESSAGE').message).toMatch(
      /record count/,
    );
    const negativeDelta = patched(batch, (view) => view.setInt32(POSITION_LAST_OFFSET_DELTA, -1));
    expect(expectBrookError(() => checkBatch(negativeDelta), 'CORRUPT_MESSAGE').message).toMatch(
      /offset delta/,
    );
  });

  test('a garbage records section with a valid CRC is CORRUPT_MESSAGE, never a crash', async () => {
    const template = await smallBatch();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 80 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(...CODECS),
        async (section, count, compression) => {
          const batch = withSection(template, section, count);
          batch.writeInt16BE(compression, POSITION_ATTRIBUTES);
          recrc(batch);
          try {
            await decodeBatch(batch);
          } catch (error) {
            expect(error).toBeInstanceOf(BrookError);
            expect((error as BrookError).code).toBe('CORRUPT_MESSAGE');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  test.each([
    [
      'a header key that is not UTF-8',
      { offsetDelta: 0, headers: [{ key: Uint8Array.from([0xff]), value: null }] },
    ],
    ['a null header key', { offsetDelta: 0, headers: [{ key: null, value: null }] }],
  ])('%s is CORRUPT_MESSAGE', async (_name, record) => {
    const batch = withSection(await smallBatch(), rawRecord(record), 1);
    await expectBrookErrorAsync(() => decodeBatch(batch), 'CORRUPT_MESSAGE');
  });

  test('fewer records than recordCount, or bytes after the last one, are CORRUPT_MESSAGE', async () => {
    const template = await smallBatch();
    const one = rawRecord({ offsetDelta: 0, value: bytes('x') });
    await expectBrookErrorAsync(
      () => decodeBatch(withSection(template, one, 2, 1)),
      'CORRUPT_MESSAGE',
    );
    const trailing = Buffer.concat([one, Buffer.from([0])]);
    await expectBrookErrorAsync(
      () => decodeBatch(withSection(template, trailing, 1)),
      'CORRUPT_MESSAGE',
    );
  });
});

describe('splitBatches', () => {
  const batchesArbitrary = fc.array(fc.tuple(recordsArbitrary(5), codecArbitrary), {
    minLength: 1,
    maxLength: 5,
  });

  async function encodeLog(
    batches: readonly (readonly [RecordInput[], CompressionCode])[],
  ): Promise<{ log: Buffer; parts: Buffer[] }> {
    const parts: Buffer[] = [];
    let baseOffset = 0;
    for (const [records, compression] of batches) {
      parts.push(await encode(records, { compression, baseOffset }));
      baseOffset += records.length;
    }
    return { log: Buffer.concat(parts), parts };
  }

  test('splits a concatenation into its batches, each decoding to its own records', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArbitrary, async (batches) => {
        const { log, parts } = await encodeLog(batches);
        const spans = splitBatches(log);
        expect(spans.map((span) => span.size)).toEqual(parts.map((part) => part.length));
        let position = 0;
        let baseOffset = 0;
        for (const [index, span] of spans.entries()) {
          const [records] = batches[index]!;
          expect(span.position).toBe(position);
          expect(span.header.baseOffset).toBe(baseOffset);
          expect(span.header.recordCount).toBe(records.length);
          const decoded = await decodeBatch(log, span.position);
          expect(comparable(decoded.records)).toEqual(
            expectedRecords(records, baseOffset, (record) => record.timestamp ?? NOW),
          );
          position += span.size;
          baseOffset += records.length;
        }
      }),
      { numRuns: 40 },
    );
  });

  test('an empty buffer holds no batches', () => {
    expect(splitBatches(new Uint8Array(0))).toEqual([]);
  });

  test('a truncated tail (cut anywhere inside the last batch) is CORRUPT_MESSAGE', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArbitrary, fc.nat(), async (batches, seed) => {
        const { log, parts } = await encodeLog(batches);
        const lastStart = log.length - parts[parts.length - 1]!.length;
        const cut = lastStart + 1 + (seed % (log.length - lastStart - 1));
        expectBrookError(() => splitBatches(log.subarray(0, cut)), 'CORRUPT_MESSAGE');
      }),
      { numRuns: 60 },
    );
  });

  test('trailing garbage after whole batches is CORRUPT_MESSAGE', async () => {
    const batch = await encode([{ value: bytes('x') }]);
    expectBrookError(
      () => splitBatches(Buffer.concat([batch, Buffer.from([0, 0, 0])])),
      'CORRUPT_MESSAGE',
    );
  });

  test('checkBatch honours position and end inside a larger buffer', async () => {
    const batch = await encode([{ value: bytes('x') }], { baseOffset: 77 });
    const buffer = Buffer.concat([Buffer.alloc(5, 0xee), batch, Buffer.alloc(3, 0xee)]);
    expect(checkBatch(buffer, 5, 5 + batch.length).baseOffset).toBe(77);
    expectBrookError(() => checkBatch(buffer, 5, 5 + batch.length - 1), 'CORRUPT_MESSAGE');
    expect((await decodeBatch(buffer, 5)).records[0]?.offset).toBe(77);
  });
});

describe('setBaseOffset and setPartitionLeaderEpoch', () => {
  test('rewrite the header in place, keep the CRC valid, and shift the record offsets', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary(5),
        recordsArbitrary(5),
        codecArbitrary,
        fc.maxSafeInteger().map(Math.abs),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        async (first, second, compression, baseOffset, epoch) => {
          const one = await encode(first, { compression });
          const two = await encode(second, { compression });
          const log = Buffer.concat([one, two]);
          setBaseOffset(log, one.length, baseOffset);
          setPartitionLeaderEpoch(log, one.length, epoch);
          expect(Buffer.compare(log.subarray(0, one.length), one)).toBe(0);
          expect(log.readUInt32BE(one.length + POSITION_CRC)).toBe(two.readUInt32BE(POSITION_CRC));
          const [, span] = splitBatches(log);
          expect(span?.header.baseOffset).toBe(baseOffset);
          expect(span?.header.partitionLeaderEpoch).toBe(epoch);
          const decoded = await decodeBatch(log, one.length);
          expect(decoded.records.map((record) => record.offset)).toEqual(
            second.map((_, index) => baseOffset + index),
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('checkProducedBatch', () => {
  async function check(batch: Buffer): Promise<void> {
    const [span] = splitBatches(batch);
    await checkProducedBatch(batch, span!);
  }

  test.each(CODECS)('accepts what encodeBatch produces (codec %i)', async (compression) => {
    await fc.assert(
      fc.asyncProperty(recordsArbitrary(8), async (records) => {
        await check(
          await encode(records, { compression, producerId: 4, producerEpoch: 0, baseSequence: 0 }),
        );
      }),
      { numRuns: 20 },
    );
  });

  test('refuses a lastOffsetDelta that disagrees with the record count', async () => {
    const batch = await encode([{ value: null }, { value: null }]);
    for (const delta of [0, 2, 5]) {
      const bad = patched(batch, (view) => view.setInt32(POSITION_LAST_OFFSET_DELTA, delta));
      const error = await expectBrookErrorAsync(() => check(bad), 'CORRUPT_MESSAGE');
      expect(error.message).toMatch(/last offset delta/);
    }
  });

  test('refuses a batch with no records', async () => {
    const batch = await encode([{ value: null }]);
    const empty = withSection(batch, new Uint8Array(0), 0, 0);
    await expectBrookErrorAsync(() => check(empty), 'CORRUPT_MESSAGE');
  });

  test('refuses control batches', async () => {
    const batch = await encode([{ value: null }], { control: true });
    const error = await expectBrookErrorAsync(() => check(batch), 'CORRUPT_MESSAGE');
    expect(error.message).toMatch(/control/);
  });

  test('refuses offset deltas that do not run 0..n-1', async () => {
    const template = await encode([{ value: null }]);
    for (const deltas of [
      [0, 2],
      [1, 2],
      [0, 0],
      [1, 0],
    ]) {
      const section = Buffer.concat(deltas.map((offsetDelta) => rawRecord({ offsetDelta })));
      const batch = withSection(template, section, deltas.length);
      const error = await expectBrookErrorAsync(() => check(batch), 'CORRUPT_MESSAGE');
      expect(error.message).toMatch(/offset delta/);
    }
  });

  test('accepts a hand-made batch whose deltas do run 0..n-1 (the helper is faithful)', async () => {
    const template = await encode([{ value: null }]);
    const section = Buffer.concat([0, 1, 2].map((offsetDelta) => rawRecord({ offsetDelta })));
    await check(withSection(template, section, 3));
  });

  test('refuses records that do not parse in an uncompressed batch', async () => {
    const template = await encode([{ value: null }]);
    await expectBrookErrorAsync(
      () => check(withSection(template, Buffer.from([0x7f, 1]), 1)),
      'CORRUPT_MESSAGE',
    );
  });

  test.each([
    ['snappy', Compression.snappy],
    ['unknown codec 5', 5],
    ['unknown codec 7', 7],
  ])('refuses a batch compressed with %s as UNSUPPORTED_COMPRESSION', async (_name, codec) => {
    const batch = await encode([{ value: bytes('x') }]);
    const bad = patched(batch, (view) => view.setInt16(POSITION_ATTRIBUTES, codec));
    await expectBrookErrorAsync(() => check(bad), 'UNSUPPORTED_COMPRESSION');
  });
});

describe('recordSizeEstimate', () => {
  test('never underestimates an uncompressed batch (header + sum of estimates >= size)', async () => {
    await fc.assert(
      fc.asyncProperty(
        recordsArbitrary(10, 300),
        fc.array(fc.maxSafeInteger().map(Math.abs), { minLength: 1, maxLength: 10 }),
        async (records, times) => {
          // Wide timestamp spreads make timestamp deltas as long as they get.
          const stamped = records.map((record, index) => ({
            ...record,
            timestamp: times[index % times.length]!,
          }));
          const batch = await encode(stamped);
          const estimate = stamped.reduce((sum, record) => sum + recordSizeEstimate(record), 0);
          expect(BATCH_HEADER_BYTES + estimate).toBeGreaterThanOrEqual(batch.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
