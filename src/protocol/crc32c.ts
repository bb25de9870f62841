/**
 * CRC-32C (Castagnoli), the checksum of Kafka's record batch v2. Node 20's `zlib.crc32` computes
 * the IEEE polynomial, which is a different checksum, so this goes through @node-rs/crc32
 * (SIMD/SSE4.2 accelerated, prebuilt for each platform).
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Uint8Array): number {
  const buffer = Buffer.isBuffer(data)
    ? data
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return nativeCrc32c(buffer) >>> 0;
}
