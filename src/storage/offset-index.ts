/**
 * The sparse offset index of one segment (`<base>.index`), as in Kafka: an entry maps the base
 * offset of a batch to the batch's byte position in the `.log` file, one entry for every
 * `indexIntervalBytes` or so of log data. A read looks up the last entry at or below its
 * target offset and scans batch headers from there, so a lookup costs a binary search plus a
 * scan of at most about one interval.
 *
 * File format: 8-byte entries, back to back, big-endian:
 *   relativeOffset: int32   batch base offset minus the segment base offset
 *   position: uint32        byte position of the batch in the .log file
 *
 * Invariants: offsets and positions strictly increase; every position is the start of a batch
 * whose base offset is the entry's offset. The whole index is kept in memory.
 *
 * Must not: be trusted over the log. The file is derived data, never fsynced on the hot path;
 * `validateOffsetIndex` checks its shape and recovery checks entries against the log, and an
 * index in doubt is rebuilt from the log.
 */
import { assert } from '../util/assert.js';
import { IndexEntries, partialEntryProblem } from './index-entries.js';
import type { IndexCheck } from './index-entries.js';

export const OFFSET_INDEX_ENTRY_BYTES = 8;
/** Largest relative offset an entry can hold; a segment rolls before it would need more. */
export const RELATIVE_OFFSET_MAX = 0x7fffffff;
const POSITION_MAX = 0xffffffff;

export interface OffsetIndexEntry {
  readonly offset: number;
  readonly position: number;
}

export class OffsetIndex {
  readonly entries = new IndexEntries(OFFSET_INDEX_ENTRY_BYTES);

  constructor(readonly baseOffset: number) {}

  get count(): number {
    return this.entries.count;
  }

  offsetAt(index: number): number {
    return this.baseOffset + this.entries.view.getInt32(index * OFFSET_INDEX_ENTRY_BYTES);
  }

  positionAt(index: number): number {
    return this.entries.view.getUint32(index * OFFSET_INDEX_ENTRY_BYTES + 4);
  }

  entryAt(index: number): OffsetIndexEntry {
    assert(index >= 0 && index < this.count, `offset index entry ${index} of ${this.count}`);
    return { offset: this.offsetAt(index), position: this.positionAt(index) };
  }

  last(): OffsetIndexEntry | undefined {
    return this.count === 0 ? undefined : this.entryAt(this.count - 1);
  }

  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= RELATIVE_OFFSET_MAX, `relative offset ${relative}`);
    assert(position >= 0 && position <= POSITION_MAX, `index position ${position}`);
    const last = this.last();
    assert(
      last === undefined || (offset > last.offset && position > last.position),
      `offset index entry (${offset}, ${position}) after (${last?.offset}, ${last?.position})`,
    );
    const at = this.entries.push();
    this.entries.view.setInt32(at, relative);
    this.entries.view.setUint32(at + 4, position);
  }

  /**
   * The last entry with offset <= target: where to start scanning for the batch holding
   * `target`. Undefined means "scan from position 0". Example: entries (100, 4200),
   * (180, 8400); floor(150) is (100, 4200), floor(99) is undefined.
   */
  floor(target: number): OffsetIndexEntry | undefined {
    const index = this.entries.lastAtOrBelow(target, (at) => this.offsetAt(at));
    return index < 0 ? undefined : this.entryAt(index);
  }

  /** Drops the entries for batches at or after `offset` (the log was truncated there). */
  truncateToOffset(offset: number): void {
    const keep = this.entries.lastAtOrBelow(offset - 1, (at) => this.offsetAt(at)) + 1;
    this.entries.truncate(keep);
  }

  /** Drops the entries whose position is at or after `position`. */
  truncateToPosition(position: number): void {
    const keep = this.entries.lastAtOrBelow(position - 1, (at) => this.positionAt(at)) + 1;
    this.entries.truncate(keep);
  }

  /** Replaces the entries with the first `count` entries of a file image. */
  load(image: Uint8Array, count: number): void {
    this.entries.load(image, count);
  }
}

/**
 * How much of a file image can serve as this segment's offset index: the leading entries whose
 * shape is sound (relative offsets and positions strictly increasing, positions inside the log
 * file), and what is wrong after them, if anything (a bad entry, a partial entry at the end).
 * It says nothing about whether the entries match the log's batches; recovery checks that.
 */
export function validateOffsetIndex(image: Uint8Array, logSizeBytes: number): IndexCheck {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const whole = Math.floor(image.length / OFFSET_INDEX_ENTRY_BYTES);
  let previousRelative = -1;
  let previousPosition = -1;
  for (let entry = 0; entry < whole; entry++) {
    const relative = view.getInt32(entry * OFFSET_INDEX_ENTRY_BYTES);
    const position = view.getUint32(entry * OFFSET_INDEX_ENTRY_BYTES + 4);
    if (relative <= previousRelative || position <= previousPosition) {
      return { soundEntries: entry, problem: `entry ${entry} does not increase` };
    }
    if (position >= logSizeBytes) {
      return { soundEntries: entry, problem: `entry ${entry} points past the log (${position})` };
    }
    previousRelative = relative;
    previousPosition = position;
  }
  return {
    soundEntries: whole,
    problem: partialEntryProblem(image.length, OFFSET_INDEX_ENTRY_BYTES),
  };
}
