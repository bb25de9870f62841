/**
 * The sparse time index of one segment (`<base>.timeindex`), as in Kafka: it answers "where
 * is the first batch whose max timestamp is >= t" without scanning the whole segment.
 *
 * File format: 12-byte entries, back to back, big-endian:
 *   timestamp: int64        the largest batch max timestamp of the segment so far
 *   relativeOffset: int32   base offset of the batch that brought it, minus the segment base
 *
 * Invariant I: for an entry (T, O), T is the largest max timestamp among the batches with base
 * offset <= O, and O is the base offset of a batch. Timestamps never decrease and offsets
 * strictly increase from entry to entry. So for a target t, every batch up to the last entry
 * with T < t has max timestamp < t, and the answer lies after it: that is `lastBelow`. And a
 * walk that resumes right after the batch at O knows the max timestamp so far exactly (T),
 * which is what lets recovery start there instead of at the segment's beginning.
 *
 * Entries are added when a batch raises the segment's max timestamp and at least
 * indexIntervalBytes of log passed since the previous time entry (the first batch of a segment
 * always makes one), and once more when the segment is sealed: (max timestamp, last batch), so
 * loading a sealed segment resumes at its last batch.
 *
 * Must not: be trusted over the log (derived data; see offset-index.ts).
 */
import { assert } from '../util/assert.js';
import { IndexEntries, partialEntryProblem } from './index-entries.js';
import type { IndexCheck } from './index-entries.js';
import { RELATIVE_OFFSET_MAX } from './offset-index.js';

export const TIME_INDEX_ENTRY_BYTES = 12;
const TWO_POW_32 = 4294967296;

export interface TimeIndexEntry {
  readonly timestamp: number;
  readonly offset: number;
}

export class TimeIndex {
  readonly entries = new IndexEntries(TIME_INDEX_ENTRY_BYTES);

  constructor(readonly baseOffset: number) {}

  get count(): number {
    return this.entries.count;
  }

  timestampAt(index: number): number {
    const at = index * TIME_INDEX_ENTRY_BYTES;
    return this.entries.view.getInt32(at) * TWO_POW_32 + this.entries.view.getUint32(at + 4);
  }

  offsetAt(index: number): number {
    return this.baseOffset + this.entries.view.getInt32(index * TIME_INDEX_ENTRY_BYTES + 8);
  }

  entryAt(index: number): TimeIndexEntry {
    assert(index >= 0 && index < this.count, `time index entry ${index} of ${this.count}`);
    return { timestamp: this.timestampAt(index), offset: this.offsetAt(index) };
  }

  last(): TimeIndexEntry | undefined {
    return this.count === 0 ? undefined : this.entryAt(this.count - 1);
  }

  append(timestamp: number, offset: number): void {
    const relative = offset - this.baseOffset;
    assert(Number.isSafeInteger(timestamp), `time index timestamp ${timestamp}`);
    assert(relative >= 0 && relative <= RELATIVE_OFFSET_MAX, `relative offset ${relative}`);
    const last = this.last();
    assert(
      last === undefined || (timestamp >= last.timestamp && offset > last.offset),
      `time index entry (${timestamp}, ${offset}) after (${last?.timestamp}, ${last?.offset})`,
    );
    const at = this.entries.push();
    const high = Math.floor(timestamp / TWO_POW_32);
    this.entries.view.setInt32(at, high);
    this.entries.view.setUint32(at + 4, timestamp - high * TWO_POW_32);
    this.entries.view.setInt32(at + 8, relative);
  }

  /**
   * The last entry with timestamp < target: every batch up to and including its offset is
   * older than the target, so a search can start after it. Undefined means "start at the
   * segment's beginning". Example: entries (1000, 10), (2000, 50), (3000, 90);
   * lastBelow(2500) is (2000, 50); lastBelow(1000) is undefined.
   */
  lastBelow(target: number): TimeIndexEntry | undefined {
    const index = this.entries.lastAtOrBelow(target - 1, (at) => this.timestampAt(at));
    return index < 0 ? undefined : this.entryAt(index);
  }

  /**
   * The first entry with timestamp >= target: its batch qualifies, but an earlier batch
   * (after `lastBelow(target)`) may too. Example above: firstAtOrAbove(2500) is (3000, 90).
   */
  firstAtOrAbove(target: number): TimeIndexEntry | undefined {
    const index = this.entries.lastAtOrBelow(target - 1, (at) => this.timestampAt(at)) + 1;
    return index < this.count ? this.entryAt(index) : undefined;
  }

  /** Drops the entries for batches at or after `offset`. */
  truncateToOffset(offset: number): void {
    const keep = this.entries.lastAtOrBelow(offset - 1, (at) => this.offsetAt(at)) + 1;
    this.entries.truncate(keep);
  }

  /** Replaces the entries with the first `count` entries of a file image. */
  load(image: Uint8Array, count: number): void {
    this.entries.load(image, count);
  }
}

/** How much of a file image can serve as a time index (see validateOffsetIndex). */
export function validateTimeIndex(image: Uint8Array): IndexCheck {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const whole = Math.floor(image.length / TIME_INDEX_ENTRY_BYTES);
  let previousTimestamp = Number.NEGATIVE_INFINITY;
  let previousRelative = -1;
  for (let entry = 0; entry < whole; entry++) {
    const at = entry * TIME_INDEX_ENTRY_BYTES;
    const timestamp = view.getInt32(at) * TWO_POW_32 + view.getUint32(at + 4);
    const relative = view.getInt32(at + 8);
    if (!Number.isSafeInteger(timestamp)) {
      return { soundEntries: entry, problem: `entry ${entry} has an impossible timestamp` };
    }
    if (timestamp < previousTimestamp || relative <= previousRelative) {
      return { soundEntries: entry, problem: `entry ${entry} does not increase` };
    }
    previousTimestamp = timestamp;
    previousRelative = relative;
  }
  return {
    soundEntries: whole,
    problem: partialEntryProblem(image.length, TIME_INDEX_ENTRY_BYTES),
  };
}
