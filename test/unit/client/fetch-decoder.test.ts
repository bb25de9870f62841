import { describe, expect, it } from 'vitest';
import { recordsFromBatches } from '../../../src/client/fetch-decoder.js';
import { Compression } from '../../../src/protocol/compression.js';
import { isBrookError } from '../../../src/protocol/errors.js';
import { encodeBatch } from '../../../src/protocol/record-batch.js';

/** A batch of `count` records "v<offset>" starting at `baseOffset`. */
async function batch(
  baseOffset: number,
  count: number,
  options: { control?: boolean; gzip?: boolean } = {},
): Promise<Buffer> {
  const records = Array.from({ length: count }, (_, index) => ({
    key: Buffer.from(`k${baseOffset + index}`),
    value: Buffer.from(`v${baseOffset + index}`),
    headers: [{ key: 'h', value: Buffer.from('x') }],
  }));
  return encodeBatch(records, {
    baseOffset,
    defaultTimestamp: 1_700_000_000_000,
    ...(options.control === true ? { control: true } : {}),
    ...(options.gzip === true ? { compression: Compression.gzip } : {}),
  });
}

describe('recordsFromBatches', () => {
  it('skips the records of the first batch that lie before the requested offset', async () => {
    const data = Buffer.concat([await batch(10, 5), await batch(15, 3)]);
    const decoded = await recordsFromBatches('t', 2, data, 13);
    expect(decoded.records.map((record) => record.offset)).toEqual([13, 14, 15, 16, 17]);
    expect(decoded.nextOffset).toBe(18);
    const [first] = decoded.records;
    expect(first).toMatchObject({ topic: 't', partition: 2, timestamp: 1_700_000_000_000 });
    expect(first?.key?.toString()).toBe('k13');
    expect(first?.value?.toString()).toBe('v13');
    expect(Buffer.isBuffer(first?.value)).toBe(true);
    expect(first?.headers).toEqual([{ key: 'h', value: Buffer.from('x') }]);
  });

  it('skips whole batches before the offset and control batches, moving past them', async () => {
    const data = Buffer.concat([
      await batch(0, 2),
      await batch(2, 1, { control: true }),
      await batch(3, 2),
    ]);
    const decoded = await recordsFromBatches('t', 0, data, 2);
    expect(decoded.records.map((record) => record.offset)).toEqual([3, 4]);
    expect(decoded.nextOffset).toBe(5);
    const onlyControl = await recordsFromBatches('t', 0, await batch(7, 1, { control: true }), 7);
    expect(onlyControl.records).toEqual([]);
    expect(onlyControl.nextOffset).toBe(8);
  });

  it('decodes compressed batches', async () => {
    const decoded = await recordsFromBatches('t', 0, await batch(100, 50, { gzip: true }), 120);
    expect(decoded.records).toHaveLength(30);
    expect(decoded.records[0]?.value?.toString()).toBe('v120');
  });

  it('ignores a batch cut short at the end, and fetches it again from there', async () => {
    const whole = await batch(0, 3);
    const next = await batch(3, 3);
    const data = Buffer.concat([whole, next.subarray(0, next.length - 10)]);
    const decoded = await recordsFromBatches('t', 0, data, 0);
    expect(decoded.records.map((record) => record.offset)).toEqual([0, 1, 2]);
    expect(decoded.nextOffset).toBe(3);
  });

  it('returns nothing and keeps the offset for an empty answer', async () => {
    await expect(recordsFromBatches('t', 0, Buffer.alloc(0), 42)).resolves.toEqual({
      records: [],
      nextOffset: 42,
    });
  });

  it('refuses bytes that hold no whole batch, and batches that fail their CRC', async () => {
    const whole = await batch(0, 3);
    const error = await recordsFromBatches('t', 0, whole.subarray(0, 30), 0).catch(
      (caught: unknown) => caught,
    );
    expect(isBrookError(error, 'CORRUPT_MESSAGE')).toBe(true);
    const damaged = Buffer.from(whole);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0xff, damaged.length - 1);
    const crc = await recordsFromBatches('t', 0, damaged, 0).catch((caught: unknown) => caught);
    expect(isBrookError(crc, 'CORRUPT_MESSAGE')).toBe(true);
  });
});
