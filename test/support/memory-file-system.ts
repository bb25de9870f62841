/**
 * An in-memory `FileSystem` that models the page cache and the disk separately, so tests and
 * the simulator can cut the power at any point and see only what a real disk would keep.
 *
 * Model:
 * - Every file (inode) has `current` bytes (what reads see: the page cache) and `durable`
 *   bytes (what survives a power loss). `FileHandle.sync` makes current durable.
 * - Every directory has `current` entries and `durable` entries. Creating a file, renaming,
 *   removing and making a directory change only the current entries of the parent, which
 *   become durable on `syncDirectory(parent)`. A directory whose own entry in its parent is
 *   not durable vanishes with everything in it on a crash, synced or not (as on a real disk).
 * - `crash()` is a power loss: file contents revert to durable (with `tornWrites`, a random
 *   prefix of the unsynced bytes may survive, sometimes followed by garbage), directory
 *   entries revert to durable. `restart()` is a process crash: the page cache survives.
 *   Both return a new view of the same disk; the old view and every handle opened through it
 *   are dead afterwards (each operation throws `EIO`), so code still running in the "old
 *   process" can no longer touch the disk.
 * - Fault injection: `failOperation` makes the Nth matching operation throw `EIO` (or another
 *   code); `setOperationHook` sees every operation first and may throw or crash;
 *   `setOperationDelay` lets a test hold an operation (say, an fsync) until it releases it.
 *
 * Deterministic: no timers and no global randomness; the only randomness is the injected
 * `Random`, used for torn writes. A rename across two directories is modelled as two
 * independent directory updates (a crash may keep both names or neither), which is harsher
 * than a journaling file system; Brook renames only within one directory.
 */
import { posix } from 'node:path';
import type { FileHandle, FileSystem, OpenMode, Random } from '../../src/util/ports.js';

export type OperationKind =
  | 'open'
  | 'readFile'
  | 'list'
  | 'exists'
  | 'makeDirectory'
  | 'rename'
  | 'removeFile'
  | 'removeTree'
  | 'syncDirectory'
  | 'read'
  | 'write'
  | 'sync'
  | 'truncate'
  | 'size'
  | 'close';

export interface Operation {
  readonly kind: OperationKind;
  readonly path: string;
  /** 1-based count of operations on this disk so far, this one included. */
  readonly sequence: number;
}

export interface CrashOptions {
  /** Let a random prefix of each file's unsynced bytes survive, maybe followed by garbage. */
  readonly tornWrites?: boolean;
}

export interface FaultRule {
  /** Fail the nth matching operation from now on (1 = the next one). */
  readonly nth: number;
  readonly kinds?: readonly OperationKind[];
  readonly pathIncludes?: string;
  /** Error code of the injected failure; default EIO. */
  readonly code?: string;
}

/** A file-system failure that carries a Node-style `code` (so `isNotFound` works). */
export class MemoryFileSystemError extends Error {
  override readonly name = 'MemoryFileSystemError';
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly path: string,
  ) {
    super(`${code}: ${syscall} '${path}'`);
  }
}

/** A growable byte array. */
class Bytes {
  private buffer: Uint8Array;
  length: number;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.buffer = new Uint8Array(Math.max(64, initial.length));
    this.buffer.set(initial);
    this.length = initial.length;
  }

  view(start = 0, end = this.length): Uint8Array {
    return this.buffer.subarray(start, end);
  }

  copy(): Bytes {
    return new Bytes(this.view());
  }

  write(data: Uint8Array, position: number): void {
    const end = position + data.length;
    if (end > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < end) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.view());
      this.buffer = grown;
    }
    // A write past the end leaves a hole that reads as zeros, as on a real file system.
    if (position > this.length) this.buffer.fill(0, this.length, position);
    this.buffer.set(data, position);
    this.length = Math.max(this.length, end);
  }

  truncate(length: number): void {
    if (length > this.length) this.write(new Uint8Array(length - this.length), this.length);
    this.length = length;
  }
}

class Inode {
  current = new Bytes();
  durable = new Bytes();
  /** Lowest byte position changed since the last sync; Infinity when clean. */
  dirtyFrom = Number.POSITIVE_INFINITY;

  markDirty(position: number): void {
    this.dirtyFrom = Math.min(this.dirtyFrom, position);
  }

  sync(): void {
    if (this.dirtyFrom === Number.POSITIVE_INFINITY) return;
    const from = Math.min(this.dirtyFrom, this.current.length, this.durable.length);
    this.durable.truncate(from);
    this.durable.write(this.current.view(from), from);
    this.dirtyFrom = Number.POSITIVE_INFINITY;
  }
}

type Entry =
  | { readonly kind: 'file'; readonly inode: Inode }
  | { readonly kind: 'directory'; readonly directory: Directory };

class Directory {
  current = new Map<string, Entry>();
  durable = new Map<string, Entry>();
}

/** The state shared by every view of one disk: the "hardware". */
export class MemoryDisk {
  readonly root = new Directory();
  epoch = 0;
  operations = 0;
  fileSyncs = 0;
  directorySyncs = 0;
  faults: { rule: FaultRule; remaining: number }[] = [];
  hook: ((operation: Operation) => void) | undefined;
  delay: ((operation: Operation) => Promise<void> | undefined) | undefined;

  constructor(readonly random: Random) {}
}

export class MemoryFileSystem implements FileSystem {
  private readonly disk: MemoryDisk;
  private readonly epoch: number;

  /** A fresh empty disk; `disk` is for the views that `crash` and `restart` hand out. */
  constructor(random: Random, disk?: MemoryDisk) {
    this.disk = disk ?? new MemoryDisk(random);
    this.epoch = this.disk.epoch;
  }

  // ---- test controls (not part of the FileSystem port) ----

  /** Power loss. Returns the view to use after the reboot; this view is dead. */
  crash(options: CrashOptions = {}): MemoryFileSystem {
    this.assertAlive('crash', '/');
    const visited = new Set<Inode>();
    const revert = (directory: Directory): void => {
      directory.current = new Map(directory.durable);
      for (const entry of directory.durable.values()) {
        if (entry.kind === 'directory') revert(entry.directory);
        else if (!visited.has(entry.inode)) {
          visited.add(entry.inode);
          this.revertFile(entry.inode, options.tornWrites === true);
        }
      }
    };
    revert(this.disk.root);
    return this.reboot();
  }

  /** Process crash without power loss: the page cache survives. This view is dead. */
  restart(): MemoryFileSystem {
    this.assertAlive('restart', '/');
    return this.reboot();
  }

  /** Flips every bit of the byte at `position` (media corruption), in cache and on disk. */
  corrupt(path: string, position: number): void {
    const inode = this.fileAt(path, 'corrupt');
    if (position < 0 || position >= inode.current.length) {
      throw new RangeError(`corrupt: position ${position} outside ${path}`);
    }
    for (const bytes of [inode.current, inode.durable]) {
      if (position < bytes.length) {
        const view = bytes.view();
        view[position] = (view[position] ?? 0) ^ 0xff;
      }
    }
  }

  /** Current content of a file, for inspection (not counted as an operation). */
  contentOf(path: string): Uint8Array {
    return this.fileAt(path, 'contentOf').current.view().slice();
  }

  failOperation(rule: FaultRule): void {
    if (!(Number.isInteger(rule.nth) && rule.nth >= 1)) throw new RangeError('nth must be >= 1');
    this.disk.faults.push({ rule, remaining: rule.nth });
  }

  /** Called before every operation; it may throw (the operation fails) or crash the disk. */
  setOperationHook(hook: ((operation: Operation) => void) | undefined): void {
    this.disk.hook = hook;
  }

  /**
   * Before an operation takes effect, waits for the promise the function returns (undefined:
   * no wait). Lets a test hold an fsync in flight, or a simulator schedule disk latency.
   */
  setOperationDelay(
    delay: ((operation: Operation) => Promise<void> | undefined) | undefined,
  ): void {
    this.disk.delay = delay;
  }

  get operationCount(): number {
    return this.disk.operations;
  }

  /** Number of `FileHandle.sync` calls that reached the disk. */
  get syncCount(): number {
    return this.disk.fileSyncs;
  }

  get directorySyncCount(): number {
    return this.disk.directorySyncs;
  }

  // ---- FileSystem port ----

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const absolute = await this.begin('open', path);
    const { parent, name } = this.parentOf(absolute, 'open');
    let entry = parent.current.get(name);
    if (entry === undefined) {
      if (mode !== 'create') throw new MemoryFileSystemError('ENOENT', 'open', absolute);
      entry = { kind: 'file', inode: new Inode() };
      parent.current.set(name, entry);
    }
    if (entry.kind !== 'file') throw new MemoryFileSystemError('EISDIR', 'open', absolute);
    return new MemoryFileHandle(this, entry.inode, absolute, mode !== 'read');
  }

  async readFile(path: string): Promise<Uint8Array> {
    const absolute = await this.begin('readFile', path);
    return this.fileAt(absolute, 'open').current.view().slice();
  }

  async list(directory: string): Promise<string[]> {
    const absolute = await this.begin('list', directory);
    return [...this.directoryAt(absolute, 'scandir').current.keys()];
  }

  async exists(path: string): Promise<boolean> {
    const absolute = await this.begin('exists', path);
    return this.lookup(absolute) !== undefined;
  }

  async makeDirectory(path: string): Promise<void> {
    const absolute = await this.begin('makeDirectory', path);
    let directory = this.disk.root;
    for (const name of components(absolute)) {
      let entry = directory.current.get(name);
      if (entry === undefined) {
        entry = { kind: 'directory', directory: new Directory() };
        directory.current.set(name, entry);
      }
      if (entry.kind !== 'directory') {
        throw new MemoryFileSystemError('ENOTDIR', 'mkdir', absolute);
      }
      directory = entry.directory;
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = await this.begin('rename', from);
    const target = resolve(to);
    const { parent: sourceParent, name: sourceName } = this.parentOf(source, 'rename');
    const entry = sourceParent.current.get(sourceName);
    if (entry === undefined) throw new MemoryFileSystemError('ENOENT', 'rename', source);
    const { parent: targetParent, name: targetName } = this.parentOf(target, 'rename');
    const replaced = targetParent.current.get(targetName);
    if (replaced !== undefined && replaced.kind !== entry.kind) {
      throw new MemoryFileSystemError(
        replaced.kind === 'directory' ? 'EISDIR' : 'ENOTDIR',
        'rename',
        target,
      );
    }
    sourceParent.current.delete(sourceName);
    targetParent.current.set(targetName, entry);
  }

  async removeFile(path: string): Promise<void> {
    const absolute = await this.begin('removeFile', path);
    const { parent, name } = this.parentOf(absolute, 'unlink');
    const entry = parent.current.get(name);
    if (entry === undefined) throw new MemoryFileSystemError('ENOENT', 'unlink', absolute);
    if (entry.kind !== 'file') throw new MemoryFileSystemError('EISDIR', 'unlink', absolute);
    parent.current.delete(name);
  }

  async removeTree(path: string): Promise<void> {
    const absolute = await this.begin('removeTree', path);
    if (absolute === '/') throw new MemoryFileSystemError('EPERM', 'rm', absolute);
    const parentEntry = this.lookup(posix.dirname(absolute));
    if (parentEntry?.kind === 'directory') {
      parentEntry.directory.current.delete(posix.basename(absolute));
    }
  }

  async syncDirectory(path: string): Promise<void> {
    const absolute = await this.begin('syncDirectory', path);
    const directory = this.directoryAt(absolute, 'fsync');
    directory.durable = new Map(directory.current);
    this.disk.directorySyncs += 1;
  }

  // ---- internals ----

  /**
   * Counts the operation, waits for an injected delay, runs the hook and the faults, and
   * checks this view is still alive (a crash during the delay kills the operation).
   */
  async begin(kind: OperationKind, path: string): Promise<string> {
    const absolute = resolve(path);
    this.disk.operations += 1;
    const operation = { kind, path: absolute, sequence: this.disk.operations };
    const delay = this.disk.delay?.(operation);
    if (delay !== undefined) await delay;
    this.disk.hook?.(operation);
    this.assertAlive(kind, absolute);
    for (const fault of this.disk.faults) {
      const { rule } = fault;
      if (rule.kinds !== undefined && !rule.kinds.includes(kind)) continue;
      if (rule.pathIncludes !== undefined && !absolute.includes(rule.pathIncludes)) continue;
      fault.remaining -= 1;
      if (fault.remaining === 0) {
        this.disk.faults = this.disk.faults.filter((other) => other !== fault);
        throw new MemoryFileSystemError(rule.code ?? 'EIO', kind, absolute);
      }
    }
    return absolute;
  }

  assertAlive(kind: string, path: string): void {
    if (this.epoch !== this.disk.epoch) {
      throw new MemoryFileSystemError('EIO', `${kind} after crash`, path);
    }
  }

  countFileSync(): void {
    this.disk.fileSyncs += 1;
  }

  private reboot(): MemoryFileSystem {
    this.disk.epoch += 1;
    return new MemoryFileSystem(this.disk.random, this.disk);
  }

  private revertFile(inode: Inode, torn: boolean): void {
    if (inode.dirtyFrom === Number.POSITIVE_INFINITY) return;
    const random = this.disk.random;
    if (!torn || random.uint32() % 4 === 0) {
      inode.current = inode.durable.copy();
    } else {
      const durable = inode.durable;
      const current = inode.current;
      const from = Math.min(inode.dirtyFrom, durable.length, current.length);
      const kept = from + (random.uint32() % (current.length - from + 1));
      const survivor = new Bytes(current.view(0, kept));
      // Beyond the surviving new bytes, the old bytes of an overwritten range are still there.
      if (kept < durable.length) survivor.write(durable.view(kept), kept);
      else if (random.uint32() % 2 === 0) {
        const garbageBytes = 1 + (random.uint32() % 64);
        const zeros = random.uint32() % 2 === 0;
        const garbage = new Uint8Array(garbageBytes);
        if (!zeros)
          for (let index = 0; index < garbageBytes; index++)
            garbage[index] = random.uint32() & 0xff;
        survivor.write(garbage, survivor.length);
      }
      inode.current = survivor;
    }
    inode.durable = inode.current.copy();
    inode.dirtyFrom = Number.POSITIVE_INFINITY;
  }

  private lookup(absolute: string): Entry | undefined {
    let entry: Entry = { kind: 'directory', directory: this.disk.root };
    for (const name of components(absolute)) {
      if (entry.kind !== 'directory') return undefined;
      const next = entry.directory.current.get(name);
      if (next === undefined) return undefined;
      entry = next;
    }
    return entry;
  }

  private directoryAt(absolute: string, syscall: string): Directory {
    const entry = this.lookup(absolute);
    if (entry === undefined) throw new MemoryFileSystemError('ENOENT', syscall, absolute);
    if (entry.kind !== 'directory') throw new MemoryFileSystemError('ENOTDIR', syscall, absolute);
    return entry.directory;
  }

  private fileAt(path: string, syscall: string): Inode {
    const absolute = resolve(path);
    const entry = this.lookup(absolute);
    if (entry === undefined) throw new MemoryFileSystemError('ENOENT', syscall, absolute);
    if (entry.kind !== 'file') throw new MemoryFileSystemError('EISDIR', syscall, absolute);
    return entry.inode;
  }

  private parentOf(absolute: string, syscall: string): { parent: Directory; name: string } {
    if (absolute === '/') throw new MemoryFileSystemError('EISDIR', syscall, absolute);
    return {
      parent: this.directoryAt(posix.dirname(absolute), syscall),
      name: posix.basename(absolute),
    };
  }
}

class MemoryFileHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly fs: MemoryFileSystem,
    private readonly inode: Inode,
    private readonly path: string,
    private readonly writable: boolean,
  ) {}

  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<number> {
    await this.check('read', false);
    const available = Math.max(0, Math.min(length, this.inode.current.length - position));
    buffer.set(this.inode.current.view(position, position + available), offset);
    return available;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    await this.check('write', true);
    const lengthBefore = this.inode.current.length;
    // Copy: the caller may reuse its buffer as soon as the promise settles.
    this.inode.current.write(data.slice(), position);
    this.inode.markDirty(Math.min(position, lengthBefore));
  }

  async sync(): Promise<void> {
    await this.check('sync', false);
    this.inode.sync();
    this.fs.countFileSync();
  }

  async truncate(length: number): Promise<void> {
    await this.check('truncate', true);
    const previous = this.inode.current.length;
    this.inode.current.truncate(length);
    if (length !== previous) this.inode.markDirty(Math.min(length, previous));
  }

  async size(): Promise<number> {
    await this.check('size', false);
    return this.inode.current.length;
  }

  async close(): Promise<void> {
    await this.check('close', false);
    this.closed = true;
  }

  private async check(kind: OperationKind, needsWrite: boolean): Promise<void> {
    await this.fs.begin(kind, this.path);
    if (this.closed) throw new MemoryFileSystemError('EBADF', kind, this.path);
    if (needsWrite && !this.writable) throw new MemoryFileSystemError('EBADF', kind, this.path);
  }
}

function resolve(path: string): string {
  return posix.resolve('/', path);
}

function components(absolute: string): string[] {
  return absolute.split('/').filter((name) => name.length > 0);
}
