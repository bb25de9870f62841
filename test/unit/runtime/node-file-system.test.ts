/**
 * The Node FileSystem must behave as the port says: positional I/O, create without truncating,
 * ENOENT codes that `isNotFound` recognizes, directory sync that works on Linux.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../../../src/runtime/node-file-system.js';
import { isNotFound } from '../../../src/util/ports.js';

describe('NodeFileSystem', () => {
  const fs = new NodeFileSystem();
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'brook-fs-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes and reads at positions, and create does not truncate', async () => {
    const path = join(root, 'a');
    const handle = await fs.open(path, 'create');
    await handle.write(new Uint8Array([1, 2, 3]), 0);
    await handle.write(new Uint8Array([9]), 5);
    await handle.sync();
    expect(await handle.size()).toBe(6);
    await handle.close();
    const again = await fs.open(path, 'create');
    const buffer = new Uint8Array(10);
    expect(await again.read(buffer, 0, 10, 0)).toBe(6);
    expect([...buffer.subarray(0, 6)]).toEqual([1, 2, 3, 0, 0, 9]);
    await again.truncate(2);
    expect(await again.size()).toBe(2);
    await again.close();
  });

  it('lists, renames, syncs directories and removes', async () => {
    await fs.makeDirectory(join(root, 'd', 'e'));
    const handle = await fs.open(join(root, 'd', 'x'), 'create');
    await handle.close();
    await fs.rename(join(root, 'd', 'x'), join(root, 'd', 'y'));
    await fs.syncDirectory(join(root, 'd'));
    expect((await fs.list(join(root, 'd'))).sort()).toEqual(['e', 'y']);
    expect(await fs.exists(join(root, 'd', 'y'))).toBe(true);
    await fs.removeFile(join(root, 'd', 'y'));
    expect(await fs.exists(join(root, 'd', 'y'))).toBe(false);
    await fs.removeTree(join(root, 'd'));
    await fs.removeTree(join(root, 'd'));
    expect(await fs.exists(join(root, 'd'))).toBe(false);
  });

  it('reports missing files with ENOENT', async () => {
    const errors = await Promise.all([
      fs.open(join(root, 'missing'), 'read').catch((error: unknown) => error),
      fs.readFile(join(root, 'missing')).catch((error: unknown) => error),
      fs.removeFile(join(root, 'missing')).catch((error: unknown) => error),
    ]);
    expect(errors.every(isNotFound)).toBe(true);
  });
});
