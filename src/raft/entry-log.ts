/**
 * The in-memory metadata of a Raft log: the snapshot (the discarded prefix) and every entry
 * after it. It answers the questions the core asks of the log — the term at an offset, the last
 * entry, where two logs diverge, which configuration is in force — and never sees entry bytes.
 *
 * Invariants (asserted on every change):
 *  - entries are contiguous: the first starts at `snapshot.lastOffset + 1`, each next one at
 *    the previous `lastOffset + 1`;
 *  - terms never decrease along the log and are >= `snapshot.term`;
 *  - truncation and compaction cut only at entry boundaries.
 * An entry is identified by (offset, term): a term has one leader, which assigns each offset
 * once, so two logs holding the same term at one offset hold the same entry there (Raft paper
 * 5.3, log matching). Several checks below rely on that.
 */
import { assert } from '../util/assert.js';
import { asOffset, asTerm } from './ids.js';
import type { EntryMeta, Membership, Offset, SnapshotMeta, Term } from './types.js';

export class EntryLog {
  private snapshotMeta: SnapshotMeta;
  private entries: EntryMeta[] = [];
  /** Offsets (baseOffset) of the configuration entries among `entries`, in order. */
  private configOffsets: Offset[] = [];

  constructor(snapshot: SnapshotMeta, entries: readonly EntryMeta[]) {
    this.snapshotMeta = snapshot;
    this.append(entries);
  }

  get snapshot(): SnapshotMeta {
    return this.snapshotMeta;
  }

  get firstOffset(): Offset {
    return asOffset(this.snapshotMeta.lastOffset + 1);
  }

  get lastOffset(): Offset {
    return this.entries.at(-1)?.lastOffset ?? this.snapshotMeta.lastOffset;
  }

  get lastTerm(): Term {
    return this.entries.at(-1)?.term ?? this.snapshotMeta.term;
  }

  get entryCount(): number {
    return this.entries.length;
  }

  /** Term of the entry holding `offset`; the snapshot's term at its last offset; else undefined. */
  termAt(offset: Offset): Term | undefined {
    if (offset === this.snapshotMeta.lastOffset) return this.snapshotMeta.term;
    return this.entryAt(offset)?.term;
  }

  /** The entry holding `offset`, if it is in the log (not compacted, not beyond the end). */
  entryAt(offset: Offset): EntryMeta | undefined {
    const index = this.indexOf(offset);
    return index === -1 ? undefined : this.entries[index];
  }

  /** True when `offset` ends an entry (or the snapshot): a valid prevLastOffset / match. */
  isBoundary(offset: Offset): boolean {
    if (offset === this.snapshotMeta.lastOffset) return true;
    return this.entryAt(offset)?.lastOffset === offset;
  }

  /**
   * The largest entry end (or the snapshot's last offset) <= `offset`, for a commit offset
   * received from a peer: committing half an entry would have the caller apply part of a batch.
   * Offsets at or below the snapshot come back unchanged (they are committed already).
   */
  boundaryAtOrBelow(offset: Offset): Offset {
    if (offset >= this.lastOffset) return this.lastOffset;
    if (offset <= this.snapshotMeta.lastOffset) return offset;
    const entry = this.entryAt(offset);
    if (entry === undefined || entry.lastOffset === offset) return offset;
    return asOffset(entry.baseOffset - 1);
  }

  /** Sum of `sizeBytes` of the entries lying wholly in [fromOffset, toOffset]. */
  sizeBytesBetween(fromOffset: Offset, toOffset: Offset): number {
    let index = this.indexOf(asOffset(Math.max(fromOffset, this.firstOffset)));
    if (index === -1) return 0;
    let bytes = 0;
    for (; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined || entry.lastOffset > toOffset) break;
      if (entry.baseOffset >= fromOffset) bytes += entry.sizeBytes;
    }
    return bytes;
  }

  /** Raft paper 5.4.1: a candidate's log is at least as up to date as this one. */
  isUpToDate(lastOffset: Offset, lastTerm: Term): boolean {
    return (
      lastTerm > this.lastTerm || (lastTerm === this.lastTerm && lastOffset >= this.lastOffset)
    );
  }

  /**
   * The largest entry end (an entry's lastOffset, or the snapshot's) <= `offset` whose term is
   * <= `term`, searching down one entry at a time, so a divergent suffix is skipped a term at a
   * time (fast backtracking). When no entry after the snapshot qualifies, the snapshot's last
   * offset if its term does, else `snapshot.lastOffset - 1` with term 0 ("inside the snapshot").
   */
  findConflictByTerm(offset: Offset, term: Term): { offset: Offset; term: Term } {
    let index = -1;
    if (offset >= this.lastOffset) index = this.entries.length - 1;
    else if (offset >= this.firstOffset) index = this.indexOf(offset);
    // An entry that only starts at or before `offset` does not end there: begin below it.
    if (index !== -1 && (this.entries[index]?.lastOffset ?? offset) > offset) index--;
    for (let at = index; at >= 0; at--) {
      const entry = this.entries[at];
      if (entry !== undefined && entry.term <= term) {
        return { offset: entry.lastOffset, term: entry.term };
      }
    }
    if (offset >= this.snapshotMeta.lastOffset && this.snapshotMeta.term <= term) {
      return { offset: this.snapshotMeta.lastOffset, term: this.snapshotMeta.term };
    }
    return { offset: asOffset(this.snapshotMeta.lastOffset - 1), term: asTerm(0) };
  }

  /** Appends entries that continue the log exactly (the caller truncated any conflict first). */
  append(entries: readonly EntryMeta[]): void {
    for (const entry of entries) {
      assert(
        entry.baseOffset === this.lastOffset + 1,
        `entry ${entry.baseOffset} does not continue the log at ${this.lastOffset}`,
      );
      assert(
        entry.lastOffset >= entry.baseOffset,
        `entry ${entry.baseOffset} ends before it starts`,
      );
      assert(entry.term >= this.lastTerm, `entry term ${entry.term} < last term ${this.lastTerm}`);
      this.entries.push(entry);
      if (entry.config !== undefined) this.configOffsets.push(entry.baseOffset);
    }
  }

  /** Drops every entry from `offset` on; `offset - 1` must end an entry (or the snapshot). */
  truncateFrom(offset: Offset): void {
    assert(offset > this.snapshotMeta.lastOffset, `truncation at ${offset} inside the snapshot`);
    assert(this.isBoundary(asOffset(offset - 1)), `truncation at ${offset} splits an entry`);
    const index = this.indexOf(offset);
    if (index === -1) return;
    this.entries.length = index;
    while ((this.configOffsets.at(-1) ?? -1) >= offset) this.configOffsets.pop();
  }

  /** Entries from the one starting at `fromOffset`, up to `bytesMax` (always at least one). */
  slice(fromOffset: Offset, bytesMax: number): EntryMeta[] {
    if (fromOffset > this.lastOffset) return [];
    const start = this.indexOf(fromOffset);
    assert(
      start !== -1 && this.entries[start]?.baseOffset === fromOffset,
      `no entry starts at ${fromOffset}`,
    );
    const slice: EntryMeta[] = [];
    let bytes = 0;
    for (let index = start; index < this.entries.length; index++) {
      const entry = this.entries[index];
      if (entry === undefined) break;
      if (slice.length > 0 && bytes + entry.sizeBytes > bytesMax) break;
      slice.push(entry);
      bytes += entry.sizeBytes;
    }
    return slice;
  }

  /** Every entry after the boundary `offset`. */
  entriesAfter(offset: Offset): EntryMeta[] {
    if (offset >= this.lastOffset) return [];
    if (offset < this.firstOffset) return this.entries.slice();
    const index = this.indexOf(offset);
    return this.entries.slice(index + 1);
  }

  /** The configuration in force at `offset` (the latest configuration entry at or before it). */
  membershipAt(offset: Offset): Membership {
    for (let at = this.configOffsets.length - 1; at >= 0; at--) {
      const configOffset = this.configOffsets[at];
      if (configOffset !== undefined && configOffset <= offset) {
        const config = this.entryAt(configOffset)?.config;
        assert(config !== undefined, `configuration entry ${configOffset} lost its config`);
        return config;
      }
    }
    return this.snapshotMeta.membership;
  }

  /** Raft thesis 4.1: a server uses the latest configuration in its log, committed or not. */
  latestMembership(): Membership {
    return this.membershipAt(this.lastOffset);
  }

  /** Offset of the latest configuration entry, or the snapshot's last offset when none. */
  lastConfigOffset(): Offset {
    return this.configOffsets.at(-1) ?? this.snapshotMeta.lastOffset;
  }

  /** Drops the entries up to the boundary `offset`, which becomes the snapshot. */
  compact(offset: Offset): SnapshotMeta {
    assert(
      offset <= this.lastOffset,
      `compaction at ${offset} beyond the log end ${this.lastOffset}`,
    );
    if (offset <= this.snapshotMeta.lastOffset) return this.snapshotMeta;
    assert(this.isBoundary(offset), `compaction at ${offset} splits an entry`);
    const term = this.termAt(offset);
    assert(term !== undefined, `no term at ${offset}`);
    const snapshot: SnapshotMeta = {
      lastOffset: offset,
      term,
      membership: this.membershipAt(offset),
    };
    const index = this.indexOf(offset);
    this.entries.splice(0, index + 1);
    this.configOffsets = this.configOffsets.filter((configOffset) => configOffset > offset);
    this.snapshotMeta = snapshot;
    return snapshot;
  }

  /** Replaces the whole log by a snapshot received from the leader (InstallSnapshot). */
  restore(snapshot: SnapshotMeta): void {
    this.snapshotMeta = snapshot;
    this.entries = [];
    this.configOffsets = [];
  }

  /** Index into `entries` of the entry holding `offset`, or -1. Binary search. */
  private indexOf(offset: Offset): number {
    if (offset < this.firstOffset || offset > this.lastOffset) return -1;
    const last = this.entries.length - 1;
    if ((this.entries[last]?.baseOffset ?? Infinity) <= offset) return last;
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      const entry = this.entries[middle];
      assert(entry !== undefined);
      if (entry.baseOffset <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}
