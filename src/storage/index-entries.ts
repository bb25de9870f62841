/**
 * The growable in-memory image of an index file: fixed-size big-endian entries back to back,
 * byte for byte what the file holds, so persisting new entries is one positional write of a
 * slice and loading is one read. OffsetIndex and TimeIndex give the entries their meaning.
 *
 * Invariant: `count * entryBytes` bytes are meaningful; the first `persistedCount <= count` of
 * them are in the file as well (written, not necessarily fsynced: indexes are derived data),
 * and the file holds `fileCount >= persistedCount` entries (more after an in-memory
 * truncation, until the next `persistTo` cuts the file).
 */
import { assert } from '../util/assert.js';
import { viewOf } from '../protocol/varint.js';
import type { FileHandle } from '../util/ports.js';

const INITIAL_ENTRIES = 64;

/** What validating an index file image found: how many leading entries are usable, and why
 * the rest (if any) is not. */
export interface IndexCheck {
  readonly soundEntries: number;
  readonly problem: string | undefined;
}

export function partialEntryProblem(imageBytes: number, entryBytes: number): string | undefined {
  const extra = imageBytes % entryBytes;
  return extra === 0 ? undefined : `a partial entry of ${extra} bytes at the end`;
}

export class IndexEntries {
  private bytes: Uint8Array;
  private dataView: DataView;
  private entryCount = 0;
  /** Leading entries that are in the file already. */
  persistedCount = 0;
  /** Entries the file holds, stale ones included. */
  fileCount = 0;

  constructor(readonly entryBytes: number) {
    this.bytes = new Uint8Array(INITIAL_ENTRIES * entryBytes);
    this.dataView = viewOf(this.bytes);
  }

  get count(): number {
    return this.entryCount;
  }

  get view(): DataView {
    return this.dataView;
  }

  /** Reserves one entry at the end and returns its byte position for the caller to fill. */
  push(): number {
    const position = this.entryCount * this.entryBytes;
    if (position + this.entryBytes > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
      this.dataView = viewOf(grown);
    }
    this.entryCount += 1;
    return position;
  }

  truncate(count: number): void {
    assert(count >= 0 && count <= this.entryCount, `truncate to ${count} of ${this.entryCount}`);
    this.entryCount = count;
    this.persistedCount = Math.min(this.persistedCount, count);
  }

  /**
   * Replaces the content with the first `count` entries of a file image (the ones that passed
   * validation); the file keeps the rest until the next `persistTo` cuts it.
   */
  load(image: Uint8Array, count: number): void {
    assert(count * this.entryBytes <= image.length, 'load beyond the image');
    this.bytes = new Uint8Array(Math.max(INITIAL_ENTRIES, count) * this.entryBytes);
    this.bytes.set(image.subarray(0, count * this.entryBytes));
    this.dataView = viewOf(this.bytes);
    this.entryCount = count;
    this.persistedCount = count;
    this.fileCount = Math.ceil(image.length / this.entryBytes);
  }

  /**
   * Brings the file in line with entries [0, upTo): cuts stale entries, then writes the
   * missing ones with one positional write. Returns whether the file was cut: the caller must
   * then fsync it, or a crash could bring stale entries back in the middle of the file where
   * later appends would not overwrite them. Calls must not overlap (the log's write queue
   * serializes them).
   */
  async persistTo(handle: FileHandle, upTo = this.entryCount): Promise<boolean> {
    const end = Math.min(upTo, this.entryCount);
    const shrinks = this.fileCount > this.persistedCount;
    if (shrinks) {
      await handle.truncate(this.persistedCount * this.entryBytes);
      this.fileCount = this.persistedCount;
    }
    const from = this.persistedCount;
    if (end > from) {
      await handle.write(this.slice(from, end), from * this.entryBytes);
      this.persistedCount = end;
      this.fileCount = Math.max(this.fileCount, end);
    }
    return shrinks;
  }

  /** Bytes of entries [from, to) — a view, valid until the next push. */
  slice(from: number, to: number): Uint8Array {
    return this.bytes.subarray(from * this.entryBytes, to * this.entryBytes);
  }

  /**
   * Index of the last entry whose key (read by `keyAt`) is <= target, or -1. Keys must be
   * non-decreasing.
   */
  lastAtOrBelow(target: number, keyAt: (index: number) => number): number {
    let low = 0;
    let high = this.entryCount - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (keyAt(middle) <= target) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }
}
