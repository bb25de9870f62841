/**
 * Small metadata files must be all-old or all-new after a crash, and a damaged one must be
 * reported rather than trusted.
 */
import { describe, expect, it } from 'vitest';
import {
  readChecksummedJson,
  readFileIfExists,
  writeChecksummedJson,
  writeFileAtomic,
} from '../../../src/storage/atomic-file.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';

async function freshFs(): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem(new SeededRandom(5));
  await fs.makeDirectory('/meta');
  await fs.syncDirectory('/');
  return fs;
}

describe('writeFileAtomic', () => {
  it('is durable once it resolves, even across a crash', async () => {
    let fs = await freshFs();
    await writeFileAtomic(fs, '/meta/state', new Uint8Array([1, 2, 3]));
    fs = fs.crash({ tornWrites: true });
    expect([...((await readFileIfExists(fs, '/meta/state')) ?? [])]).toEqual([1, 2, 3]);
    expect(await fs.list('/meta')).toEqual(['state']);
  });

  it('leaves the old content when interrupted before the rename', async () => {
    let fs = await freshFs();
    await writeFileAtomic(fs, '/meta/state', new Uint8Array([1]));
    fs.failOperation({ nth: 1, kinds: ['rename'] });
    await expect(writeFileAtomic(fs, '/meta/state', new Uint8Array([2, 2]))).rejects.toThrow();
    fs = fs.crash({ tornWrites: true });
    expect([...(await fs.readFile('/meta/state'))]).toEqual([1]);
  });

  it('does not keep the tail of a longer leftover temporary file', async () => {
    const fs = await freshFs();
    const leftover = await fs.open('/meta/state.tmp', 'create');
    await leftover.write(new Uint8Array(100).fill(9), 0);
    await leftover.close();
    await writeFileAtomic(fs, '/meta/state', new Uint8Array([7]));
    expect([...(await fs.readFile('/meta/state'))]).toEqual([7]);
  });
});

describe('checksummed JSON', () => {
  it('round-trips a value and returns undefined for a missing file', async () => {
    const fs = await freshFs();
    expect(await readChecksummedJson(fs, '/meta/none.json')).toBeUndefined();
    await writeChecksummedJson(fs, '/meta/topic.json', { name: 'events', partitions: 3 });
    expect(await readChecksummedJson(fs, '/meta/topic.json')).toEqual({
      name: 'events',
      partitions: 3,
    });
    const text = new TextDecoder().decode(await fs.readFile('/meta/topic.json'));
    expect(text).toMatch(/^crc32c=[0-9a-f]{8}\n\{"name":"events"/);
  });

  it('reports damage as CORRUPT_MESSAGE instead of trusting it', async () => {
    const fs = await freshFs();
    await writeChecksummedJson(fs, '/meta/topic.json', { name: 'events' });
    fs.corrupt('/meta/topic.json', 20);
    await expect(readChecksummedJson(fs, '/meta/topic.json')).rejects.toMatchObject({
      code: 'CORRUPT_MESSAGE',
    });
    const short = await fs.open('/meta/short.json', 'create');
    await short.write(new TextEncoder().encode('{}'), 0);
    await short.close();
    await expect(readChecksummedJson(fs, '/meta/short.json')).rejects.toMatchObject({
      code: 'CORRUPT_MESSAGE',
    });
  });
});
