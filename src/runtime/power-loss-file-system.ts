/**
 * TEST ONLY: a `FileSystem` over the real one (NodeFileSystem) that makes a kill -9 of the
 * process behave like a power loss. A broker uses it only when started with
 * `BROOK_TEST_POWER_LOSS=1` (see cluster-node.ts); the chaos harness and test/cluster use it.
 *
 * Model (file data):
 * - Every file this process has open or has written has an overlay (an `Overlay`, keyed by path,
 *   playing the page cache): the writes and truncations since its last fsync, in order, and the
 *   size they leave. They stay in this process's memory and reach the real file only when a
 *   handle of the file is synced (`FileHandle.sync`, fdatasync): then they are replayed onto
 *   the real file in order and the real file is fsynced. A kill -9 therefore loses exactly the
 *   writes not yet fsynced, as a power loss would; fsynced data is really on disk.
 * - Reads, `size` and `readFile` see the overlay (read-your-writes): the real bytes with the
 *   overlay's operations replayed over them. Truncate and holes behave as on NodeFileSystem.
 * - The overlay outlives `close` (closing does not flush, as with a real page cache), and
 *   follows its file through `rename`; `removeFile` and `removeTree` drop it.
 *
 * Directory operations (create, rename, removeFile, makeDirectory, removeTree) are applied to
 * the real file system at once, as if every directory were synced immediately; `syncDirectory`
 * passes through. A real power loss could also drop an entry that was not followed by
 * `syncDirectory`, so this layer is milder there: it tests file-data durability (the log, the
 * indexes, the Raft state files' contents), not directory-entry durability. Deferring entries
 * would need a whole virtual namespace over the real one (a created file would have to live
 * in memory, even once fsynced, until its directory is synced); storage does sync the parent
 * after every create, rename and remove (atomic-file.ts, partition-log.ts, recovery.ts), and
 * the in-memory file system of the unit tests and the simulator checks that discipline with
 * a model that does revert directory entries on a crash.
 *
 * A clean exit (`writeBack`, from ClusterNode.stop) hands the overlays to the real files
 * without fsync, as a process exit keeps the kernel's page cache: only a kill loses them.
 *
 * Counters: `pendingBytes` (written, not yet fsynced), `syncedBytes` (reached the disk through
 * a sync), `maxPendingBytes`. A write overwritten or truncated away before its sync still
 * counts as pending until the sync (the counters are evidence, not an exact page-cache size).
 * `startPowerLossStats` writes them to a small JSON file every interval, through the real
 * file system, so a harness can read after the kill how much unsynced data was dropped.
 *
 * Must not: be used in production; swallow errors of the real file system.
 */
import { rename as renameReal, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Clock, FileHandle, FileSystem, OpenMode, Scheduler } from '../util/ports.js';
import { NodeFileSystem } from './node-file-system.js';

/** The environment variable that turns the layer on in a broker process. */
export const POWER_LOSS_ENV = 'BROOK_TEST_POWER_LOSS';
/** File name of the stats file in the broker's data directory. */
export const POWER_LOSS_STATS_FILE = 'power-loss-stats.json';
/** How often the stats file is rewritten. */
export const POWER_LOSS_STATS_INTERVAL_MS = 100;

export interface PowerLossStats {
  /** Bytes written and not yet fsynced: what a kill -9 now would drop. */
  readonly pendingBytes: number;
  /** Bytes that reached the disk through a sync since start. */
  readonly syncedBytes: number;
  /** The highest `pendingBytes` since start. */
  readonly maxPendingBytes: number;
  /** Files with unsynced writes or truncations. */
  readonly pendingFiles: number;
  /** Wall-clock time of the snapshot. */
  readonly atMs: number;
}

/** A write grows in place while the writes after it are contiguous (appends stay one op). */
class WriteOperation {
  readonly kind = 'write';
  private buffer: Uint8Array;
  length: number;

  constructor(
    readonly position: number,
    data: Uint8Array,
  ) {
    this.buffer = new Uint8Array(Math.max(4096, data.length));
    this.buffer.set(data);
    this.length = data.length;
  }

  get end(): number {
    return this.position + this.length;
  }

  /** The bytes as they are now; later appends reallocate rather than touch this view. */
  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  append(data: Uint8Array): void {
    const needed = this.length + data.length;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.view());
      this.buffer = grown;
    }
    // Only bytes past `length` change, so views handed out earlier (frozen) stay as they were.
    this.buffer.set(data, this.length);
    this.length = needed;
  }
}

type Operation = WriteOperation | { readonly kind: 'truncate'; readonly length: number };

/** An immutable copy of an operation, taken before any await. */
type Frozen =
  | { readonly kind: 'write'; readonly position: number; readonly data: Uint8Array }
  | { readonly kind: 'truncate'; readonly length: number };

function freeze(operation: Operation): Frozen {
  return operation.kind === 'write'
    ? { kind: 'write', position: operation.position, data: operation.view() }
    : operation;
}

/** Replays `operations` over `buffer`, which holds the file's bytes from `position` on. */
function replay(buffer: Uint8Array, position: number, operations: readonly Frozen[]): void {
  const end = position + buffer.length;
  for (const operation of operations) {
    if (operation.kind === 'truncate') {
      // Whatever is beyond the cut reads as zeros unless a later write puts bytes there.
      if (operation.length < end) buffer.fill(0, Math.max(0, operation.length - position));
      continue;
    }
    const from = Math.max(position, operation.position);
    const to = Math.min(end, operation.position + operation.data.length);
    if (from >= to) continue;
    buffer.set(
      operation.data.subarray(from - operation.position, to - operation.position),
      from - position,
    );
  }
}

/** Applies the operations to a real file, in order (not durable until it is synced). */
async function replayOnto(real: FileHandle, operations: readonly Frozen[]): Promise<void> {
  for (const operation of operations) {
    if (operation.kind === 'write') await real.write(operation.data, operation.position);
    else await real.truncate(operation.length);
  }
}

/** One file's unsynced state (its page cache). */
class Overlay {
  operations: Operation[] = [];
  /** Operations [0, sealed) are being replayed onto the real file; never extend them. */
  sealed = 0;
  pendingBytes = 0;
  openHandles = 0;
  /** False once the file was removed: its bytes no longer count. */
  attached = true;
  /** Syncs of one file run one after another. */
  flushTail: Promise<void> = Promise.resolve();

  constructor(public size: number) {}

  get clean(): boolean {
    return this.operations.length === 0;
  }

  write(data: Uint8Array, position: number): void {
    const last = this.operations[this.operations.length - 1];
    if (
      last?.kind === 'write' &&
      this.operations.length > this.sealed &&
      last.end === position &&
      data.length > 0
    ) {
      last.append(data);
    } else {
      this.operations.push(new WriteOperation(position, data));
    }
    this.size = Math.max(this.size, position + data.length);
  }

  truncate(length: number): void {
    this.operations.push({ kind: 'truncate', length });
    this.size = length;
  }

  frozen(count = this.operations.length): Frozen[] {
    return this.operations.slice(0, count).map(freeze);
  }
}

export class PowerLossFileSystem implements FileSystem {
  private readonly real = new NodeFileSystem();
  private readonly overlays = new Map<string, Overlay>();
  private pending = 0;
  private synced = 0;
  private maxPending = 0;

  stats(nowMs: number): PowerLossStats {
    let pendingFiles = 0;
    for (const overlay of this.overlays.values()) if (!overlay.clean) pendingFiles += 1;
    return {
      pendingBytes: this.pending,
      syncedBytes: this.synced,
      maxPendingBytes: this.maxPending,
      pendingFiles,
      atMs: nowMs,
    };
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    const key = posix.resolve(path);
    const real = await this.real.open(key, mode);
    try {
      let overlay = this.overlays.get(key);
      if (overlay === undefined) {
        const size = await real.size();
        overlay = this.overlays.get(key) ?? new Overlay(size);
        this.overlays.set(key, overlay);
      }
      overlay.openHandles += 1;
      return new PowerLossFileHandle(this, key, overlay, real, mode !== 'read');
    } catch (error) {
      await real.close();
      throw error;
    }
  }

  async readFile(path: string): Promise<Uint8Array> {
    const key = posix.resolve(path);
    const overlay = this.overlays.get(key);
    if (overlay === undefined || overlay.clean) return this.real.readFile(key);
    const size = overlay.size;
    const operations = overlay.frozen();
    const onDisk = await this.real.readFile(key);
    const bytes = new Uint8Array(size);
    bytes.set(onDisk.subarray(0, size));
    replay(bytes, 0, operations);
    return bytes;
  }

  list(directory: string): Promise<string[]> {
    return this.real.list(directory);
  }

  exists(path: string): Promise<boolean> {
    return this.real.exists(path);
  }

  makeDirectory(path: string): Promise<void> {
    return this.real.makeDirectory(path);
  }

  async rename(from: string, to: string): Promise<void> {
    const source = posix.resolve(from);
    const target = posix.resolve(to);
    await this.real.rename(source, target);
    this.dropUnder(target);
    for (const [key, overlay] of [...this.overlays]) {
      if (key === source || key.startsWith(`${source}/`)) {
        this.overlays.delete(key);
        this.overlays.set(target + key.slice(source.length), overlay);
      }
    }
  }

  async removeFile(path: string): Promise<void> {
    const key = posix.resolve(path);
    await this.real.removeFile(key);
    this.dropUnder(key);
  }

  async removeTree(path: string): Promise<void> {
    const key = posix.resolve(path);
    await this.real.removeTree(key);
    this.dropUnder(key);
  }

  syncDirectory(path: string): Promise<void> {
    return this.real.syncDirectory(path);
  }

  /**
   * A clean exit: hands every unsynced write to the real file system (as the kernel would keep
   * them in its page cache across a process exit), without fsync. Only a kill loses them.
   */
  async writeBack(): Promise<void> {
    for (const [key, overlay] of [...this.overlays]) {
      await overlay.flushTail;
      if (overlay.clean || !overlay.attached) continue;
      const real = await this.real.open(key, 'readWrite');
      try {
        const count = overlay.operations.length;
        overlay.sealed = count;
        const operations = overlay.frozen(count);
        await replayOnto(real, operations);
        overlay.operations.splice(0, count);
        overlay.sealed = 0;
        this.pending -= overlay.pendingBytes;
        overlay.pendingBytes = 0;
      } finally {
        await real.close();
      }
    }
  }

  // ---- for the handles ----

  recordWrite(overlay: Overlay, bytes: number): void {
    overlay.pendingBytes += bytes;
    if (!overlay.attached) return;
    this.pending += bytes;
    this.maxPending = Math.max(this.maxPending, this.pending);
  }

  recordSync(overlay: Overlay, bytes: number): void {
    overlay.pendingBytes -= bytes;
    if (!overlay.attached) return;
    this.pending -= bytes;
    this.synced += bytes;
  }

  /** Forgets the overlay once nothing refers to it and the real file holds all of it. */
  release(key: string, overlay: Overlay): void {
    if (overlay.openHandles === 0 && overlay.clean && this.overlays.get(key) === overlay) {
      this.overlays.delete(key);
    }
  }

  /** The file (or tree) is gone: its unsynced bytes no longer count as pending. */
  private dropUnder(path: string): void {
    for (const [key, overlay] of [...this.overlays]) {
      if (key !== path && !key.startsWith(`${path}/`)) continue;
      this.overlays.delete(key);
      if (overlay.attached) this.pending -= overlay.pendingBytes;
      overlay.attached = false;
    }
  }
}

class PowerLossFileHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly fs: PowerLossFileSystem,
    private readonly key: string,
    private readonly overlay: Overlay,
    private readonly real: FileHandle,
    private readonly writable: boolean,
  ) {}

  async read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<number> {
    this.check(false);
    const overlay = this.overlay;
    if (overlay.clean) return this.real.read(buffer, offset, length, position);
    // Snapshot before the await: a sync that lands meanwhile replays the same operations onto
    // the real file, and replaying them again over its bytes changes nothing.
    const count = Math.max(0, Math.min(length, overlay.size - position));
    const operations = overlay.frozen();
    const target = buffer.subarray(offset, offset + count);
    target.fill(0);
    let read = 0;
    while (read < count) {
      const bytes = await this.real.read(target, read, count - read, position + read);
      if (bytes === 0) break; // Past the real end: the rest stays zero until replayed.
      read += bytes;
    }
    replay(target, position, operations);
    return count;
  }

  async write(data: Uint8Array, position: number): Promise<void> {
    this.check(true);
    this.overlay.write(data, position);
    this.fs.recordWrite(this.overlay, data.length);
    return Promise.resolve();
  }

  async sync(): Promise<void> {
    this.check(false);
    const run = this.overlay.flushTail.then(() => this.flush());
    this.overlay.flushTail = run.catch(() => undefined);
    await run;
  }

  async truncate(length: number): Promise<void> {
    this.check(true);
    this.overlay.truncate(length);
    return Promise.resolve();
  }

  async size(): Promise<number> {
    this.check(false);
    return Promise.resolve(this.overlay.size);
  }

  async close(): Promise<void> {
    this.check(false);
    this.closed = true;
    this.overlay.openHandles -= 1;
    this.fs.release(this.key, this.overlay);
    await this.real.close();
  }

  /** Replays the operations present now onto the real file, fsyncs it, then forgets them. */
  private async flush(): Promise<void> {
    const overlay = this.overlay;
    const count = overlay.operations.length;
    overlay.sealed = count;
    const operations = overlay.frozen(count);
    try {
      await replayOnto(this.real, operations);
      await this.real.sync();
    } finally {
      overlay.sealed = 0;
    }
    overlay.operations.splice(0, count);
    let bytes = 0;
    for (const operation of operations)
      if (operation.kind === 'write') bytes += operation.data.length;
    this.fs.recordSync(overlay, bytes);
    if (this.closed) this.fs.release(this.key, overlay);
  }

  private check(needsWrite: boolean): void {
    if (this.closed) throw Object.assign(new Error('EBADF: file handle closed'), { code: 'EBADF' });
    if (needsWrite && !this.writable) {
      throw Object.assign(new Error('EBADF: file opened read-only'), { code: 'EBADF' });
    }
  }
}

/**
 * Every `intervalMs`, writes `fs.stats()` as JSON to `path` through the real file system
 * (temporary file, then rename; no fsync: the kill this is for is a process kill, and the
 * kernel keeps the page cache). Returns a function that stops it.
 */
export function startPowerLossStats(options: {
  readonly fs: PowerLossFileSystem;
  readonly path: string;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  readonly intervalMs?: number;
}): () => void {
  const temporary = `${options.path}.tmp`;
  let writing = false;
  const write = (): void => {
    if (writing) return;
    writing = true;
    const json = JSON.stringify(options.fs.stats(options.clock.nowMs()));
    writeFile(temporary, `${json}\n`)
      .then(() => renameReal(temporary, options.path))
      .catch(() => undefined) // Evidence only: a missed snapshot is retried next interval.
      .finally(() => {
        writing = false;
      });
  };
  write();
  return options.scheduler.every(options.intervalMs ?? POWER_LOSS_STATS_INTERVAL_MS, write);
}
