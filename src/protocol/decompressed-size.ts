/**
 * Upper bounds on what an lz4 or zstd payload expands to, read from the frame structure alone,
 * before anything is decompressed. Neither binding can stop half-way at a size limit, so this
 * is what keeps a small malicious batch (a "decompression bomb") from making the broker
 * allocate gigabytes: a payload whose bound exceeds the limit is refused unopened.
 *
 * For well-formed data the bound is close to the real size: every block contributes at most
 * its maximum block size (lz4: from the frame descriptor; zstd: 128 KiB) or, for raw and RLE
 * blocks, exactly its size. Framing errors are CORRUPT_MESSAGE.
 *
 * LZ4 frame:  magic 0x184D2204 (LE) | FLG | BD | [content size: 8] | [dict id: 4] | HC
 *             blocks: size u32 LE (bit 31 = stored uncompressed, 0 = end mark) | data |
 *             [block checksum: 4] ... | [content checksum: 4]
 * zstd frame: magic 0xFD2FB528 (LE) | descriptor | [window] | [dict id] | [content size]
 *             blocks: 3-byte LE header (bit 0 last, bits 1-2 type: raw, RLE, compressed;
 *             bits 3-23 size) | data ... | [checksum: 4]
 * Both:       skippable frames, magic 0x184D2A5? (LE) | size u32 LE | data.
 */
import { BrookError } from './errors.js';
import { viewOf } from './varint.js';

const LZ4_MAGIC = 0x184d2204;
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_BLOCK_BYTES_MAX = 128 * 1024;
const LZ4_BLOCK_BYTES_MAX: Readonly<Record<number, number>> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

function corrupt(codec: string, reason: string): BrookError {
  return new BrookError('CORRUPT_MESSAGE', `malformed ${codec} frame: ${reason}`);
}

function isSkippable(magic: number): boolean {
  return magic >>> 4 === 0x184d2a5;
}

class FrameCursor {
  position = 0;
  private readonly view: DataView;

  constructor(
    private readonly data: Uint8Array,
    private readonly codec: string,
  ) {
    this.view = viewOf(data);
  }

  get done(): boolean {
    return this.position >= this.data.length;
  }

  need(bytes: number): void {
    if (this.position + bytes > this.data.length) throw corrupt(this.codec, 'it ends early');
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.position++);
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  u24(): number {
    this.need(3);
    const value =
      this.view.getUint16(this.position, true) | (this.view.getUint8(this.position + 2) << 16);
    this.position += 3;
    return value;
  }

  skip(bytes: number): void {
    this.need(bytes);
    this.position += bytes;
  }
}

function lz4FrameBound(cursor: FrameCursor): number {
  const flags = cursor.u8();
  const blockDescriptor = cursor.u8();
  if (flags >>> 6 !== 1) throw corrupt('lz4', `version ${flags >>> 6}`);
  const blockBytesMax = LZ4_BLOCK_BYTES_MAX[(blockDescriptor >>> 4) & 0x07];
  if (blockBytesMax === undefined) throw corrupt('lz4', 'block size descriptor');
  cursor.skip(((flags & 0x08) !== 0 ? 8 : 0) + ((flags & 0x01) !== 0 ? 4 : 0) + 1);
  const blockChecksum = (flags & 0x10) !== 0;
  let bound = 0;
  for (;;) {
    const word = cursor.u32();
    if (word === 0) break;
    const size = word & 0x7fffffff;
    const stored = (word & 0x80000000) !== 0;
    if (size > blockBytesMax) throw corrupt('lz4', `block of ${size} bytes`);
    bound += stored ? size : blockBytesMax;
    cursor.skip(size + (blockChecksum ? 4 : 0));
  }
  if ((flags & 0x04) !== 0) cursor.skip(4);
  return bound;
}

function zstdFrameBound(cursor: FrameCursor): number {
  const descriptor = cursor.u8();
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
  const contentSizeFlag = descriptor >>> 6;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] ?? 0;
  if ((descriptor & 0x08) !== 0) throw corrupt('zstd', 'reserved bit set');
  cursor.skip((singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes);
  let bound = 0;
  for (;;) {
    const header = cursor.u24();
    const last = (header & 1) !== 0;
    const type = (header >>> 1) & 0x03;
    const size = header >>> 3;
    if (type === 3) throw corrupt('zstd', 'reserved block type');
    if (type === 1) {
      bound += size;
      cursor.skip(1);
    } else {
      bound += type === 0 ? size : ZSTD_BLOCK_BYTES_MAX;
      cursor.skip(size);
    }
    if (last) break;
  }
  if ((descriptor & 0x04) !== 0) cursor.skip(4);
  return bound;
}

/** Upper bound of the decompressed size of concatenated lz4 (codec 3) or zstd (4) frames. */
export function decompressedSizeBound(codec: 'lz4' | 'zstd', data: Uint8Array): number {
  const cursor = new FrameCursor(data, codec);
  const frameMagic = codec === 'lz4' ? LZ4_MAGIC : ZSTD_MAGIC;
  let bound = 0;
  if (cursor.done) throw corrupt(codec, 'it is empty');
  while (!cursor.done) {
    const magic = cursor.u32();
    if (isSkippable(magic)) {
      cursor.skip(cursor.u32());
    } else if (magic === frameMagic) {
      bound += codec === 'lz4' ? lz4FrameBound(cursor) : zstdFrameBound(cursor);
    } else {
      throw corrupt(codec, `unexpected magic 0x${magic.toString(16)}`);
    }
  }
  return bound;
}
