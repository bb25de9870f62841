/**
 * Reading Raft entries (record batches) back from the partition log: the metadata scan that
 * rebuilds the core's view on open, the bytes attached to outgoing `append` messages, and the
 * committed batches applied to the state machine.
 *
 * Invariant checked on every read: the batches read are exactly the entries asked for (same
 * base offset, last offset and term, back to back). A mismatch means the log and the core
 * disagree, which is a bug: it is asserted, and the replica fails rather than ship or apply
 * the wrong bytes.
 *
 * Must not: write to the log, or read beyond what the caller bounds.
 */
import {
  batchSizeAt,
  batchSizeOf,
  lastOffsetOf,
  readBatchHeader,
  BATCH_HEADER_BYTES,
} from '../protocol/record-batch.js';
import type { BatchHeader } from '../protocol/record-batch.js';
import type { EntryMeta, Membership } from '../raft/types.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { assert } from '../util/assert.js';
import { asOffset, asTerm } from '../util/brand.js';
import { classifyEntry } from './entry-codec.js';
import type { EntryKind } from './entry-codec.js';

/** Bytes read from the log per call while scanning or applying. */
export const LOG_READ_CHUNK_BYTES = 1024 * 1024;

/** An entry as found in the log: what the core needs, plus what observers need. */
export interface LogEntry {
  readonly meta: EntryMeta;
  /** The batch CRC-32C (covers the records, not the offset or term). */
  readonly crc: number;
  readonly kind: EntryKind;
}

/** One batch inside a buffer of back-to-back batches. */
export interface BatchView {
  readonly header: BatchHeader;
  readonly position: number;
  readonly size: number;
}

/** Splits back-to-back batches by their length fields (the log checked them on recovery). */
export function batchViews(bytes: Uint8Array): BatchView[] {
  const views: BatchView[] = [];
  let position = 0;
  while (position < bytes.length) {
    const size = batchSizeAt(bytes, position);
    assert(
      size !== undefined && size >= BATCH_HEADER_BYTES && position + size <= bytes.length,
      'log read returned a partial batch',
    );
    views.push({ header: readBatchHeader(bytes, position), position, size });
    position += size;
  }
  return views;
}

export function entryOf(bytes: Uint8Array, view: BatchView): LogEntry {
  const { header } = view;
  const kind = classifyEntry(bytes, view.position, header);
  const base = {
    baseOffset: asOffset(header.baseOffset),
    lastOffset: asOffset(lastOffsetOf(header)),
    term: asTerm(header.partitionLeaderEpoch),
    sizeBytes: batchSizeOf(header),
  };
  const meta: EntryMeta =
    kind.kind === 'config'
      ? { ...base, config: kind.membership }
      : kind.kind === 'noop'
        ? { ...base, noop: true }
        : base;
  return { meta, crc: header.crc, kind };
}

/**
 * Calls `visit` for every batch in [fromOffset, toOffset] (inclusive, batch boundaries), in
 * order, reading at most about `LOG_READ_CHUNK_BYTES` at a time.
 */
export async function forEachBatch(
  log: PartitionLog,
  fromOffset: number,
  toOffset: number,
  visit: (bytes: Uint8Array, view: BatchView) => void,
): Promise<void> {
  let next = fromOffset;
  while (next <= toOffset) {
    const result = await log.read(next, LOG_READ_CHUNK_BYTES, toOffset + 1);
    assert(result.data.length > 0, `log has no batch at ${next} (read up to ${toOffset})`);
    assert(result.firstOffset === next, `log batch starts at ${result.firstOffset}, not ${next}`);
    for (const view of batchViews(result.data)) {
      assert(view.header.baseOffset === next, `log batch at ${view.header.baseOffset} != ${next}`);
      visit(result.data, view);
      next = lastOffsetOf(view.header) + 1;
    }
  }
}

/** Every entry of the log, from its start to its end (the recovery scan). */
export async function scanLog(log: PartitionLog): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  if (log.logEndOffset === log.logStartOffset) return entries;
  await forEachBatch(log, log.logStartOffset, log.logEndOffset - 1, (bytes, view) => {
    entries.push(entryOf(bytes, view));
  });
  return entries;
}

/**
 * The bytes of `entries` (contiguous) read from the log, back to back, or null when the log no
 * longer holds exactly those entries. That happens legitimately: a Ready may carry an append
 * the core queued while it still led, for entries the same Ready truncates because it has
 * since followed a newer leader (a stale message: dropping it is like losing it). Returns a
 * fresh buffer the caller may hand to the transport.
 */
export async function readEntryBytes(
  log: PartitionLog,
  entries: readonly EntryMeta[],
): Promise<Uint8Array | null> {
  const first = entries[0];
  const last = entries[entries.length - 1];
  assert(first !== undefined && last !== undefined, 'readEntryBytes needs entries');
  if (first.baseOffset < log.logStartOffset || last.lastOffset >= log.logEndOffset) return null;
  const pieces: Uint8Array[] = [];
  let next: number = first.baseOffset;
  while (pieces.length < entries.length) {
    const read = await log.read(next, LOG_READ_CHUNK_BYTES, last.lastOffset + 1);
    if (read.data.length === 0 || read.firstOffset !== next) return null;
    for (const view of batchViews(read.data)) {
      const expected = entries[pieces.length];
      if (expected === undefined || !matches(expected, view)) return null;
      pieces.push(read.data.subarray(view.position, view.position + view.size));
      next = lastOffsetOf(view.header) + 1;
    }
  }
  return pieces.length === 1 && pieces[0] !== undefined ? pieces[0] : Buffer.concat(pieces);
}

/** Asserts a stored or received batch is the entry the core described. */
export function checkMatches(expected: EntryMeta, view: BatchView): void {
  const { header } = view;
  assert(
    header.baseOffset === expected.baseOffset &&
      lastOffsetOf(header) === expected.lastOffset &&
      header.partitionLeaderEpoch === expected.term,
    `batch [${header.baseOffset}..${lastOffsetOf(header)}] term ${header.partitionLeaderEpoch} ` +
      `is not entry [${expected.baseOffset}..${expected.lastOffset}] term ${expected.term}`,
  );
}

/**
 * True when the batch is the entry the core described (for untrusted payloads). Sizes are not
 * compared: the core's sizes are budgets (a leader's no-op has a nominal size), not identity.
 */
export function matches(expected: EntryMeta, view: BatchView): boolean {
  const { header } = view;
  return (
    header.baseOffset === expected.baseOffset &&
    lastOffsetOf(header) === expected.lastOffset &&
    header.partitionLeaderEpoch === expected.term
  );
}

/** Memberships of the configuration entries, by base offset, in log order. */
export function configsOf(
  entries: readonly LogEntry[],
): { offset: number; membership: Membership }[] {
  const configs: { offset: number; membership: Membership }[] = [];
  for (const entry of entries) {
    if (entry.kind.kind === 'config') {
      configs.push({ offset: entry.meta.baseOffset, membership: entry.kind.membership });
    }
  }
  return configs;
}
