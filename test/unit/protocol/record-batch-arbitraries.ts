/**
 * Shared generators and comparison helpers for the record batch tests (the codec's own tests and
 * the Kafka compatibility tests).
 */
import fc from 'fast-check';
import type {
  DecodedRecord,
  RecordHeader,
  RecordInput,
} from '../../../src/protocol/record-batch.js';

/** 2000-01-01 .. 2100-01-01 in milliseconds: realistic create times. */
export const timestampArbitrary = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 });

/** null, empty, or some bytes: the three cases the wire format distinguishes. */
export function bytesArbitrary(maxLength = 64): fc.Arbitrary<Uint8Array | null> {
  return fc.oneof(
    fc.constant(null),
    fc.constant(new Uint8Array(0)),
    fc.uint8Array({ minLength: 1, maxLength }),
  );
}

/** Header keys: any well-formed Unicode (non-BMP included), and the empty string. */
export const headerKeyArbitrary = fc.string({ unit: 'binary', maxLength: 12 });

export const headerArbitrary: fc.Arbitrary<RecordHeader> = fc.record({
  key: headerKeyArbitrary,
  value: bytesArbitrary(16),
});

export function recordArbitrary(valueBytesMax = 64): fc.Arbitrary<RecordInput> {
  return fc.record(
    {
      key: bytesArbitrary(32),
      value: bytesArbitrary(valueBytesMax),
      headers: fc.array(headerArbitrary, { maxLength: 4 }),
      timestamp: timestampArbitrary,
    },
    { requiredKeys: ['value'] },
  );
}

export function recordsArbitrary(maxLength = 12, valueBytesMax = 64): fc.Arbitrary<RecordInput[]> {
  return fc.array(recordArbitrary(valueBytesMax), { minLength: 1, maxLength });
}

const hex = (bytes: Uint8Array | null | undefined): string | null =>
  bytes === null || bytes === undefined ? null : Buffer.from(bytes).toString('hex');

export interface ComparableRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

/** What a decoder must return for `records` encoded at `baseOffset`. */
export function expectedRecords(
  records: readonly RecordInput[],
  baseOffset: number,
  timestampOf: (record: RecordInput) => number,
): ComparableRecord[] {
  return records.map((record, index) => ({
    offset: baseOffset + index,
    timestamp: timestampOf(record),
    key: hex(record.key),
    value: hex(record.value),
    headers: (record.headers ?? []).map((header) => ({
      key: header.key,
      value: hex(header.value),
    })),
  }));
}

/** Decoded records with bytes as hex, so Buffer and Uint8Array compare equal. */
export function comparable(records: readonly DecodedRecord[]): ComparableRecord[] {
  return records.map((record) => ({
    offset: record.offset,
    timestamp: record.timestamp,
    key: hex(record.key),
    value: hex(record.value),
    headers: record.headers.map((header) => ({ key: header.key, value: hex(header.value) })),
  }));
}
