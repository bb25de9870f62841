import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  readInt64,
  varlongSize,
  writeInt64,
} from '../../../src/protocol/varint.js';
import { expectBrookError } from '../../support/expect-brook-error.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Protobuf sint64 / Kafka varlong computed with BigInt: an oracle independent of doubles. */
function referenceZigzag(value: number): number[] {
  const big = BigInt(value);
  let zigzag = big >= 0n ? big << 1n : (-big << 1n) - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return bytes;
}

const varintBytes = (value: number): number[] => [...new ByteWriter().varint(value).finish()];
const varlongBytes = (value: number): number[] => [...new ByteWriter().varlong(value).finish()];

/** Reads with `read` and checks the whole input was consumed. */
function readAll<T>(bytes: readonly number[], read: (reader: ByteReader) => T): T {
  const reader = new ByteReader(Uint8Array.from(bytes));
  const value = read(reader);
  expect(reader.remaining).toBe(0);
  return value;
}

describe('zig-zag varint (int32)', () => {
  // Values from the protobuf sint32 documentation and Kafka's ByteUtilsTest.
  test.each([
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-2, [0x03]],
    [2, [0x04]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [300, [0xd8, 0x04]],
    [INT32_MAX, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [INT32_MIN, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes %i as the known bytes %j and reads it back', (value, bytes) => {
    expect(varintBytes(value)).toEqual(bytes);
    expect(readAll(bytes, (reader) => reader.varint())).toBe(value);
  });

  test('round trips every int32 and matches the BigInt reference encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN, max: INT32_MAX }), (value) => {
        const bytes = varintBytes(value);
        expect(bytes).toEqual(referenceZigzag(value));
        expect(readAll(bytes, (reader) => reader.varint())).toBe(value);
      }),
    );
  });

  test('accepts a non-minimal (padded) 5-byte encoding of a small value, as Kafka does', () => {
    expect(readAll([0x82, 0x80, 0x80, 0x80, 0x00], (reader) => reader.varint())).toBe(1);
  });

  test('refuses a varint longer than 5 bytes with CORRUPT_MESSAGE', () => {
    const reader = new ByteReader(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]));
    expectBrookError(() => reader.varint(), 'CORRUPT_MESSAGE');
  });

  test('refuses every truncated encoding with CORRUPT_MESSAGE', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN, max: INT32_MAX }), (value) => {
        const bytes = varintBytes(value);
        for (let length = 0; length < bytes.length; length++) {
          const reader = new ByteReader(Uint8Array.from(bytes.slice(0, length)));
          expectBrookError(() => reader.varint(), 'CORRUPT_MESSAGE');
        }
      }),
    );
  });
});

describe('zig-zag varlong (safe integers, ±(2^53 - 1))', () => {
  const edges = [
    0,
    1,
    -1,
    63,
    -64,
    64,
    -65,
    INT32_MAX,
    INT32_MIN,
    2 ** 31,
    2 ** 32,
    -(2 ** 32),
    1_700_000_000_000, // a millisecond timestamp
    2 ** 52 - 1,
    2 ** 52,
    -(2 ** 52),
    -(2 ** 52) - 1,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ];

  test.each(edges)('round trips %d with the reference encoding and the predicted size', (value) => {
    const bytes = varlongBytes(value);
    expect(bytes).toEqual(referenceZigzag(value));
    expect(varlongSize(value)).toBe(bytes.length);
    expect(readAll(bytes, (reader) => reader.varlong())).toBe(value);
  });

  test('encodes 300 as [0xd8, 0x04] and -1 as [0x01], as varint does', () => {
    expect(varlongBytes(300)).toEqual([0xd8, 0x04]);
    expect(varlongBytes(-1)).toEqual([0x01]);
  });

  test('round trips every safe integer, with bytes and size as the reference', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const bytes = varlongBytes(value);
        expect(bytes).toEqual(referenceZigzag(value));
        expect(varlongSize(value)).toBe(bytes.length);
        expect(readAll(bytes, (reader) => reader.varlong())).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  test('reads a varint-encoded value as the same varlong (the encodings agree on int32)', () => {
    fc.assert(
      fc.property(fc.integer({ min: INT32_MIN, max: INT32_MAX }), (value) => {
        expect(readAll(varintBytes(value), (reader) => reader.varlong())).toBe(value);
      }),
    );
  });

  test.each([
    ['2^53 (the first unsafe positive)', 2n ** 53n],
    ['-(2^53) (the first unsafe negative)', -(2n ** 53n)],
    ['int64 max', 2n ** 63n - 1n],
  ])('refuses %s with CORRUPT_MESSAGE instead of rounding', (_name, big) => {
    let zigzag = big >= 0n ? big << 1n : (-big << 1n) - 1n;
    const bytes: number[] = [];
    while (zigzag >= 0x80n) {
      bytes.push(Number(zigzag & 0x7fn) | 0x80);
      zigzag >>= 7n;
    }
    bytes.push(Number(zigzag));
    const reader = new ByteReader(Uint8Array.from(bytes));
    expectBrookError(() => reader.varlong(), 'CORRUPT_MESSAGE');
  });

  test('refuses an over-long varlong (9 bytes of continuation) with CORRUPT_MESSAGE', () => {
    const reader = new ByteReader(Uint8Array.from([...Array<number>(9).fill(0x80), 0x00]));
    expectBrookError(() => reader.varlong(), 'CORRUPT_MESSAGE');
  });

  test('refuses every truncated encoding with CORRUPT_MESSAGE', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (value) => {
        const bytes = varlongBytes(value);
        for (let length = 0; length < bytes.length; length++) {
          const reader = new ByteReader(Uint8Array.from(bytes.slice(0, length)));
          expectBrookError(() => reader.varlong(), 'CORRUPT_MESSAGE');
        }
      }),
    );
  });
});

describe('int64 as JavaScript numbers', () => {
  /** Big-endian two's complement bytes from Node's BigInt writer: the oracle. */
  function referenceInt64(value: number): number[] {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64BE(BigInt(value));
    return [...buffer];
  }

  test.each([
    0,
    1,
    -1,
    2 ** 32 - 1,
    2 ** 32,
    -(2 ** 32),
    -(2 ** 32) - 1,
    1_700_000_000_000,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
  ])('writes %d as two’s complement big-endian and reads it back', (value) => {
    const buffer = new Uint8Array(8);
    writeInt64(buffer, 0, value);
    expect([...buffer]).toEqual(referenceInt64(value));
    expect(readInt64(buffer, 0)).toBe(value);
  });

  test('-1 is eight 0xff bytes', () => {
    expect([...new ByteWriter().int64(-1).finish()]).toEqual(Array<number>(8).fill(0xff));
  });

  test('round trips every safe integer at any position of a subarray', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.nat(16), fc.nat(16), (value, lead, position) => {
        // A subarray with a non-zero byteOffset catches views that ignore it.
        const backing = new Uint8Array(lead + position + 8 + 3).fill(0xaa);
        const buffer = backing.subarray(lead);
        writeInt64(buffer, position, value);
        expect([...buffer.subarray(position, position + 8)]).toEqual(referenceInt64(value));
        expect(readInt64(buffer, position)).toBe(value);
        expect(backing.subarray(0, lead).every((byte) => byte === 0xaa)).toBe(true);
      }),
    );
  });

  test.each([
    ['2^53', 2n ** 53n],
    ['2^53 + 1', 2n ** 53n + 1n],
    ['-(2^53)', -(2n ** 53n)],
    ['int64 max', 2n ** 63n - 1n],
    ['int64 min', -(2n ** 63n)],
  ])('readInt64 refuses %s (outside the safe range) with CORRUPT_MESSAGE', (_name, big) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64BE(big);
    expectBrookError(() => readInt64(buffer, 0), 'CORRUPT_MESSAGE');
  });
});

describe('ByteWriter and ByteReader', () => {
  type Field =
    | {
        kind: 'int8' | 'int16' | 'int32' | 'uint32' | 'int64' | 'varint' | 'varlong';
        value: number;
      }
    | { kind: 'bytes'; value: Uint8Array };

  const field: fc.Arbitrary<Field> = fc.oneof(
    fc.integer({ min: -128, max: 127 }).map((value) => ({ kind: 'int8' as const, value })),
    fc.integer({ min: -32768, max: 32767 }).map((value) => ({ kind: 'int16' as const, value })),
    fc
      .integer({ min: INT32_MIN, max: INT32_MAX })
      .map((value) => ({ kind: 'int32' as const, value })),
    fc.nat({ max: 2 ** 32 - 1 }).map((value) => ({ kind: 'uint32' as const, value })),
    fc.maxSafeInteger().map((value) => ({ kind: 'int64' as const, value })),
    fc
      .integer({ min: INT32_MIN, max: INT32_MAX })
      .map((value) => ({ kind: 'varint' as const, value })),
    fc.maxSafeInteger().map((value) => ({ kind: 'varlong' as const, value })),
    fc.uint8Array({ maxLength: 40 }).map((value) => ({ kind: 'bytes' as const, value })),
  );

  function write(writer: ByteWriter, item: Field): void {
    if (item.kind === 'bytes') writer.bytes(item.value);
    else writer[item.kind](item.value);
  }

  function read(reader: ByteReader, item: Field): number | Uint8Array {
    return item.kind === 'bytes' ? reader.bytes(item.value.length) : reader[item.kind]();
  }

  test('reads back any sequence of fields in order, growing from a 1-byte buffer', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 40 }), (fields) => {
        const writer = new ByteWriter(1);
        for (const item of fields) write(writer, item);
        const bytes = writer.finish();
        expect(bytes.length).toBe(writer.length);
        const reader = new ByteReader(bytes);
        for (const item of fields) {
          const value = read(reader, item);
          if (item.kind === 'bytes') expect([...(value as Uint8Array)]).toEqual([...item.value]);
          else expect(value).toBe(item.value);
        }
        expect(reader.remaining).toBe(0);
      }),
    );
  });

  test('patchInt32 and patchUint32 overwrite earlier bytes in place', () => {
    const writer = new ByteWriter(2);
    writer.int32(0).uint32(0).int8(7);
    writer.patchInt32(0, -2);
    writer.patchUint32(4, 0xfffffffe);
    expect([...writer.finish()]).toEqual([0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xfe, 0x07]);
  });

  test('a reader stops at its end bound, not at the end of the buffer', () => {
    const bytes = Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2]);
    const reader = new ByteReader(bytes, 0, 6);
    expect(reader.int32()).toBe(1);
    expect(reader.remaining).toBe(2);
    expectBrookError(() => reader.int32(), 'CORRUPT_MESSAGE');
  });

  test('a reader over a subarray reads that subarray’s bytes (byteOffset respected)', () => {
    const backing = Uint8Array.from([9, 9, 9, 0x12, 0x34, 0x56, 0x78]);
    expect(new ByteReader(backing.subarray(3)).uint32()).toBe(0x12345678);
  });

  test.each([
    ['int8', 0, (reader: ByteReader) => reader.int8()],
    ['int16', 1, (reader: ByteReader) => reader.int16()],
    ['int32', 3, (reader: ByteReader) => reader.int32()],
    ['uint32', 3, (reader: ByteReader) => reader.uint32()],
    ['int64', 7, (reader: ByteReader) => reader.int64()],
    ['bytes(5)', 4, (reader: ByteReader) => reader.bytes(5)],
  ])('%s on %i bytes throws CORRUPT_MESSAGE and does not advance', (_name, length, action) => {
    const reader = new ByteReader(new Uint8Array(length));
    expectBrookError(() => action(reader), 'CORRUPT_MESSAGE');
    expect(reader.position).toBe(0);
  });
});
