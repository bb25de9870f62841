/**
 * The in-memory file system must lose exactly what a real disk loses on power failure, or the
 * crash tests built on it prove nothing. These tests pin its model.
 */
import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../../src/util/ports.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function durableFile(fs: MemoryFileSystem, path: string, content: string): Promise<void> {
  const handle = await fs.open(path, 'create');
  await handle.write(bytes(content), 0);
  await handle.sync();
  await handle.close();
  await fs.syncDirectory('/d');
}

describe('MemoryFileSystem', () => {
  it('keeps synced data and loses unsynced data on a crash', async () => {
    let fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await fs.syncDirectory('/');
    await durableFile(fs, '/d/a', 'hello');
    const handle = await fs.open('/d/a', 'readWrite');
    await handle.write(bytes(' world'), 5);
    expect(text(await fs.readFile('/d/a'))).toBe('hello world');
    fs = fs.crash();
    expect(text(await fs.readFile('/d/a'))).toBe('hello');
  });

  it('undoes a file creation whose directory was not synced', async () => {
    let fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await fs.syncDirectory('/');
    const handle = await fs.open('/d/new', 'create');
    await handle.write(bytes('data'), 0);
    await handle.sync();
    fs = fs.crash();
    expect(await fs.exists('/d/new')).toBe(false);
  });

  it('undoes a rename that was not followed by syncDirectory', async () => {
    let fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await fs.syncDirectory('/');
    await durableFile(fs, '/d/old', 'old content');
    await durableFile(fs, '/d/tmp', 'new content');
    await fs.rename('/d/tmp', '/d/old');
    expect(text(await fs.readFile('/d/old'))).toBe('new content');
    fs = fs.crash();
    expect(text(await fs.readFile('/d/old'))).toBe('old content');
    expect(text(await fs.readFile('/d/tmp'))).toBe('new content');
  });

  it('keeps a rename made durable by syncDirectory', async () => {
    let fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await fs.syncDirectory('/');
    await durableFile(fs, '/d/tmp', 'new');
    await fs.rename('/d/tmp', '/d/final');
    await fs.syncDirectory('/d');
    fs = fs.crash();
    expect(await fs.list('/d')).toEqual(['final']);
  });

  it('loses a whole directory whose own entry was never synced', async () => {
    let fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await durableFile(fs, '/d/a', 'synced, but the directory is not');
    fs = fs.crash();
    expect(await fs.exists('/d')).toBe(false);
  });

  it('with torn writes keeps a prefix of the unsynced tail, maybe with garbage', async () => {
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      let fs = new MemoryFileSystem(new SeededRandom(seed));
      await fs.makeDirectory('/d');
      await fs.syncDirectory('/');
      await durableFile(fs, '/d/a', 'durable|');
      const handle = await fs.open('/d/a', 'readWrite');
      await handle.write(bytes('unsynced-tail'), 8);
      fs = fs.crash({ tornWrites: true });
      const after = await fs.readFile('/d/a');
      // The synced part always survives intact.
      expect(text(after.subarray(0, 8))).toBe('durable|');
      const tail = text(after.subarray(8));
      const kept = 'unsynced-tail'.split('').findIndex((char, index) => tail[index] !== char);
      outcomes.add(kept === -1 ? 'whole' : kept === 0 ? 'none' : 'partial');
    }
    expect(outcomes.has('partial')).toBe(true);
    expect(outcomes.has('none')).toBe(true);
  });

  it('kills the old view and its handles on crash', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    const handle = await fs.open('/d/a', 'create');
    const rebooted = fs.crash();
    await expect(handle.write(bytes('x'), 0)).rejects.toMatchObject({ code: 'EIO' });
    await expect(fs.list('/')).rejects.toMatchObject({ code: 'EIO' });
    expect(await rebooted.list('/')).toEqual([]);
  });

  it('reports missing paths with ENOENT, counts fsyncs, and injects faults', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(1));
    const missing = await fs.readFile('/nope').catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);
    await fs.makeDirectory('/d');
    const handle = await fs.open('/d/a', 'create');
    await handle.sync();
    await handle.sync();
    expect(fs.syncCount).toBe(2);
    fs.failOperation({ nth: 2, kinds: ['write'] });
    await handle.write(bytes('first'), 0);
    await expect(handle.write(bytes('second'), 5)).rejects.toMatchObject({ code: 'EIO' });
    await handle.write(bytes('third'), 5);
    expect(text(await fs.readFile('/d/a'))).toBe('firstthird');
  });

  it('corrupts a byte in place', async () => {
    const fs = new MemoryFileSystem(new SeededRandom(1));
    await fs.makeDirectory('/d');
    await durableFile(fs, '/d/a', 'abc');
    fs.corrupt('/d/a', 1);
    const after = await fs.readFile('/d/a');
    expect(after[1]).toBe('b'.charCodeAt(0) ^ 0xff);
  });
});
