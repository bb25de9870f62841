import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { crc32c } from '../../../src/protocol/crc32c.js';

/** Bit-at-a-time CRC-32C (reflected polynomial 0x82f63b78): slow, obviously right, an oracle. */
function referenceCrc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  test('has the standard check value: crc32c("123456789") = 0xe3069283', () => {
    expect(crc32c(Buffer.from('123456789', 'ascii'))).toBe(0xe3069283);
  });

  test('is 0 for no bytes', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  // RFC 3720 (iSCSI), appendix B.4: the published CRC-32C test vectors.
  test.each([
    ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
    ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
    ['bytes 0..31 ascending', Uint8Array.from({ length: 32 }, (_, index) => index), 0x46dd794e],
    [
      'bytes 31..0 descending',
      Uint8Array.from({ length: 32 }, (_, index) => 31 - index),
      0x113fdb5c,
    ],
  ])('matches RFC 3720 for %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  test('agrees with the bit-at-a-time reference and is an unsigned 32-bit value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const crc = crc32c(data);
        expect(crc).toBe(referenceCrc32c(data));
        expect(crc >= 0 && crc <= 0xffffffff).toBe(true);
      }),
    );
  });

  test('a Buffer, a Uint8Array and an offset subarray of either give the same CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(20), fc.nat(20), (data, lead, tail) => {
        const backing = new Uint8Array(lead + data.length + tail).fill(0x5a);
        backing.set(data, lead);
        const expected = referenceCrc32c(data);
        expect(crc32c(data)).toBe(expected);
        expect(crc32c(Buffer.from(data))).toBe(expected);
        expect(crc32c(backing.subarray(lead, lead + data.length))).toBe(expected);
        expect(crc32c(Buffer.from(backing).subarray(lead, lead + data.length))).toBe(expected);
      }),
    );
  });
});
