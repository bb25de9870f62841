/**
 * The Node implementation of the `FileSystem` port (util/ports.ts) over node:fs/promises.
 *
 * Durability is explicit, as the port promises: `FileHandle.sync` is fdatasync (file data and
 * the metadata needed to read it back, such as its size), and directory entries become durable
 * only through `syncDirectory`, which fsyncs the directory itself. Node's errors pass through
 * unchanged so their `code` (ENOENT, EIO, ...) reaches `isNotFound` and the logs.
 *
 * Must not: buffer, retry or swallow errors; storage decides what a failed write means.
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import type { FileHandle as NodeFileHandle } from 'node:fs/promises';
import type { FileHandle, FileSystem, OpenMode } from '../util/ports.js';

/** Read-write and create, but never O_TRUNC and never O_APPEND (writes are positional). */
const CREATE_FLAGS = constants.O_RDWR | constants.O_CREAT;

function flagsOf(mode: OpenMode): number | string {
  switch (mode) {
    case 'read':
      return 'r';
    case 'readWrite':
      return 'r+';
    case 'create':
      return CREATE_FLAGS;
  }
}

class NodeFileHandleAdapter implements FileHandle {
  constructor(private readonly handle: NodeFileHandle) {}

  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, offset, length, position);
    return bytesRead;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    // pwrite may write less than asked (rare for regular files, but allowed): loop until done.
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(
        data,
        written,
        data.length - written,
        position + written,
      );
      written += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export class NodeFileSystem implements FileSystem {
  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    return new NodeFileHandleAdapter(await open(path, flagsOf(mode), 0o644));
  }

  async readFile(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async list(directory: string): Promise<string[]> {
    return readdir(directory);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await access(path, constants.F_OK);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return false;
      throw error;
    }
  }

  async makeDirectory(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to);
  }

  async removeFile(path: string): Promise<void> {
    await unlink(path);
  }

  async removeTree(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async syncDirectory(path: string): Promise<void> {
    // Linux lets a directory opened read-only be fsynced; that commits its entries.
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
