/**
 * The power-loss layer must keep unsynced writes and truncations in memory only (visible to
 * this process, absent from the real file until a sync), replay them in order on sync, keep
 * NodeFileSystem's semantics for reads, sizes and holes, and publish its counters.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../../../src/runtime/node-file-system.js';
import {
  PowerLossFileSystem,
  startPowerLossStats,
  type PowerLossStats,
} from '../../../src/runtime/power-loss-file-system.js';
import type { FileSystem } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ManualScheduler } from '../../support/manual-scheduler.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const onDisk = (path: string): number[] => [...readFileSync(path)];

async function readAll(fs: FileSystem, path: string): Promise<number[]> {
  const handle = await fs.open(path, 'read');
  try {
    const size = await handle.size();
    const buffer = new Uint8Array(size + 8);
    const read = await handle.read(buffer, 0, buffer.length, 0);
    expect(read).toBe(size);
    return [...buffer.subarray(0, read)];
  } finally {
    await handle.close();
  }
}

describe('PowerLossFileSystem', () => {
  let root = '';
  let fs: PowerLossFileSystem;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'brook-power-loss-'));
    fs = new PowerLossFileSystem();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps unsynced writes in memory: visible to reads, absent on disk until sync', async () => {
    const path = join(root, 'log');
    const handle = await fs.open(path, 'create');
    await handle.write(bytes(1, 2, 3), 0);
    await handle.write(bytes(4, 5), 3); // appended to the same pending range
    await handle.write(bytes(9), 8); // leaves a hole
    expect(await handle.size()).toBe(9);
    const buffer = new Uint8Array(16);
    expect(await handle.read(buffer, 0, 16, 0)).toBe(9);
    expect([...buffer.subarray(0, 9)]).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    expect(await handle.read(buffer, 2, 3, 2)).toBe(3);
    expect([...buffer.subarray(2, 5)]).toEqual([3, 4, 5]);
    expect([...(await fs.readFile(path))]).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    expect(await readAll(fs, path)).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    expect(onDisk(path)).toEqual([]);
    expect(fs.stats(0)).toMatchObject({ pendingBytes: 6, syncedBytes: 0, pendingFiles: 1 });

    await handle.sync();
    expect(onDisk(path)).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    expect(fs.stats(0)).toMatchObject({ pendingBytes: 0, syncedBytes: 6, pendingFiles: 0 });
    expect(fs.stats(0).maxPendingBytes).toBe(6);

    await handle.write(bytes(7, 7), 1); // overwrite, unsynced
    expect([...(await fs.readFile(path))]).toEqual([1, 7, 7, 4, 5, 0, 0, 0, 9]);
    expect(onDisk(path)).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    await handle.close();
    // Closing does not flush (a page cache), and the overlay survives a reopen.
    expect(onDisk(path)).toEqual([1, 2, 3, 4, 5, 0, 0, 0, 9]);
    expect(await readAll(fs, path)).toEqual([1, 7, 7, 4, 5, 0, 0, 0, 9]);
    const again = await fs.open(path, 'readWrite');
    await again.sync();
    await again.close();
    expect(onDisk(path)).toEqual([1, 7, 7, 4, 5, 0, 0, 0, 9]);
  });

  it('a fresh instance (the next process after a kill -9) sees only synced data', async () => {
    const path = join(root, 'log');
    const handle = await fs.open(path, 'create');
    await handle.write(bytes(1, 2), 0);
    await handle.sync();
    await handle.write(bytes(3, 4), 2);
    const reborn = new PowerLossFileSystem();
    expect(await readAll(reborn, path)).toEqual([1, 2]);
    await handle.close();
  });

  it('holds truncations until sync and replays writes and truncations in order', async () => {
    const path = join(root, 'segment');
    const handle = await fs.open(path, 'create');
    await handle.write(bytes(1, 2, 3, 4, 5, 6), 0);
    await handle.sync();
    await handle.truncate(2);
    expect(await handle.size()).toBe(2);
    expect(statSync(path).size).toBe(6);
    expect(await readAll(fs, path)).toEqual([1, 2]);
    await handle.truncate(4); // extends with zeros, not with the old bytes
    expect(await readAll(fs, path)).toEqual([1, 2, 0, 0]);
    await handle.write(bytes(8), 5);
    await handle.truncate(5); // cuts that write again
    await handle.write(bytes(9), 3);
    expect(await readAll(fs, path)).toEqual([1, 2, 0, 9, 0]);
    expect(onDisk(path)).toEqual([1, 2, 3, 4, 5, 6]);
    await handle.sync();
    expect(onDisk(path)).toEqual([1, 2, 0, 9, 0]);
    await handle.close();
  });

  it('matches NodeFileSystem on the same sequence of operations', async () => {
    const node = new NodeFileSystem();
    const results: number[][] = [];
    for (const [name, system] of [
      ['node', node],
      ['power', fs],
    ] as const) {
      const path = join(root, name);
      const handle = await system.open(path, 'create');
      await handle.write(new Uint8Array(100).fill(1), 0);
      await handle.write(new Uint8Array(10).fill(2), 95);
      await handle.truncate(50);
      await handle.write(new Uint8Array(5).fill(3), 60);
      await handle.sync();
      await handle.write(new Uint8Array(5).fill(4), 48);
      await handle.truncate(70);
      await handle.close();
      results.push(await readAll(system, path));
      results.push([...(await system.readFile(path))]);
    }
    expect(results[2]).toEqual(results[0]);
    expect(results[3]).toEqual(results[1]);
  });

  it('lets a concurrent read see the data while a sync replays it', async () => {
    const path = join(root, 'busy');
    const handle = await fs.open(path, 'create');
    const chunk = new Uint8Array(4096).fill(5);
    for (let index = 0; index < 64; index++) await handle.write(chunk, index * 4096);
    const syncing = handle.sync();
    const reads = Array.from({ length: 20 }, () => fs.readFile(path));
    await new Promise((resolve) => setImmediate(resolve)); // the sync has begun
    await handle.write(bytes(6), 64 * 4096); // arrives during (or after) it: stays pending
    for (const content of await Promise.all(reads)) {
      expect(content.length).toBeGreaterThanOrEqual(64 * 4096);
      expect(content.subarray(0, 64 * 4096).every((value) => value === 5)).toBe(true);
    }
    await syncing;
    expect(statSync(path).size).toBe(64 * 4096);
    expect(fs.stats(0)).toMatchObject({ pendingBytes: 1, syncedBytes: 64 * 4096 });
    await handle.sync();
    expect(statSync(path).size).toBe(64 * 4096 + 1);
    await handle.close();
  });

  it('moves pending writes with a rename and drops them with a remove', async () => {
    const from = join(root, 'a.tmp');
    const to = join(root, 'a');
    const handle = await fs.open(from, 'create');
    await handle.write(bytes(1, 2, 3), 0);
    await handle.close();
    await fs.rename(from, to); // directory entries change at once
    expect(await fs.exists(to)).toBe(true);
    expect([...(await fs.readFile(to))]).toEqual([1, 2, 3]);
    expect(onDisk(to)).toEqual([]);
    expect(fs.stats(0).pendingBytes).toBe(3);
    await fs.removeFile(to);
    expect(fs.stats(0)).toMatchObject({ pendingBytes: 0, pendingFiles: 0 });
  });

  it('on a clean exit hands the unsynced writes to the real files (writeBack)', async () => {
    const path = join(root, 'index');
    const handle = await fs.open(path, 'create');
    await handle.write(bytes(1, 2, 3, 4), 0);
    await handle.sync();
    await handle.truncate(1);
    await handle.write(bytes(5), 2);
    await handle.close();
    expect(onDisk(path)).toEqual([1, 2, 3, 4]);
    await fs.writeBack();
    expect(onDisk(path)).toEqual([1, 0, 5]);
    expect(fs.stats(0)).toMatchObject({ pendingBytes: 0, syncedBytes: 4, pendingFiles: 0 });
  });

  it('reports ENOENT and EBADF like the real file system', async () => {
    await expect(fs.open(join(root, 'missing'), 'read')).rejects.toMatchObject({ code: 'ENOENT' });
    const path = join(root, 'ro');
    const created = await fs.open(path, 'create');
    await created.close();
    const readOnly = await fs.open(path, 'read');
    await expect(readOnly.write(bytes(1), 0)).rejects.toMatchObject({ code: 'EBADF' });
    await readOnly.close();
    await expect(readOnly.size()).rejects.toMatchObject({ code: 'EBADF' });
  });

  it('writes the stats file atomically every interval through the real file system', async () => {
    const clock = new ManualClock(1_000);
    const scheduler = new ManualScheduler(clock);
    const statsPath = join(root, 'power-loss-stats.json');
    const path = join(root, 'log');
    const handle = await fs.open(path, 'create');
    await handle.write(new Uint8Array(10), 0);
    const stop = startPowerLossStats({ fs, path: statsPath, scheduler, clock, intervalMs: 100 });
    const readStats = async (): Promise<PowerLossStats> =>
      JSON.parse(await readFile(statsPath, 'utf8')) as PowerLossStats;
    await expect.poll(readStats).toMatchObject({ pendingBytes: 10, syncedBytes: 0, atMs: 1_000 });
    await handle.sync();
    scheduler.advance(100);
    await expect.poll(readStats).toEqual({
      pendingBytes: 0,
      syncedBytes: 10,
      maxPendingBytes: 10,
      pendingFiles: 0,
      atMs: 1_100,
    });
    stop();
    await handle.close();
  });
});
