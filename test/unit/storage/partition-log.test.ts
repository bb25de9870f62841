/**
 * PartitionLog behaviour through its public API, on the in-memory file system: offsets,
 * reads and their byte budgets, rolls, truncation at both ends, retention, timestamp lookups,
 * terms, group commit. Recovery after crashes is in recovery.test.ts; randomized sequences in
 * partition-log.fuzz.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BrookError } from '../../../src/protocol/errors.js';
import { readBatchHeader } from '../../../src/protocol/record-batch.js';
import { Compression } from '../../../src/protocol/compression.js';
import {
  BASE_TIME_MS,
  DIRECTORY,
  appendMany,
  batchesIn,
  harness,
  makeBatch,
  openLog,
  readAll,
  recordOffsetsIn,
} from './fixtures.js';

describe('PartitionLog append', () => {
  it('assigns offsets in call order, rewriting base offset and term', async () => {
    const setup = harness();
    const log = await openLog(setup);
    const first = await makeBatch({ count: 3, baseOffset: 999 });
    const second = await makeBatch({ count: 2 });
    const results = await Promise.all([
      log.append(first, { term: 7 }),
      log.append(second, { term: 7 }),
    ]);
    expect(results.map((r) => [r.baseOffset, r.lastOffset])).toEqual([
      [0, 2],
      [3, 4],
    ]);
    expect(log.logEndOffset).toBe(5);
    expect(readBatchHeader(first).baseOffset).toBe(0);
    expect(readBatchHeader(first).partitionLeaderEpoch).toBe(7);
    expect(batchesIn(await readAll(log))).toEqual([
      { baseOffset: 0, lastOffset: 2, term: 7 },
      { baseOffset: 3, lastOffset: 4, term: 7 },
    ]);
  });

  it('updates the end offset synchronously, before the write completes', async () => {
    const log = await openLog(harness());
    const pending = log.append(await makeBatch({ count: 4 }));
    expect(log.logEndOffset).toBe(4);
    await pending;
  });

  it('accepts leader-assigned offsets from a follower and asserts their continuity', async () => {
    const log = await openLog(harness());
    await log.append(await makeBatch({ count: 2, baseOffset: 0, term: 3 }), {
      assignOffsets: false,
    });
    expect(log.logEndOffset).toBe(2);
    const wrong = await makeBatch({ count: 1, baseOffset: 5, term: 3 });
    expect(() => log.append(wrong, { assignOffsets: false })).toThrow(/follower batch at 5/);
  });

  it('refuses a buffer that is not exactly one batch', async () => {
    const log = await openLog(harness());
    const two = Buffer.concat([await makeBatch(), await makeBatch()]);
    expect(() => log.append(two)).toThrow(/exactly one whole batch/);
  });
});

describe('PartitionLog read', () => {
  it('returns whole batches from the one holding the offset, within the byte budget', async () => {
    const log = await openLog(harness());
    for (let index = 0; index < 3; index++) await log.append(await makeBatch({ count: 5 }));
    const size = (await log.read(0, 1)).data.length;
    const one = await log.read(7, size + size / 2);
    expect(batchesIn(one.data).map((b) => b.baseOffset)).toEqual([5]);
    expect([one.firstOffset, one.nextOffset]).toEqual([5, 10]);
    const two = await log.read(7, size * 2);
    expect(batchesIn(two.data).map((b) => b.baseOffset)).toEqual([5, 10]);
    const bounded = await log.read(7, size * 3, 10);
    expect(batchesIn(bounded.data).map((b) => b.baseOffset)).toEqual([5]);
  });

  it('always returns the first batch whole, even beyond the budget', async () => {
    const log = await openLog(harness());
    await log.append(await makeBatch({ count: 2, valueBytes: 5000 }));
    const result = await log.read(1, 100);
    expect(result.data.length).toBeGreaterThan(10_000);
    expect(result.nextOffset).toBe(2);
  });

  it('returns no data at the end and throws OFFSET_OUT_OF_RANGE outside the log', async () => {
    const log = await openLog(harness());
    await appendMany(log, 3);
    const atEnd = await log.read(3, 1000);
    expect(atEnd).toEqual({ data: Buffer.alloc(0), firstOffset: 3, nextOffset: 3 });
    await expect(log.read(4, 1000)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await log.truncatePrefix(2);
    await expect(log.read(1, 1000)).rejects.toBeInstanceOf(BrookError);
  });

  it('never returns bytes whose write has not completed', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 2);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    setup.fs.setOperationDelay((operation) =>
      operation.kind === 'write' && operation.path.endsWith('.log') ? held : undefined,
    );
    const pending = [log.append(await makeBatch()), log.append(await makeBatch())];
    expect(log.logEndOffset).toBe(4);
    const during = await log.read(0, 1 << 20);
    expect(batchesIn(during.data).map((batch) => batch.baseOffset)).toEqual([0, 1]);
    expect(during.nextOffset).toBe(2);
    expect((await log.read(3, 1 << 20)).data.length).toBe(0);
    release();
    await Promise.all(pending);
    setup.fs.setOperationDelay(undefined);
    expect(batchesIn(await readAll(log)).map((batch) => batch.baseOffset)).toEqual([0, 1, 2, 3]);
  });

  it('stops before a batch that reaches the upTo bound, even the first one', async () => {
    const log = await openLog(harness());
    await log.append(await makeBatch({ count: 10 }));
    const result = await log.read(0, 1 << 20, 5);
    expect(result.data.length).toBe(0);
  });

  it('reads across segments and finds offsets far from an index entry', async () => {
    const log = await openLog(harness(), { segmentBytes: 2000, indexIntervalBytes: 300 });
    await appendMany(log, 120, { valueBytes: 20 });
    expect(log.segmentCount).toBeGreaterThan(5);
    const everything = await readAll(log);
    expect(await recordOffsetsIn(everything)).toEqual([...Array(120).keys()]);
    for (const offset of [0, 17, 59, 60, 119]) {
      const result = await log.read(offset, 1);
      expect(result.firstOffset).toBe(offset);
    }
  });
});

describe('PartitionLog roll', () => {
  it('rolls when the active segment would exceed segmentBytes', async () => {
    const log = await openLog(harness(), { segmentBytes: 250 });
    const size = (await makeBatch()).length;
    const perSegment = Math.floor(250 / size);
    await appendMany(log, perSegment * 3);
    expect(log.segmentBaseOffsets).toEqual([0, perSegment, perSegment * 2]);
  });

  it('rolls when the active segment is older than segmentMs', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentMs: 60_000 });
    await appendMany(log, 2);
    setup.clock.advance(59_999);
    await appendMany(log, 1);
    expect(log.segmentCount).toBe(1);
    setup.clock.advance(1);
    await appendMany(log, 1);
    expect(log.segmentBaseOffsets).toEqual([0, 3]);
  });

  it('rolls on a term change, so a segment never spans two terms', async () => {
    const log = await openLog(harness());
    await appendMany(log, 2, { term: 1 });
    await appendMany(log, 2, { term: 2 });
    await appendMany(log, 1, { term: 5 });
    expect(log.segmentBaseOffsets).toEqual([0, 2, 4]);
    expect([0, 1, 2, 3, 4].map((offset) => log.termAt(offset))).toEqual([1, 1, 2, 2, 5]);
    expect(log.termAt(5)).toBeUndefined();
    expect(log.lastTerm()).toBe(5);
  });

  it('applies config updates at run time', async () => {
    const log = await openLog(harness());
    await appendMany(log, 3);
    log.updateConfig({ segmentBytes: 1 });
    await appendMany(log, 2);
    expect(log.segmentBaseOffsets).toEqual([0, 3, 4]);
    expect(() => log.updateConfig({ segmentBytes: 0 })).toThrow(/segmentBytes/);
    expect(() => log.updateConfig({ bogus: 1 } as never)).toThrow(/unknown log config key/);
  });
});

describe('PartitionLog truncateSuffix', () => {
  it('cuts at a batch boundary inside a segment and across segments', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 400 });
    for (let index = 0; index < 12; index++) await log.append(await makeBatch({ count: 2 }));
    const before = log.segmentCount;
    await log.truncateSuffix(10);
    expect(log.logEndOffset).toBe(10);
    expect(log.segmentCount).toBeLessThan(before);
    expect(await recordOffsetsIn(await readAll(log))).toEqual([...Array(10).keys()]);
    const next = await log.append(await makeBatch());
    expect(next.baseOffset).toBe(10);
    await log.close();
    const reopened = await openLog(setup, { segmentBytes: 400 });
    expect(reopened.logEndOffset).toBe(11);
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual([...Array(11).keys()]);
  });

  it('forbids cutting in the middle of a batch', async () => {
    const log = await openLog(harness());
    await log.append(await makeBatch({ count: 5 }));
    await log.append(await makeBatch({ count: 5 }));
    await expect(log.truncateSuffix(7)).rejects.toThrow(/not a batch boundary/);
  });

  it('can empty the log down to the log start', async () => {
    const log = await openLog(harness(), { segmentBytes: 200 });
    await appendMany(log, 6);
    await log.truncateSuffix(0);
    expect([log.logStartOffset, log.logEndOffset, log.segmentCount]).toEqual([0, 0, 1]);
    expect(log.lastTerm()).toBeUndefined();
    expect((await log.append(await makeBatch())).baseOffset).toBe(0);
  });

  it('lowers durableEndOffset and tells listeners', async () => {
    const log = await openLog(harness());
    const seen: number[] = [];
    log.onDurable((offset) => seen.push(offset));
    await appendMany(log, 4);
    await log.flush();
    await log.truncateSuffix(2);
    expect(log.durableEndOffset).toBe(2);
    expect(seen).toEqual([4, 2]);
  });
});

describe('PartitionLog truncatePrefix', () => {
  it('raises the log start, deletes whole segments below it, and survives a restart', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 200 });
    await appendMany(log, 10);
    const bases = log.segmentBaseOffsets;
    const cut = (bases[2] ?? 0) + 1;
    await log.truncatePrefix(cut);
    expect(log.logStartOffset).toBe(cut);
    expect(log.segmentBaseOffsets[0]).toBe(bases[2]);
    expect((await log.read(cut, 1)).firstOffset).toBe(cut);
    await log.close();
    const reopened = await openLog(setup, { segmentBytes: 200 });
    expect(reopened.logStartOffset).toBe(cut);
    expect(reopened.logEndOffset).toBe(10);
  });

  it('restarts an empty log at an offset beyond the end', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 5);
    await log.truncatePrefix(50);
    expect([log.logStartOffset, log.logEndOffset, log.segmentBaseOffsets]).toEqual([50, 50, [50]]);
    expect(log.termAt(49)).toBeUndefined();
    expect((await log.append(await makeBatch())).baseOffset).toBe(50);
    await log.close();
    const reopened = await openLog(setup);
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([50, 51]);
  });
});

describe('PartitionLog retention', () => {
  it('deletes segments older than retentionMs, never the active one', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 200, retentionMs: 60_000 });
    await appendMany(log, 4, { timestamps: [BASE_TIME_MS] });
    await appendMany(log, 4, { timestamps: [BASE_TIME_MS + 100_000] });
    setup.clock.advance(100_000);
    const segmentsBefore = log.segmentCount;
    const { deletedSegments } = await log.applyRetention();
    expect(deletedSegments).toBeGreaterThan(0);
    expect(log.segmentCount).toBe(segmentsBefore - deletedSegments);
    expect(log.logStartOffset).toBe(log.segmentBaseOffsets[0]);
    setup.clock.advance(1_000_000);
    await log.applyRetention();
    expect(log.segmentCount).toBe(1);
    expect(log.logEndOffset).toBe(8);
  });

  it('deletes the oldest segments while the rest still holds retentionBytes', async () => {
    const log = await openLog(harness(), { segmentBytes: 200, retentionMs: -1 });
    await appendMany(log, 20);
    const total = log.sizeBytes;
    log.updateConfig({ retentionBytes: Math.floor(total / 2) });
    await log.applyRetention();
    expect(log.sizeBytes).toBeGreaterThanOrEqual(Math.floor(total / 2));
    expect(log.sizeBytes).toBeLessThan(Math.floor(total / 2) + 200);
    expect((await log.applyRetention()).deletedSegments).toBe(0);
  });

  it('respects an upToOffset bound', async () => {
    const log = await openLog(harness(), { segmentBytes: 200, retentionBytes: 0 });
    await appendMany(log, 20);
    await log.applyRetention({ upToOffset: 5 });
    expect(log.logStartOffset).toBeLessThanOrEqual(5);
  });
});

describe('PartitionLog offsetForTimestamp', () => {
  it('finds the first record at or after a timestamp, inside a batch', async () => {
    const log = await openLog(harness());
    const t = (delta: number): number => BASE_TIME_MS + delta;
    await log.append(await makeBatch({ timestamps: [t(0), t(10), t(20)] }));
    await log.append(await makeBatch({ timestamps: [t(30), t(25), t(40)] }));
    expect(await log.offsetForTimestamp(t(0))).toEqual({ offset: 0, timestamp: t(0) });
    expect(await log.offsetForTimestamp(t(11))).toEqual({ offset: 2, timestamp: t(20) });
    expect(await log.offsetForTimestamp(t(26))).toEqual({ offset: 3, timestamp: t(30) });
    expect(await log.offsetForTimestamp(t(40))).toEqual({ offset: 5, timestamp: t(40) });
    expect(await log.offsetForTimestamp(t(41))).toBeUndefined();
  });

  it('uses the time index across many segments and compressed batches', async () => {
    const log = await openLog(harness(), { segmentBytes: 500, indexIntervalBytes: 100 });
    for (let index = 0; index < 60; index++) {
      await log.append(
        await makeBatch({
          timestamps: [BASE_TIME_MS + index * 10, BASE_TIME_MS + index * 10 + 5],
          compression: index % 2 === 0 ? Compression.gzip : Compression.none,
        }),
      );
    }
    expect(log.segmentCount).toBeGreaterThan(3);
    for (const index of [0, 7, 33, 59]) {
      const found = await log.offsetForTimestamp(BASE_TIME_MS + index * 10 + 1);
      expect(found).toEqual({ offset: index * 2 + 1, timestamp: BASE_TIME_MS + index * 10 + 5 });
    }
  });

  it('never answers below the log start', async () => {
    const log = await openLog(harness());
    await log.append(await makeBatch({ timestamps: [BASE_TIME_MS, BASE_TIME_MS + 1] }));
    await log.truncatePrefix(1);
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 1, timestamp: BASE_TIME_MS + 1 });
  });
});

describe('PartitionLog flush (group commit)', () => {
  it('makes appends durable and reports the new durable end', async () => {
    const log = await openLog(harness());
    await appendMany(log, 3);
    expect(log.durableEndOffset).toBe(0);
    expect(await log.flush()).toBe(3);
    expect(log.durableEndOffset).toBe(3);
  });

  it('serves many concurrent appends and flushes with very few fsyncs', async () => {
    const setup = harness();
    const log = await openLog(setup);
    const batches = await Promise.all(Array.from({ length: 100 }, () => makeBatch()));
    const syncsBefore = setup.fs.syncCount;
    const flushed = batches.map(async (batch) => {
      await log.append(batch);
      return log.flush();
    });
    const durable = await Promise.all(flushed);
    expect(Math.min(...durable)).toBeGreaterThanOrEqual(1);
    expect(log.durableEndOffset).toBe(100);
    expect(setup.fs.syncCount - syncsBefore).toBeLessThanOrEqual(3);
  });

  it('lets callers that arrive during an fsync share the next one', async () => {
    const setup = harness();
    const log = await openLog(setup);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    setup.fs.setOperationDelay((operation) =>
      operation.kind === 'sync' && holding ? held : undefined,
    );
    await log.append(await makeBatch());
    const first = log.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const syncsBefore = setup.fs.syncCount;
    const later = [];
    for (let index = 0; index < 20; index++) {
      later.push(log.append(await makeBatch()).then(() => log.flush()));
    }
    await new Promise((resolve) => setImmediate(resolve));
    holding = false;
    release();
    await first;
    expect(await Promise.all(later)).toContain(21);
    expect(setup.fs.syncCount - syncsBefore).toBeLessThanOrEqual(2);
  });

  it('notifies durable listeners', async () => {
    const log = await openLog(harness());
    const seen: number[] = [];
    const unsubscribe = log.onDurable((offset) => seen.push(offset));
    await appendMany(log, 2);
    await log.flush();
    unsubscribe();
    await appendMany(log, 1);
    await log.flush();
    expect(seen).toEqual([2]);
  });

  it('fails for good with STORAGE_ERROR after a write error', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 1);
    setup.fs.failOperation({ nth: 1, kinds: ['write'], pathIncludes: '.log' });
    await expect(log.append(await makeBatch())).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(log.flush()).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(log.append(await makeBatch())).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await expect(log.read(0, 100)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    await log.close();
  });
});

describe('PartitionLog lifecycle', () => {
  it('close flushes, reopen finds everything, delete removes the directory', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 10, { term: 2 });
    await log.close();
    const reopened = await openLog(setup, { segmentBytes: 300 });
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.durableEndOffset]).toEqual([
      0, 10, 10,
    ]);
    expect(reopened.termAt(9)).toBe(2);
    await reopened.delete();
    expect(await setup.fs.exists(DIRECTORY)).toBe(false);
  });
});
