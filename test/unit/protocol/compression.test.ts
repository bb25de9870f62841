import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  COMPRESSION_NAMES,
  Compression,
  compress,
  compressionName,
  decompress,
  decompressedBytesMax,
} from '../../../src/protocol/compression.js';
import { expectBrookError, expectBrookErrorAsync } from '../../support/expect-brook-error.js';

const SUPPORTED = [Compression.none, Compression.gzip, Compression.lz4, Compression.zstd] as const;

describe('compression codecs', () => {
  test('codes are Kafka’s attribute values (none 0, gzip 1, snappy 2, lz4 3, zstd 4)', () => {
    expect(Compression).toEqual({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 });
    expect(COMPRESSION_NAMES.map((name) => compressionName(Compression[name]))).toEqual(
      COMPRESSION_NAMES,
    );
  });

  test.each([5, 6, 7, -1])('compressionName(%i) is UNSUPPORTED_COMPRESSION', (code) => {
    expectBrookError(() => compressionName(code), 'UNSUPPORTED_COMPRESSION');
  });

  test.each(SUPPORTED)(
    'codec %i round trips arbitrary bytes, including empty input',
    async (code) => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (data) => {
          const packed = await compress(code, data);
          const unpacked = await decompress(code, packed);
          expect(Buffer.compare(unpacked, Buffer.from(data))).toBe(0);
        }),
        { numRuns: 40 },
      );
    },
  );

  test.each([Compression.gzip, Compression.lz4, Compression.zstd])(
    'codec %i actually compresses repetitive data',
    async (code) => {
      const data = Buffer.alloc(64 * 1024, 'brook ');
      const packed = await compress(code, data);
      expect(packed.length).toBeLessThan(data.length / 10);
    },
  );

  test('none passes a subarray through without copying its neighbours', async () => {
    const backing = Uint8Array.from([1, 2, 3, 4, 5]);
    const packed = await compress(Compression.none, backing.subarray(1, 4));
    expect([...packed]).toEqual([2, 3, 4]);
  });

  test('snappy is refused both ways with UNSUPPORTED_COMPRESSION', async () => {
    await expectBrookErrorAsync(
      () => compress(Compression.snappy, Buffer.from('x')),
      'UNSUPPORTED_COMPRESSION',
    );
    await expectBrookErrorAsync(
      () => decompress(Compression.snappy, Buffer.from('x')),
      'UNSUPPORTED_COMPRESSION',
    );
  });

  test('an unknown codec number is refused with UNSUPPORTED_COMPRESSION', async () => {
    await expectBrookErrorAsync(() => decompress(6, Buffer.from('x')), 'UNSUPPORTED_COMPRESSION');
  });

  test.each([Compression.gzip, Compression.lz4, Compression.zstd])(
    'codec %i reports garbage as CORRUPT_MESSAGE (never a crash or a raw error)',
    async (code) => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (garbage) => {
          // Random bytes are almost never a valid frame; if they happen to be, that is fine too.
          try {
            await decompress(code, garbage);
          } catch (error) {
            expect((error as { code?: unknown }).code).toBe('CORRUPT_MESSAGE');
          }
        }),
        { numRuns: 60 },
      );
      await expectBrookErrorAsync(
        () => decompress(code, Buffer.from('definitely not compressed')),
        'CORRUPT_MESSAGE',
      );
    },
  );

  test.each([Compression.gzip, Compression.lz4, Compression.zstd])(
    'codec %i reports a truncated frame as CORRUPT_MESSAGE',
    async (code) => {
      const packed = await compress(code, Buffer.alloc(10_000, 'truncate me '));
      await expectBrookErrorAsync(
        () => decompress(code, packed.subarray(0, packed.length - 8)),
        'CORRUPT_MESSAGE',
      );
    },
  );

  test('gzip that inflates beyond decompressedBytesMax is refused as CORRUPT_MESSAGE', async () => {
    // 64 MiB + 1 zero bytes deflate to ~65 KiB: a small zip bomb.
    const bomb = gzipSync(Buffer.alloc(decompressedBytesMax + 1));
    await expectBrookErrorAsync(() => decompress(Compression.gzip, bomb), 'CORRUPT_MESSAGE');
  });
});
