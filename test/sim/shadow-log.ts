/**
 * The checker's mirror of one replica's log: entry identities (offsets, term, batch CRC) and,
 * for each, the hash of the whole prefix ending with it. The part covered by the snapshot is
 * summarized by the prefix hash at the snapshot's last offset (the committed prefix there).
 */
import type { EntryMeta } from '../../src/raft/types.js';
import { chainPrefix } from './trace.js';

export interface ShadowEntry {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly term: number;
  readonly crc: number;
  readonly prefix: string;
}

export class ShadowLog {
  private entries: ShadowEntry[] = [];

  constructor(
    private snapshotLast: number,
    private snapshotTerm: number,
    private snapshotPrefix: string,
  ) {}

  get snapshotLastOffset(): number {
    return this.snapshotLast;
  }

  get lastOffset(): number {
    return this.entries[this.entries.length - 1]?.lastOffset ?? this.snapshotLast;
  }

  get length(): number {
    return this.entries.length;
  }

  all(): readonly ShadowEntry[] {
    return this.entries;
  }

  /** The prefix hash up to `offset`, which must end an entry (or the snapshot). */
  prefixAt(offset: number): string | undefined {
    if (offset === this.snapshotLast) return this.snapshotPrefix;
    const index = this.indexEndingAt(offset);
    return index === undefined ? undefined : this.entries[index]?.prefix;
  }

  termAt(offset: number): number | undefined {
    if (offset === this.snapshotLast) return this.snapshotTerm;
    const index = this.indexEndingAt(offset);
    return index === undefined ? undefined : this.entries[index]?.term;
  }

  /** The entry starting at `baseOffset`, if the log holds one. */
  entryAt(baseOffset: number): ShadowEntry | undefined {
    const index = this.firstIndexAfter(baseOffset - 1);
    const entry = this.entries[index];
    return entry?.baseOffset === baseOffset ? entry : undefined;
  }

  /** Entries whose last offset is beyond `offset`, in order. */
  *entriesAfter(offset: number): Generator<ShadowEntry> {
    for (let index = this.firstIndexAfter(offset); index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry !== undefined) yield entry;
    }
  }

  /** Appends an entry; returns a description of the problem when it does not continue the log. */
  append(meta: EntryMeta, crc: number): ShadowEntry | string {
    const last = this.entries[this.entries.length - 1];
    const expected = (last?.lastOffset ?? this.snapshotLast) + 1;
    if (meta.baseOffset !== expected) {
      return `entry [${meta.baseOffset}..${meta.lastOffset}] appended where ${expected} was next`;
    }
    const previous = last?.prefix ?? this.snapshotPrefix;
    const entry: ShadowEntry = {
      baseOffset: meta.baseOffset,
      lastOffset: meta.lastOffset,
      term: meta.term,
      crc,
      prefix: chainPrefix(previous, meta.baseOffset, meta.lastOffset, meta.term, crc),
    };
    this.entries.push(entry);
    return entry;
  }

  /** Removes the entries at or after `offset`; returns them. */
  truncateFrom(offset: number): ShadowEntry[] {
    const index = this.firstIndexAfter(offset - 1);
    return this.entries.splice(index);
  }

  reset(snapshotLast: number, snapshotTerm: number, prefix: string): void {
    this.entries = [];
    this.snapshotLast = snapshotLast;
    this.snapshotTerm = snapshotTerm;
    this.snapshotPrefix = prefix;
  }

  /** Drops the entries up to `offset` (the replica compacted its log). */
  compact(offset: number, term: number): void {
    const prefix = this.prefixAt(offset);
    this.entries = [...this.entriesAfter(offset)];
    this.snapshotLast = offset;
    this.snapshotTerm = term;
    this.snapshotPrefix = prefix ?? `unknown-${offset}`;
  }

  private indexEndingAt(offset: number): number | undefined {
    const index = this.firstIndexAfter(offset - 1);
    return this.entries[index]?.lastOffset === offset ? index : undefined;
  }

  /** Index of the first entry whose last offset is > `offset` (binary search). */
  private firstIndexAfter(offset: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.lastOffset ?? Number.POSITIVE_INFINITY) > offset) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}
