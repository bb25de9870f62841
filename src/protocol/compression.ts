/**
 * Per-batch compression codecs, numbered as in Kafka's batch attributes (bits 0-2).
 * gzip comes from node:zlib; lz4 (frame format, as Kafka since KIP-57) from lz4-napi; zstd from
 * @mongodb-js/zstd. Snappy is recognised but not supported: Kafka's Java client frames it in the
 * xerial format, which no maintained Node binding speaks.
 *
 * Decompression is bounded: a batch that could inflate beyond `decompressedBytesMax` is refused
 * as corrupt instead of exhausting memory (gzip through zlib's output limit; lz4 and zstd from
 * an upper bound read off their frame structure before decompressing).
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { compressFrame as lz4CompressFrame, decompressFrame as lz4DecompressFrame } from 'lz4-napi';
import { decompressedSizeBound } from './decompressed-size.js';
import { BrookError } from './errors.js';

export const Compression = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const;
export type CompressionName = keyof typeof Compression;
export type CompressionCode = (typeof Compression)[CompressionName];

export const COMPRESSION_NAMES = Object.keys(Compression) as CompressionName[];

/** Largest records section a compressed batch may expand to. */
export const decompressedBytesMax = 64 * 1024 * 1024;

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export function compressionName(code: number): CompressionName {
  const name = COMPRESSION_NAMES.find((candidate) => Compression[candidate] === code);
  if (name === undefined) {
    throw new BrookError('UNSUPPORTED_COMPRESSION', `unknown compression codec ${code}`);
  }
  return name;
}

export async function compress(code: CompressionCode, data: Uint8Array): Promise<Buffer> {
  switch (code) {
    case Compression.none:
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case Compression.gzip:
      return gzip(data);
    case Compression.lz4:
      return lz4CompressFrame(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    case Compression.zstd:
      return zstdCompress(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 3);
    case Compression.snappy:
      throw new BrookError('UNSUPPORTED_COMPRESSION', 'snappy compression is not supported');
  }
}

/** Refuses, before decompressing, a payload that could expand beyond the limit. */
function checkBound(codec: 'lz4' | 'zstd', input: Buffer): void {
  const bound = decompressedSizeBound(codec, input);
  if (bound > decompressedBytesMax) {
    throw new BrookError(
      'CORRUPT_MESSAGE',
      `${codec} records could expand to ${bound} bytes, beyond the 64 MiB limit`,
    );
  }
}

export async function decompress(code: number, data: Uint8Array): Promise<Buffer> {
  const input = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let output: Buffer;
  try {
    switch (code) {
      case Compression.none:
        return input;
      case Compression.gzip:
        output = await gunzip(input, { maxOutputLength: decompressedBytesMax });
        break;
      case Compression.lz4:
        checkBound('lz4', input);
        output = await lz4DecompressFrame(input);
        break;
      case Compression.zstd:
        checkBound('zstd', input);
        output = await zstdDecompress(input);
        break;
      default:
        throw new BrookError(
          'UNSUPPORTED_COMPRESSION',
          `compression ${compressionName(code)} is not supported`,
        );
    }
  } catch (error) {
    if (error instanceof BrookError) throw error;
    throw new BrookError('CORRUPT_MESSAGE', `compressed records do not decompress`, {
      cause: error,
    });
  }
  if (output.length > decompressedBytesMax) {
    throw new BrookError('CORRUPT_MESSAGE', `compressed records expand beyond 64 MiB`);
  }
  return output;
}
