/**
 * Bytes of entries the core knows about but the log does not hold yet: a leader's proposals
 * (between `propose` and the Ready that appends them) and the payloads of `append` messages a
 * follower received (between `step` and the Ready that lists them), plus the state machine
 * bytes of a received `installSnapshot`.
 *
 * Keyed by (baseOffset, term): Raft gives one entry per offset and term (one leader per term
 * assigns each offset once), while the same offset can hold different entries in different
 * terms (a deposed leader's suffix and its replacement).
 *
 * Lifetime rule (what bounds the cache): `claim` is called with each Ready right after
 * `ready()`. Everything the core accepted before that call is in that Ready, so whatever the
 * Ready does not list was refused by the core (a duplicate, a stale or rejected append) and is
 * dropped. The cache therefore only holds what arrived while one Ready was being processed.
 *
 * Must not: decide what to append (the core does), or hand out bytes for an entry that the
 * Ready does not name.
 */
import { splitBatches } from '../protocol/record-batch.js';
import type { BatchSpan } from '../protocol/record-batch.js';
import type { AppendMessage, EntryMeta, Offset, SnapshotMeta, Term } from '../raft/types.js';
import { matches } from './log-entries.js';

export interface CachedSnapshot {
  readonly meta: SnapshotMeta;
  readonly bytes: Uint8Array;
}

/** What a Ready needs, taken out of the cache. */
export interface ClaimedBytes {
  /** Bytes of each entry of `Ready.entries` that the cache held, by baseOffset. */
  readonly entries: Map<Offset, Uint8Array>;
  readonly snapshot: Uint8Array | null;
}

const keyOf = (baseOffset: Offset, term: Term): string => `${baseOffset}/${term}`;

export class PayloadCache {
  private entries = new Map<string, Uint8Array>();
  private snapshot: CachedSnapshot | null = null;
  private bytes = 0;

  /** Bytes held (for status and limits). */
  get sizeBytes(): number {
    return this.bytes;
  }

  get entryCount(): number {
    return this.entries.size;
  }

  putEntry(baseOffset: Offset, term: Term, bytes: Uint8Array): void {
    const key = keyOf(baseOffset, term);
    const previous = this.entries.get(key);
    if (previous !== undefined) this.bytes -= previous.length;
    this.entries.set(key, bytes);
    this.bytes += bytes.length;
  }

  /**
   * Validates an append's payload (whole batches, each passing checkBatch with its CRC, one
   * per entry, with the entry's offsets and term) and caches its entries. Returns why the
   * message must be dropped, or null when it may be stepped.
   */
  acceptAppend(
    message: AppendMessage,
    payload: Uint8Array | null,
    bytesMax: number,
  ): string | null {
    if (payload === null) return 'no payload';
    if (this.bytes + payload.length > bytesMax) return 'payload cache full';
    let spans: BatchSpan[];
    try {
      spans = splitBatches(payload);
    } catch (error) {
      return error instanceof Error ? error.message : 'corrupt payload';
    }
    if (spans.length !== message.entries.length) return 'payload and entries differ';
    const pieces: Uint8Array[] = [];
    for (let index = 0; index < spans.length; index++) {
      const span = spans[index];
      const entry = message.entries[index];
      if (span === undefined || entry === undefined || !matches(entry, span)) {
        return 'payload and entries differ';
      }
      pieces.push(payload.subarray(span.position, span.position + span.size));
    }
    message.entries.forEach((entry, index) => {
      const piece = pieces[index];
      if (piece !== undefined) this.putEntry(entry.baseOffset, entry.term, piece);
    });
    return null;
  }

  putSnapshot(meta: SnapshotMeta, bytes: Uint8Array): void {
    this.snapshot = { meta, bytes };
  }

  /**
   * Takes the bytes the Ready needs and drops everything else (see the lifetime rule). Entries
   * the cache does not hold are simply absent from the result: the loop then expects them in
   * the log already (or reports the contract breach).
   */
  claim(entries: readonly EntryMeta[], snapshot: SnapshotMeta | null): ClaimedBytes {
    const claimed = new Map<Offset, Uint8Array>();
    for (const entry of entries) {
      const bytes = this.entries.get(keyOf(entry.baseOffset, entry.term));
      if (bytes !== undefined) claimed.set(entry.baseOffset, bytes);
    }
    let snapshotBytes: Uint8Array | null = null;
    const cached = this.snapshot;
    if (
      snapshot !== null &&
      cached !== null &&
      cached.meta.lastOffset === snapshot.lastOffset &&
      cached.meta.term === snapshot.term
    ) {
      snapshotBytes = cached.bytes;
    }
    this.clear();
    return { entries: claimed, snapshot: snapshotBytes };
  }

  clear(): void {
    this.entries = new Map();
    this.snapshot = null;
    this.bytes = 0;
  }
}
