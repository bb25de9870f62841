/**
 * Conversions between what users pass (Buffer, Uint8Array, string, null) and the bytes the codec
 * writes, and back to Buffers for what consumers yield. Buffers and Uint8Arrays are viewed, never
 * copied: the caller must not modify a record's buffers until its send has settled.
 */
import { BrookError } from '../protocol/errors.js';
import type { RecordHeader } from '../protocol/record-batch.js';
import { describe } from './options.js';
import type { BytesInput, ConsumerHeader, HeadersInput } from './types.js';

/** `null` for null/undefined; a Buffer view of anything else that is bytes or text. */
export function toBytes(value: unknown, field: string): Buffer | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return asBuffer(value);
  throw new BrookError(
    'INVALID_RECORD',
    `record ${field} must be a Buffer, Uint8Array, string or null, got ${describe(value)}`,
  );
}

/** A Buffer over the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export function nullableBuffer(bytes: Uint8Array | null): Buffer | null {
  return bytes === null ? null : asBuffer(bytes);
}

/** Normalises list- or object-shaped headers to the codec's list form. */
export function toHeaders(headers: HeadersInput | undefined): RecordHeader[] {
  if (headers === undefined) return [];
  if (typeof headers !== 'object' || (headers as unknown) === null) {
    throw new BrookError('INVALID_RECORD', `record headers must be a list or an object`);
  }
  if (Array.isArray(headers)) {
    return (headers as readonly unknown[]).map((header, index) => toHeader(header, index));
  }
  return Object.entries(headers as Readonly<Record<string, BytesInput>>).map(([key, value]) => ({
    key,
    value: toBytes(value, `header "${key}"`),
  }));
}

function toHeader(header: unknown, index: number): RecordHeader {
  if (typeof header !== 'object' || header === null || !('key' in header)) {
    throw new BrookError('INVALID_RECORD', `record header ${index} must be { key, value }`);
  }
  const { key, value } = header as { key: unknown; value?: unknown };
  if (typeof key !== 'string') {
    throw new BrookError('INVALID_RECORD', `record header ${index} has a key that is not a string`);
  }
  return { key, value: toBytes(value, `header "${key}"`) };
}

export function toConsumerHeaders(headers: readonly RecordHeader[]): ConsumerHeader[] {
  return headers.map((header) => ({ key: header.key, value: nullableBuffer(header.value) }));
}
