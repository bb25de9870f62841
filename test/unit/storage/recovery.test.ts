/**
 * Recovery on open: whatever a crash or a damaged disk leaves in a partition directory, the
 * reopened log must hold a prefix of what was appended, every durable batch included, with no
 * garbage, and accept appends again. Most tests use the in-memory file system; the last group
 * repeats the key cases on the real disk through NodeFileSystem.
 */
import { mkdtemp, rm, appendFile, truncate, unlink, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../../../src/runtime/node-file-system.js';
import { DAMAGE_MARKER_FILE } from '../../../src/storage/damage-marker.js';
import { LOG_START_OFFSET_FILE } from '../../../src/storage/log-start-checkpoint.js';
import { segmentFileName } from '../../../src/storage/segment.js';
import { silentLogger } from '../../../src/util/ports.js';
import type { FileSystem } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { SeededRandom } from '../../support/seeded-random.js';
import {
  BASE_TIME_MS,
  DIRECTORY,
  RecordingLogger,
  appendMany,
  harness,
  makeBatch,
  openLog,
  readAll,
  recordOffsetsIn,
} from './fixtures.js';

const logFile = (base: number, directory = DIRECTORY): string =>
  join(directory, segmentFileName(base, '.log'));
const indexFile = (base: number, suffix: string, directory = DIRECTORY): string =>
  join(directory, segmentFileName(base, suffix));
const range = (count: number, from = 0): number[] =>
  Array.from({ length: count }, (_, i) => from + i);

async function appendBytes(fs: FileSystem, path: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'readWrite');
  await handle.write(data, await handle.size());
  await handle.sync();
  await handle.close();
}

/** 50 one-record batches a second apart, in segments of 3000 bytes; closed again. */
async function writeTimedLog(setup: ReturnType<typeof harness>) {
  const config = { segmentBytes: 3000, indexIntervalBytes: 150 };
  const log = await openLog(setup, config);
  for (let index = 0; index < 50; index++) {
    await log.append(await makeBatch({ timestamps: [BASE_TIME_MS + index * 1000] }));
  }
  await log.close();
  return { config, log };
}

async function cutFile(fs: FileSystem, path: string, length: number): Promise<void> {
  const handle = await fs.open(path, 'readWrite');
  await handle.truncate(length);
  await handle.sync();
  await handle.close();
}

describe('recovery on the in-memory file system', () => {
  it('cuts random bytes appended to the newest .log and keeps every batch before them', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 600, indexIntervalBytes: 100 });
    await appendMany(log, 30);
    await log.close();
    const newest = log.segmentBaseOffsets.at(-1) ?? 0;
    await appendBytes(setup.fs, logFile(newest), new SeededRandom(7).bytes(333));
    const reopened = await openLog(setup, { segmentBytes: 600, indexIntervalBytes: 100 });
    expect(reopened.logEndOffset).toBe(30);
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(30));
    expect(setup.logger.messages('warn')).toContain('cutting a torn or corrupt tail off a segment');
    expect((await reopened.append(await makeBatch())).baseOffset).toBe(30);
    await reopened.close();
    const again = await openLog(setup, { segmentBytes: 600, indexIntervalBytes: 100 });
    expect(await recordOffsetsIn(await readAll(again))).toEqual(range(31));
  });

  it('cuts a batch truncated in the middle', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 5, { valueBytes: 100 });
    await log.close();
    const content = setup.fs.contentOf(logFile(0));
    await cutFile(setup.fs, logFile(0), content.length - 40);
    const reopened = await openLog(setup);
    expect(reopened.logEndOffset).toBe(4);
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(4));
  });

  it('cuts at a batch whose CRC fails, even if valid batches follow it', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 6, { valueBytes: 50 });
    await log.close();
    const batchBytes = (await makeBatch({ valueBytes: 50 })).length;
    setup.fs.corrupt(logFile(0), batchBytes * 3 + 70);
    const reopened = await openLog(setup);
    expect(reopened.logEndOffset).toBe(3);
  });

  it('rebuilds missing .index and .timeindex files from the log', async () => {
    const setup = harness();
    const { config, log } = await writeTimedLog(setup);
    for (const base of log.segmentBaseOffsets) {
      await setup.fs.removeFile(indexFile(base, '.index'));
      await setup.fs.removeFile(indexFile(base, '.timeindex'));
    }
    const reopened = await openLog(setup, config);
    expect(reopened.logEndOffset).toBe(50);
    expect((await reopened.read(37, 1)).firstOffset).toBe(37);
    expect(await reopened.offsetForTimestamp(BASE_TIME_MS + 20_500)).toEqual({
      offset: 21,
      timestamp: BASE_TIME_MS + 21_000,
    });
    const rebuilt = setup.fs.contentOf(indexFile(0, '.index'));
    expect(rebuilt.length).toBeGreaterThan(0);
    expect(rebuilt.length % 8).toBe(0);
  });

  it('finds well-formed index entries the log does not confirm (a flipped bit) and rebuilds them', async () => {
    const setup = harness();
    const { config } = await writeTimedLog(setup);
    const timeOriginal = Buffer.from(setup.fs.contentOf(indexFile(0, '.timeindex')));
    const offsetOriginal = Buffer.from(setup.fs.contentOf(indexFile(0, '.index')));
    expect(timeOriginal.length).toBeGreaterThanOrEqual(24);
    expect(offsetOriginal.length).toBeGreaterThanOrEqual(16);
    // Entry 1 of each stays increasing (shape checks pass) but names what the log does not say.
    const time = Buffer.from(timeOriginal);
    time[7] = (time[7] ?? 0) ^ 0x01; // timestamp of entry 0, lowest bit
    const offsets = Buffer.from(offsetOriginal);
    offsets[15] = (offsets[15] ?? 0) ^ 0x01; // position of entry 1, lowest bit
    await cutFile(setup.fs, indexFile(0, '.timeindex'), 0);
    await appendBytes(setup.fs, indexFile(0, '.timeindex'), time);
    await cutFile(setup.fs, indexFile(0, '.index'), 0);
    await appendBytes(setup.fs, indexFile(0, '.index'), offsets);
    const reopened = await openLog(setup, config);
    expect(setup.logger.messages('warn')).toContain(
      'index file is damaged; rebuilding it from the log past its last sound entry',
    );
    expect(Buffer.from(setup.fs.contentOf(indexFile(0, '.timeindex')))).toEqual(timeOriginal);
    expect(Buffer.from(setup.fs.contentOf(indexFile(0, '.index')))).toEqual(offsetOriginal);
    expect(await reopened.offsetForTimestamp(BASE_TIME_MS)).toEqual({
      offset: 0,
      timestamp: BASE_TIME_MS,
    });
    await reopened.close();
  });

  it('reopens a cleanly closed log without rewriting or doubting its indexes', async () => {
    const setup = harness();
    const { config } = await writeTimedLog(setup);
    const reopened = await openLog(setup, config);
    expect(setup.logger.messages('warn')).toEqual([]);
    await reopened.close();
  });

  it('rebuilds an index file of the wrong size or with entries out of order', async () => {
    const setup = harness();
    const config = { indexIntervalBytes: 100 };
    const log = await openLog(setup, config);
    await appendMany(log, 20);
    await log.close();
    await appendBytes(setup.fs, indexFile(0, '.index'), new Uint8Array([1, 2, 3]));
    await cutFile(setup.fs, indexFile(0, '.timeindex'), 0);
    await appendBytes(setup.fs, indexFile(0, '.timeindex'), new Uint8Array(24).fill(0xff));
    const reopened = await openLog(setup, config);
    expect(setup.logger.messages('warn')).toContain(
      'index file is damaged; rebuilding it from the log past its last sound entry',
    );
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(20));
    for (const offset of range(20))
      expect((await reopened.read(offset, 1)).firstOffset).toBe(offset);
  });

  it('drops index entries that point at the wrong batch', async () => {
    const setup = harness();
    const config = { indexIntervalBytes: 60 };
    const log = await openLog(setup, config);
    await appendMany(log, 20);
    await log.close();
    // A well-formed entry that lies: offset 15 at the position of another batch.
    const image = setup.fs.contentOf(indexFile(0, '.index'));
    const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const lastAt = image.length - 8;
    view.setInt32(lastAt, view.getInt32(lastAt) + 1);
    await cutFile(setup.fs, indexFile(0, '.index'), 0);
    await appendBytes(setup.fs, indexFile(0, '.index'), image);
    const reopened = await openLog(setup, config);
    expect(reopened.logEndOffset).toBe(20);
    for (const offset of range(20))
      expect((await reopened.read(offset, 1)).firstOffset).toBe(offset);
  });

  it('keeps everything flushed before a power loss with torn writes', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      let setup = harness(seed);
      const log = await openLog(setup, { segmentBytes: 400 });
      await appendMany(log, 12);
      await log.flush();
      const unflushed = [];
      for (let index = 0; index < 8; index++) unflushed.push(log.append(await makeBatch()));
      await Promise.all(unflushed);
      setup = { ...setup, fs: setup.fs.crash({ tornWrites: true }) };
      const reopened = await openLog(setup, { segmentBytes: 400 });
      expect(reopened.logEndOffset).toBeGreaterThanOrEqual(12);
      expect(reopened.logEndOffset).toBeLessThanOrEqual(20);
      const end = reopened.logEndOffset;
      expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(end));
      expect((await reopened.append(await makeBatch())).baseOffset).toBe(end);
    }
  });

  it('cuts a damaged sealed segment and deletes the segments after it', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 15);
    await log.close();
    const [, second, third] = log.segmentBaseOffsets;
    expect(third).toBeDefined();
    // Break the length field of the second segment's second batch.
    const batchBytes = (await makeBatch()).length;
    setup.fs.corrupt(logFile(second ?? 0), batchBytes + 8);
    const reopened = await openLog(setup, { segmentBytes: 300 });
    expect(reopened.logEndOffset).toBe((second ?? 0) + 1);
    expect(reopened.segmentBaseOffsets).toEqual([0, second]);
    expect(setup.logger.messages('error')).toContain(
      'damaged record batch in a segment: cutting the log at this offset and deleting every later segment',
    );
    // It held up to 14 before: that is what its replica may have acknowledged.
    expect(reopened.damage).toEqual({ lostEndOffset: 14, hardStateLost: false });
  });

  it('extends the old active-segment check to every sealed segment', async () => {
    // A record flipped in the middle batch of a sealed segment, long fsynced.
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 400, indexIntervalBytes: 100 });
    await appendMany(log, 20, { valueBytes: 20 });
    await log.close();
    const bases = log.segmentBaseOffsets;
    expect(bases.length).toBeGreaterThan(3);
    const [first, second] = bases;
    const perSegment = (second ?? 0) - (first ?? 0);
    expect(perSegment).toBeGreaterThanOrEqual(3);
    const middle = Math.floor(perSegment / 2);
    const batchBytes = (await makeBatch({ valueBytes: 20 })).length;
    setup.fs.corrupt(logFile(second ?? 0), batchBytes * middle + batchBytes - 5);
    const reopened = await openLog(setup, { segmentBytes: 400, indexIntervalBytes: 100 });
    const cut = (second ?? 0) + middle;
    expect(reopened.logEndOffset).toBe(cut);
    expect(reopened.segmentBaseOffsets).toEqual([first, second]);
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(cut));
    expect(reopened.damage).toEqual({ lostEndOffset: 19, hardStateLost: false });
    const line = setup.logger.lines.find((entry) => entry.level === 'error');
    expect(line?.object).toMatchObject({ file: logFile(second ?? 0), offset: cut });
    expect((await reopened.append(await makeBatch())).baseOffset).toBe(cut);
    await reopened.close();
  });

  it('keeps the damage marker across reopens until it is cleared', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 15);
    await log.close();
    const [, second] = log.segmentBaseOffsets;
    setup.fs.corrupt(logFile(second ?? 0), 40);
    const damaged = await openLog(setup, { segmentBytes: 300 });
    expect(damaged.damage?.lostEndOffset).toBe(14);
    await appendMany(damaged, 2);
    await damaged.close();
    // The log looks healthy now; only the marker remembers what it lost.
    const again = await openLog(setup, { segmentBytes: 300 });
    expect(again.damage).toEqual({ lostEndOffset: 14, hardStateLost: false });
    await again.clearDamage();
    await again.close();
    const repaired = await openLog(setup, { segmentBytes: 300 });
    expect(repaired.damage).toBeUndefined();
    expect(setup.logger.messages('warn')).not.toContain(
      'ignoring an unknown file in a partition directory',
    );
    await repaired.close();
  });

  it('treats a sealed segment truncated at a batch boundary as damage (a hole before the next)', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 15);
    await log.close();
    const [, second, third] = log.segmentBaseOffsets;
    const batchBytes = (await makeBatch()).length;
    await cutFile(setup.fs, logFile(second ?? 0), batchBytes);
    const reopened = await openLog(setup, { segmentBytes: 300 });
    expect(reopened.logEndOffset).toBe((second ?? 0) + 1);
    expect(reopened.damage?.lostEndOffset).toBeGreaterThanOrEqual((third ?? 0) - 1);
    expect(reopened.damage?.lostEndOffset).toBe(14);
    await reopened.close();
  });

  it('treats a sealed segment truncated mid-batch as damage', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 15);
    await log.close();
    const [, second] = log.segmentBaseOffsets;
    const batchBytes = (await makeBatch()).length;
    await cutFile(setup.fs, logFile(second ?? 0), batchBytes + 10);
    const reopened = await openLog(setup, { segmentBytes: 300 });
    expect(reopened.logEndOffset).toBe((second ?? 0) + 1);
    expect(reopened.damage?.lostEndOffset).toBe(14);
    await reopened.close();
  });

  it('does not call a torn tail of the newest segment damage (a crash leaves those)', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 5, { valueBytes: 100 });
    await log.close();
    const content = setup.fs.contentOf(logFile(0));
    await cutFile(setup.fs, logFile(0), content.length - 40);
    const reopened = await openLog(setup);
    expect(reopened.logEndOffset).toBe(4);
    expect(reopened.damage).toBeUndefined();
    await reopened.close();
  });

  it('calls a bad batch of the newest segment that valid batches follow damage', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 6, { valueBytes: 50 });
    await log.close();
    const batchBytes = (await makeBatch({ valueBytes: 50 })).length;
    setup.fs.corrupt(logFile(0), batchBytes * 3 + 70);
    const reopened = await openLog(setup);
    expect(reopened.logEndOffset).toBe(3);
    // Offsets 3..5 were there; the damaged batch counts as the most records its size can hold.
    const lostEnd = reopened.damage?.lostEndOffset ?? -1;
    expect(lostEnd).toBeGreaterThanOrEqual(5);
    expect(lostEnd).toBeLessThan(5 + batchBytes / 7);
    expect(reopened.damage?.hardStateLost).toBe(false);
    await reopened.close();
  });

  it('does not trust a flipped base offset field (outside the CRC) for how far the log reached', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 6, { valueBytes: 50 });
    await log.close();
    const batchBytes = (await makeBatch({ valueBytes: 50 })).length;
    setup.fs.corrupt(logFile(0), batchBytes * 3 + 4); // base offset of batch 3, bits 24..31
    const reopened = await openLog(setup);
    expect(reopened.logEndOffset).toBe(3);
    // Batches 3..5 are CRC-valid: exactly offsets 3..5 were there, whatever batch 3 claims.
    expect(reopened.damage).toEqual({ lostEndOffset: 5, hardStateLost: false });
    await reopened.close();
  });

  it('reads a damaged damage marker as the worst case', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 300 });
    await appendMany(log, 15);
    await log.close();
    const [, second] = log.segmentBaseOffsets;
    setup.fs.corrupt(logFile(second ?? 0), 40);
    const damaged = await openLog(setup, { segmentBytes: 300 });
    await damaged.close();
    setup.fs.corrupt(join(DIRECTORY, DAMAGE_MARKER_FILE), 20);
    const again = await openLog(setup, { segmentBytes: 300 });
    // Nothing else to go by than its own last offset, and the term and vote may be lost too.
    expect(again.damage).toEqual({ lostEndOffset: (second ?? 0) - 1, hardStateLost: true });
    await again.close();
  });

  it('removes leftover temporary and orphan index files, ignores unknown ones', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 2);
    await log.close();
    for (const name of ['x.tmp', segmentFileName(77, '.index'), 'notes.txt']) {
      const handle = await setup.fs.open(join(DIRECTORY, name), 'create');
      await handle.close();
    }
    const reopened = await openLog(setup);
    expect((await setup.fs.list(DIRECTORY)).sort()).toEqual(
      [
        'notes.txt',
        segmentFileName(0, '.index'),
        segmentFileName(0, '.log'),
        segmentFileName(0, '.timeindex'),
      ].sort(),
    );
    expect(reopened.logEndOffset).toBe(2);
  });

  it('ignores a damaged log-start checkpoint (logging an error)', async () => {
    const setup = harness();
    const log = await openLog(setup);
    await appendMany(log, 5);
    await log.truncatePrefix(3);
    await log.close();
    setup.fs.corrupt(join(DIRECTORY, LOG_START_OFFSET_FILE), 20);
    const reopened = await openLog(setup);
    expect(reopened.logStartOffset).toBe(0);
    expect(setup.logger.messages('error')).toContain(
      'ignoring a damaged log start offset checkpoint',
    );
  });

  it('finishes a truncatePrefix interrupted before its segments were deleted', async () => {
    const setup = harness();
    const log = await openLog(setup, { segmentBytes: 200 });
    await appendMany(log, 10);
    await log.flush();
    setup.fs.failOperation({ nth: 1, kinds: ['removeFile'] });
    await expect(log.truncatePrefix(100)).rejects.toMatchObject({ code: 'STORAGE_ERROR' });
    const rebooted = { ...setup, fs: setup.fs.restart() };
    const reopened = await openLog(rebooted, { segmentBytes: 200 });
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.segmentBaseOffsets]).toEqual([
      100,
      100,
      [100],
    ]);
  });
});

describe('recovery on the real disk (NodeFileSystem)', () => {
  const directories: string[] = [];
  afterEach(async () => {
    for (const directory of directories.splice(0))
      await rm(directory, { recursive: true, force: true });
  });

  async function realSetup(): Promise<{
    directory: string;
    setup: { fs: NodeFileSystem; clock: ManualClock; logger: RecordingLogger };
  }> {
    const root = await mkdtemp(join(tmpdir(), 'brook-storage-'));
    directories.push(root);
    return {
      directory: join(root, 'topics', 'events', '0'),
      setup: { fs: new NodeFileSystem(), clock: new ManualClock(), logger: new RecordingLogger() },
    };
  }

  it('cuts random bytes appended to the newest .log, then appends again', async () => {
    const { directory, setup } = await realSetup();
    const config = { segmentBytes: 1000, indexIntervalBytes: 200 };
    const log = await openLog(setup, config, directory);
    await appendMany(log, 40);
    await log.close();
    const newest = log.segmentBaseOffsets.at(-1) ?? 0;
    await appendFile(logFile(newest, directory), new SeededRandom(3).bytes(500));
    const reopened = await openLog(setup, config, directory);
    expect(await recordOffsetsIn(await readAll(reopened))).toEqual(range(40));
    await reopened.append(await makeBatch());
    await reopened.close();
    expect((await stat(logFile(newest, directory))).size).toBeGreaterThan(0);
    const again = await openLog(setup, config, directory);
    expect(again.logEndOffset).toBe(41);
    await again.close();
  });

  it('recovers a mid-batch cut and missing indexes', async () => {
    const { directory, setup } = await realSetup();
    const config = { indexIntervalBytes: 100 };
    const log = await openLog(setup, config, directory);
    await appendMany(log, 10, { valueBytes: 30 });
    await log.close();
    const path = logFile(0, directory);
    await truncate(path, (await stat(path)).size - 10);
    await unlink(indexFile(0, '.index', directory));
    await unlink(indexFile(0, '.timeindex', directory));
    const reopened = await openLog(setup, config, directory);
    expect(reopened.logEndOffset).toBe(9);
    for (const offset of range(9))
      expect((await reopened.read(offset, 1)).firstOffset).toBe(offset);
    await reopened.delete();
  });

  it('runs the whole life cycle: append, flush, roll, truncate, retention, reopen', async () => {
    const { directory, setup } = await realSetup();
    const config = { segmentBytes: 500, retentionMs: -1 };
    const log = await openLog({ ...setup, logger: silentLogger }, config, directory);
    await appendMany(log, 30, { term: 1 });
    expect(await log.flush()).toBe(30);
    await log.truncateSuffix(25);
    await appendMany(log, 5, { term: 2 });
    await log.truncatePrefix(7);
    log.updateConfig({ retentionBytes: 600 });
    await log.applyRetention();
    const start = log.logStartOffset;
    await log.close();
    const reopened = await openLog(setup, config, directory);
    expect([reopened.logStartOffset, reopened.logEndOffset]).toEqual([start, 30]);
    expect(reopened.termAt(29)).toBe(2);
    expect(reopened.termAt(24)).toBe(1);
    await reopened.close();
  });
});
