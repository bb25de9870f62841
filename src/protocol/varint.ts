/**
 * Zig-zag variable-length integers as Kafka's record format uses them (the protobuf encoding of
 * sint32/sint64), plus 64-bit big-endian integers as JavaScript numbers.
 *
 * Numbers stay exact below 2^53 in magnitude; offsets, timestamps and producer ids in Brook never
 * come near that. Values read past that range are rejected, not rounded.
 */
import { BrookError } from './errors.js';

const TWO_POW_32 = 4294967296;

export function readInt64(buffer: Uint8Array, position: number): number {
  const view = viewOf(buffer);
  const high = view.getInt32(position);
  const low = view.getUint32(position + 4);
  const value = high * TWO_POW_32 + low;
  if (!Number.isSafeInteger(value)) {
    throw new BrookError('CORRUPT_MESSAGE', `64-bit value out of the safe integer range`);
  }
  return value;
}

export function writeInt64(buffer: Uint8Array, position: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  const view = viewOf(buffer);
  view.setInt32(position, high);
  view.setUint32(position + 4, low);
}

export function viewOf(buffer: Uint8Array): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Bytes that `writeVarlong` uses for `value`. */
export function varlongSize(value: number): number {
  let rest = Math.floor(zigzagHalf(value) / 64);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size += 1;
  }
  return size;
}

/**
 * The zig-zag value of `value` is `2 * zigzagHalf(value) + (value < 0 ? 1 : 0)`. Varlongs are
 * written and read through this half and the sign bit, never through the zig-zag value itself:
 * for magnitudes of 2^52 and more that value exceeds 2^53 and a double would round it.
 */
function zigzagHalf(value: number): number {
  return value < 0 ? -value - 1 : value;
}

/**
 * A growable output buffer. Writes append at the end; `finish` returns the bytes written as a
 * view (no copy).
 */
export class ByteWriter {
  private buffer: Buffer;
  private view: DataView;
  length = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
    this.view = viewOf(this.buffer);
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(capacity);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
    this.view = viewOf(grown);
  }

  int8(value: number): this {
    this.reserve(1);
    this.view.setInt8(this.length, value);
    this.length += 1;
    return this;
  }

  int16(value: number): this {
    this.reserve(2);
    this.view.setInt16(this.length, value);
    this.length += 2;
    return this;
  }

  int32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }

  uint32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  int64(value: number): this {
    this.reserve(8);
    writeInt64(this.buffer, this.length, value);
    this.length += 8;
    return this;
  }

  /** Zig-zag varint of a signed 32-bit value. */
  varint(value: number): this {
    this.reserve(5);
    let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
    while (zigzag >= 0x80) {
      this.buffer[this.length++] = (zigzag & 0x7f) | 0x80;
      zigzag >>>= 7;
    }
    this.buffer[this.length++] = zigzag;
    return this;
  }

  /** Zig-zag varint of a signed value up to 2^53 in magnitude (Kafka's varlong). */
  varlong(value: number): this {
    this.reserve(10);
    // The first byte holds the sign bit and 6 bits of the half, later bytes 7 bits each.
    let rest = zigzagHalf(value);
    let byte = (rest % 64) * 2 + (value < 0 ? 1 : 0);
    rest = Math.floor(rest / 64);
    while (rest > 0) {
      this.buffer[this.length++] = byte | 0x80;
      byte = rest % 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = byte;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Overwrites a 32-bit value at an earlier position (length prefixes, checksums). */
  patchInt32(position: number, value: number): void {
    this.view.setInt32(position, value);
  }

  patchUint32(position: number, value: number): void {
    this.view.setUint32(position, value);
  }

  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * A cursor over input bytes. Every read checks bounds and throws `CORRUPT_MESSAGE` when the
 * input ends early or a varint is too long: input bytes are never trusted.
 */
export class ByteReader {
  position: number;
  private readonly view: DataView;

  constructor(
    private readonly buffer: Uint8Array,
    position = 0,
    readonly end = buffer.length,
  ) {
    this.position = position;
    this.view = viewOf(buffer);
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private need(bytes: number): void {
    if (this.position + bytes > this.end) {
      throw new BrookError('CORRUPT_MESSAGE', 'record data ends early');
    }
  }

  int8(): number {
    this.need(1);
    const value = this.view.getInt8(this.position);
    this.position += 1;
    return value;
  }

  int16(): number {
    this.need(2);
    const value = this.view.getInt16(this.position);
    this.position += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.view.getInt32(this.position);
    this.position += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position);
    this.position += 4;
    return value;
  }

  int64(): number {
    this.need(8);
    const value = readInt64(this.buffer, this.position);
    this.position += 8;
    return value;
  }

  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (shift > 28) throw new BrookError('CORRUPT_MESSAGE', 'varint is longer than 5 bytes');
      this.need(1);
      const byte = this.buffer[this.position++] ?? 0;
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7;
    }
    result >>>= 0;
    return (result >>> 1) ^ -(result & 1);
  }

  /** Reads the zig-zag half and the sign apart (see `zigzagHalf`) so that 2^53 stays exact. */
  varlong(): number {
    this.need(1);
    let byte = this.buffer[this.position++] ?? 0;
    const negative = (byte & 1) === 1;
    let half = (byte & 0x7f) >>> 1;
    let multiplier = 64;
    for (let count = 1; byte >= 0x80; count++) {
      if (count >= 8) throw new BrookError('CORRUPT_MESSAGE', 'varlong exceeds 2^53');
      this.need(1);
      byte = this.buffer[this.position++] ?? 0;
      half += (byte & 0x7f) * multiplier;
      multiplier *= 128;
    }
    const value = negative ? -half - 1 : half;
    if (!Number.isSafeInteger(value)) {
      throw new BrookError('CORRUPT_MESSAGE', 'varlong exceeds 2^53');
    }
    return value;
  }

  skip(length: number): void {
    this.need(length);
    this.position += length;
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const slice = this.buffer.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }
}
