/**
 * decompressedSizeBound: for real lz4/zstd output the bound is never below the true size (so no
 * legitimate batch is refused) and stays close to it; for "bombs" it exceeds the limit before
 * anything is decompressed; malformed framing is CORRUPT_MESSAGE, never a crash.
 */
import { compress as zstdCompress } from '@mongodb-js/zstd';
import fc from 'fast-check';
import { compressFrameSync as lz4CompressFrame } from 'lz4-napi';
import { describe, expect, it } from 'vitest';
import {
  decompress,
  decompressedBytesMax,
  Compression,
} from '../../../src/protocol/compression.js';
import { decompressedSizeBound } from '../../../src/protocol/decompressed-size.js';
import { expectBrookError, expectBrookErrorAsync } from '../../support/expect-brook-error.js';

const codecs = [
  ['lz4', (data: Buffer) => Promise.resolve(lz4CompressFrame(data))],
  ['zstd', (data: Buffer) => zstdCompress(data, 3)],
] as const;

describe.each(codecs)('decompressedSizeBound (%s)', (codec, compressWith) => {
  it('is at least the true size, and close to it for ordinary data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300_000 }),
        fc.integer({ min: 1, max: 40 }),
        async (bytes, repeat) => {
          const plain = Buffer.concat(Array.from({ length: repeat }, () => Buffer.from(bytes)));
          const bound = decompressedSizeBound(codec, await compressWith(plain));
          expect(bound).toBeGreaterThanOrEqual(plain.length);
          // At most one partly filled block per frame beyond the data itself.
          expect(bound).toBeLessThanOrEqual(plain.length + 4 * 1024 * 1024);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('exceeds the limit for highly repetitive data far past 64 MiB, so decompress refuses it', async () => {
    const bomb = await compressWith(Buffer.alloc(decompressedBytesMax + 8 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    expect(decompressedSizeBound(codec, bomb)).toBeGreaterThan(decompressedBytesMax);
    await expectBrookErrorAsync(() => decompress(Compression[codec], bomb), 'CORRUPT_MESSAGE');
  });

  it('refuses malformed framing with CORRUPT_MESSAGE', async () => {
    const good = await compressWith(Buffer.from('hello hello hello hello'));
    expectBrookError(
      () => decompressedSizeBound(codec, good.subarray(0, good.length - 3)),
      'CORRUPT_MESSAGE',
    );
    expectBrookError(
      () => decompressedSizeBound(codec, Buffer.from('not a frame')),
      'CORRUPT_MESSAGE',
    );
    expectBrookError(() => decompressedSizeBound(codec, Buffer.alloc(0)), 'CORRUPT_MESSAGE');
  });

  it('follows concatenated and skippable frames', async () => {
    const one = await compressWith(Buffer.alloc(1000, 1));
    const skippable = Buffer.alloc(12);
    skippable.writeUInt32LE(0x184d2a50, 0);
    skippable.writeUInt32LE(4, 4);
    const bound = decompressedSizeBound(codec, Buffer.concat([one, skippable, one]));
    expect(bound).toBeGreaterThanOrEqual(2000);
  });
});
