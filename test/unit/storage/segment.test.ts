/**
 * One segment on its own: reserve-then-write appends, reads from the offset index, timestamp
 * lookups, truncation at batch boundaries, the closing time entry of a sealed segment, and
 * rebuilding its state from the log alone.
 */
import { describe, expect, it } from 'vitest';
import { readBatchHeader } from '../../../src/protocol/record-batch.js';
import type { BatchHeader } from '../../../src/protocol/record-batch.js';
import { Segment, parseSegmentFileName, segmentFileName } from '../../../src/storage/segment.js';
import type { MemoryFileSystem } from '../../support/memory-file-system.js';
import { BASE_TIME_MS, DIRECTORY, batchesIn, harness, makeBatch } from './fixtures.js';

const INTERVAL = 200;

async function segmentWith(
  fs: MemoryFileSystem,
  base: number,
  timestampsPerBatch: number[][],
): Promise<Segment> {
  await fs.makeDirectory(DIRECTORY);
  const segment = new Segment(DIRECTORY, base, 0);
  await segment.createFiles(fs);
  let next = base;
  for (const timestamps of timestampsPerBatch) {
    const batch = await makeBatch({ timestamps, baseOffset: next, term: 4 });
    const header: BatchHeader = readBatchHeader(batch);
    const reservation = segment.reserve(header, batch.length, INTERVAL);
    await segment.writeLog(batch, reservation.position, reservation);
    next += timestamps.length;
  }
  return segment;
}

const at = (delta: number): number => BASE_TIME_MS + delta;
const request = (fromOffset: number, maxBytes = 1 << 20) => ({
  fromOffset,
  maxBytes,
  upToOffset: Number.MAX_SAFE_INTEGER,
  mustReturnOne: true,
  slackBytes: INTERVAL,
});

describe('segment file names', () => {
  it('use 20 zero-padded digits, as Kafka', () => {
    expect(segmentFileName(0, '.log')).toBe('00000000000000000000.log');
    expect(segmentFileName(1234, '.timeindex')).toBe('00000000000000001234.timeindex');
    expect(parseSegmentFileName('00000000000000001234.index')).toEqual({
      baseOffset: 1234,
      suffix: '.index',
    });
    expect(parseSegmentFileName('1234.log')).toBeUndefined();
    expect(parseSegmentFileName('00000000000000001234.log.tmp')).toBeUndefined();
  });
});

describe('Segment', () => {
  it('tracks offsets, size, term and max timestamp as batches are reserved', async () => {
    const { fs } = harness();
    const segment = await segmentWith(fs, 100, [[at(5), at(1)], [at(3)], [at(9), at(2)]]);
    expect(segment.nextOffset).toBe(105);
    expect(segment.term).toBe(4);
    expect(segment.maxTimestamp).toBe(at(9));
    expect(segment.writtenBytes).toBe(segment.sizeBytes);
    expect(fs.contentOf(segment.logPath).length).toBe(segment.sizeBytes);
  });

  it('adds an offset index entry about every indexIntervalBytes and persists it', async () => {
    const { fs } = harness();
    const timestamps = Array.from({ length: 40 }, (_, index) => [at(index)]);
    const segment = await segmentWith(fs, 0, timestamps);
    const batchBytes = segment.sizeBytes / 40;
    const expected = Math.floor(segment.sizeBytes / (INTERVAL + batchBytes));
    expect(segment.offsetIndex.count).toBeGreaterThanOrEqual(expected - 1);
    expect(segment.offsetIndex.count).toBeLessThanOrEqual(segment.sizeBytes / INTERVAL);
    const persisted = fs.contentOf(segment.pathOf('.index'));
    expect(persisted.length).toBe(segment.offsetIndex.count * 8);
  });

  it('reads from the batch holding the offset, whole batches within the budget', async () => {
    const { fs } = harness();
    const segment = await segmentWith(fs, 10, [[at(0), at(0)], [at(1)], [at(2), at(2), at(2)]]);
    const whole = await segment.read(request(13));
    expect(batchesIn(whole?.data ?? Buffer.alloc(0)).map((b) => b.baseOffset)).toEqual([13]);
    const firstOnly = await segment.read(request(10, 1));
    expect(firstOnly?.nextOffset).toBe(12);
    expect(await segment.read(request(16))).toBeUndefined();
  });

  it('finds the first batch with max timestamp at or after a target', async () => {
    const { fs } = harness();
    const batches = Array.from({ length: 30 }, (_, index) => [at(index * 10)]);
    batches[12] = [at(500)];
    const segment = await segmentWith(fs, 0, batches);
    expect((await segment.readBatchByTimestamp(at(95), 0))?.header.baseOffset).toBe(10);
    expect((await segment.readBatchByTimestamp(at(300), 0))?.header.baseOffset).toBe(12);
    expect((await segment.readBatchByTimestamp(at(300), 13))?.header.baseOffset).toBeUndefined();
    expect((await segment.readBatchByTimestamp(at(0), 20))?.header.baseOffset).toBe(20);
    expect(await segment.readBatchByTimestamp(at(501), 0)).toBeUndefined();
  });

  it('truncates at a batch boundary, recomputing max timestamp and indexes', async () => {
    const { fs } = harness();
    const batches = Array.from({ length: 20 }, (_, index) => [at(index)]);
    batches[15] = [at(1000)];
    const segment = await segmentWith(fs, 0, batches);
    await segment.truncateTo(12, INTERVAL);
    expect(segment.nextOffset).toBe(12);
    expect(segment.maxTimestamp).toBe(at(11));
    expect(fs.contentOf(segment.logPath).length).toBe(segment.sizeBytes);
    const lastEntry = segment.offsetIndex.last();
    expect(lastEntry === undefined || lastEntry.offset < 12).toBe(true);
    await segment.truncateTo(0, INTERVAL);
    expect([segment.isEmpty, segment.term, segment.maxTimestamp]).toEqual([true, undefined, -1]);
  });

  it('seals with a closing time entry that points at its last batch', async () => {
    const { fs } = harness();
    const segment = await segmentWith(fs, 0, [[at(50)], [at(10)], [at(20)]]);
    await segment.seal();
    expect(segment.timeIndex.last()).toEqual({ timestamp: at(50), offset: 2 });
    expect(segment.hasUnsyncedBytes).toBe(false);
  });

  it('rebuilds its state from the log alone', async () => {
    const { fs } = harness();
    const batches = Array.from({ length: 25 }, (_, index) => [at(index * 3), at(index)]);
    const original = await segmentWith(fs, 50, batches);
    await original.close();
    const loaded = new Segment(DIRECTORY, 50, 0);
    const { logBytes } = await loaded.openFiles(fs);
    const result = await loaded.rescan({ mode: 'verify', endPosition: logBytes }, INTERVAL);
    expect(result).toEqual({ position: logBytes, reason: 'end' });
    expect([loaded.nextOffset, loaded.maxTimestamp, loaded.term]).toEqual([
      original.nextOffset,
      original.maxTimestamp,
      4,
    ]);
    expect(loaded.offsetIndex.count).toBe(original.offsetIndex.count);
    expect(loaded.timeIndex.count).toBe(original.timeIndex.count);
  });
});
