/**
 * Carries out one `Ready` of the core over the partition log, in exactly the order the contract
 * gives (raft/types.ts, `Ready`): install snapshot, truncate, append, send, make durable, send
 * what needed durability, apply. It also takes local snapshots (compaction) between Readys.
 *
 * Invariants:
 * - Only the replica loop calls in, one call at a time: this object's state (applied offset,
 *   snapshot, membership history) is never read and written by two tasks at once.
 * - Appends of one Ready are issued synchronously in entry order (the log assigns positions in
 *   call order). Messages leave while those writes run when every entry they carry is one of
 *   this Ready's, in memory (the common case: a leader replicating what it just appended, in
 *   parallel with its own write, Raft thesis 10.2.1; it counts itself toward the commit only
 *   once durable). Otherwise they wait for the writes, so that the bytes of every entry a
 *   message names can be read back.
 * - `messagesAfterPersist` leave only after the log fsync and the raft-state write resolved.
 * - Applied entries never go back: a truncation at or below the applied offset is a bug.
 *
 * Must not: call into the core (the replica does, before and after), or swallow a storage
 * error (it propagates: the replica fails).
 */
import type {
  EntryMeta,
  HardState,
  Message,
  NodeId,
  Offset,
  Ready,
  ReadState,
  SnapshotMeta,
} from '../raft/types.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { assert } from '../util/assert.js';
import { asOffset } from '../util/brand.js';
import type { Clock, Logger } from '../util/ports.js';
import { encodeConfigEntry, encodeNoopEntry } from './entry-codec.js';
import {
  batchViews,
  checkMatches,
  entryOf,
  forEachBatch,
  matches,
  readEntryBytes,
} from './log-entries.js';
import type { LogEntry } from './log-entries.js';
import type { MembershipHistory } from './membership-history.js';
import type { ReplicaObserver } from './observer.js';
import type { ClaimedBytes } from './payload-cache.js';
import { resetLog } from './raft-storage.js';
import type { RaftStorage, StoredSnapshot } from './raft-storage.js';
import { encodeSnapshotPayload } from './snapshot-payload.js';
import type { StateMachine } from './state-machine.js';
import type { Transport } from './transport.js';

export interface ProcessorOptions {
  readonly id: NodeId;
  readonly log: PartitionLog;
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  readonly observer: ReplicaObserver;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The snapshot on disk when the replica opened. */
  readonly snapshot: StoredSnapshot;
  readonly history: MembershipHistory;
  readonly hardState: HardState;
  /**
   * The raft-state file was damaged and `hardState` rebuilt: the first hard state of a Ready is
   * written even if term and vote did not change, so the file is whole again.
   */
  readonly hardStateLost?: boolean;
  /** True once the replica was halted: nothing may leave it any more. */
  readonly halted: () => boolean;
  /** Ready step 3 done: these entries are written (not yet durable). */
  readonly onWritten: (entries: readonly EntryMeta[]) => void;
}

/** What the replica learns from one processed Ready. */
export interface ReadyOutcome {
  /** The entries applied (read back from the log); empty for a stateless state machine. */
  readonly applied: readonly LogEntry[];
  /** Set when a stateless state machine's entries up to this offset count as applied. */
  readonly appliedThrough: Offset | null;
  readonly readStates: readonly ReadState[];
}

export class ReadyProcessor {
  private snapshotValue: StoredSnapshot;
  private appliedOffset: Offset;
  private persisted: HardState;
  private rewriteHardState: boolean;
  /** The current snapshot as sent (with its CRC), computed once per snapshot. */
  private snapshotPayload: { readonly meta: SnapshotMeta; readonly payload: Uint8Array } | null =
    null;
  private readonly history: MembershipHistory;

  constructor(private readonly options: ProcessorOptions) {
    this.snapshotValue = options.snapshot;
    this.appliedOffset = options.snapshot.meta.lastOffset;
    this.persisted = options.hardState;
    this.rewriteHardState = options.hardStateLost === true;
    this.history = options.history;
  }

  get applied(): Offset {
    return this.appliedOffset;
  }

  get snapshot(): StoredSnapshot {
    return this.snapshotValue;
  }

  async process(ready: Ready, claimed: ClaimedBytes): Promise<ReadyOutcome> {
    if (ready.snapshot !== null) await this.installSnapshot(ready.snapshot, claimed.snapshot);
    if (ready.truncateFrom !== null) await this.truncate(ready.truncateFrom);
    const { written, done } = await this.append(ready.entries, claimed.entries);
    if (this.allInMemory(ready.messages, written)) {
      await this.send(ready.messages, written);
      await done;
    } else {
      await done;
      await this.send(ready.messages, written);
    }
    await this.persist(ready);
    await this.send(ready.messagesAfterPersist, written);
    if (ready.committed !== null && this.options.stateMachine.stateless === true) {
      return {
        applied: [],
        appliedThrough: this.applyStateless(ready.committed),
        readStates: ready.readStates,
      };
    }
    const applied = ready.committed === null ? [] : await this.apply(ready.committed);
    return { applied, appliedThrough: null, readStates: ready.readStates };
  }

  // ---- 1. snapshot ----

  private async installSnapshot(meta: SnapshotMeta, bytes: Uint8Array | null): Promise<void> {
    const { log, storage, stateMachine, observer, logger } = this.options;
    assert(bytes !== null, `no state bytes for the snapshot at ${meta.lastOffset}`);
    assert(meta.lastOffset > this.appliedOffset, 'a snapshot must move the applied offset on');
    assert(log.logStartOffset <= meta.lastOffset + 1, 'a snapshot older than the log start');
    // The file first: after a crash in between, open finishes the log cut (raft-storage.ts).
    const snapshot = { meta, bytes };
    await storage.writeSnapshot(snapshot);
    await resetLog(log, meta.lastOffset + 1);
    stateMachine.restore(bytes, meta.lastOffset);
    this.snapshotValue = snapshot;
    this.appliedOffset = meta.lastOffset;
    this.history.compactTo(meta.lastOffset, meta.membership);
    this.history.truncateFrom(meta.lastOffset + 1);
    logger.info({ lastOffset: meta.lastOffset, term: meta.term }, 'installed a snapshot');
    observer.snapshotInstalled?.(meta);
  }

  // ---- 2. truncate ----

  private async truncate(fromOffset: Offset): Promise<void> {
    assert(fromOffset > this.appliedOffset, `truncating at ${fromOffset}, applied entries`);
    await this.options.log.truncateSuffix(fromOffset);
    this.history.truncateFrom(fromOffset);
    this.options.observer.truncated?.(fromOffset);
  }

  // ---- 3. append ----

  /**
   * Issues the writes of the Ready's entries; returns their bytes by base offset (for sending)
   * and `done`, which resolves once they are written.
   */
  private async append(
    entries: readonly EntryMeta[],
    claimed: ReadonlyMap<Offset, Uint8Array>,
  ): Promise<{ written: Map<Offset, Uint8Array>; done: Promise<void> }> {
    const written = new Map<Offset, Uint8Array>();
    if (entries.length === 0) return { written, done: Promise.resolve() };
    const batches: Uint8Array[] = [];
    for (const entry of entries)
      batches.push(claimed.get(entry.baseOffset) ?? (await this.encode(entry)));
    const { log } = this.options;
    const appended: LogEntry[] = [];
    const writes: Promise<unknown>[] = [];
    entries.forEach((entry, index) => {
      const bytes = batches[index];
      assert(bytes !== undefined, 'one batch per entry');
      const view = batchViews(bytes)[0];
      assert(view !== undefined && view.size === bytes.length, 'an entry is one whole batch');
      checkMatches(entry, view);
      writes.push(log.append(bytes, { assignOffsets: false }));
      written.set(entry.baseOffset, bytes);
      appended.push(entryOf(bytes, view));
    });
    const done = Promise.all(writes).then(() => {
      for (const entry of appended) {
        if (entry.kind.kind === 'config')
          this.history.append(entry.meta.baseOffset, entry.kind.membership);
      }
      this.options.onWritten(entries);
      this.options.observer.appended?.(appended);
    });
    // Awaited by the caller, perhaps after sending: never left to fail unobserved meanwhile.
    done.catch(() => undefined);
    return { written, done };
  }

  /** Every append among `messages` carries only entries of this Ready (bytes in `written`). */
  private allInMemory(
    messages: readonly Message[],
    written: ReadonlyMap<Offset, Uint8Array>,
  ): boolean {
    return messages.every((message) => {
      if (message.type !== 'append') return message.type !== 'installSnapshot';
      return message.entries.every((entry) => {
        const bytes = written.get(entry.baseOffset);
        const view = bytes === undefined ? undefined : batchViews(bytes)[0];
        return view !== undefined && matches(entry, view);
      });
    });
  }

  /**
   * Bytes for an entry no payload or proposal brought: the core created it on this node (a new
   * leader's no-op, or a configuration entry of its own). Data entries always come with bytes.
   */
  private encode(entry: EntryMeta): Promise<Uint8Array> {
    const options = {
      baseOffset: entry.baseOffset,
      term: entry.term,
      timestampMs: this.options.clock.nowMs(),
    };
    if (entry.noop === true) return encodeNoopEntry(this.options.id, options);
    if (entry.config !== undefined) return encodeConfigEntry(entry.config, options);
    throw new Error(
      `no bytes for data entry [${entry.baseOffset}..${entry.lastOffset}] term ${entry.term}`,
    );
  }

  // ---- 4 and 6. send ----

  private async send(
    messages: readonly Message[],
    written: ReadonlyMap<Offset, Uint8Array>,
  ): Promise<void> {
    for (const message of messages) {
      const payload = await this.payloadFor(message, written);
      if (payload === undefined || this.options.halted()) continue;
      this.options.transport.send(message, payload);
    }
  }

  /** The bytes that travel with `message`; undefined drops it (see the cases). */
  private async payloadFor(
    message: Message,
    written: ReadonlyMap<Offset, Uint8Array>,
  ): Promise<Uint8Array | null | undefined> {
    if (message.type === 'installSnapshot') {
      const { meta, bytes } = this.snapshotValue;
      if (meta.lastOffset === message.snapshot.lastOffset && meta.term === message.snapshot.term) {
        if (this.snapshotPayload?.meta !== meta) {
          this.snapshotPayload = { meta, payload: encodeSnapshotPayload(bytes) };
        }
        return this.snapshotPayload.payload;
      }
      this.options.logger.warn(
        { asked: message.snapshot.lastOffset, held: meta.lastOffset },
        'dropping an installSnapshot for a snapshot this replica no longer holds',
      );
      return undefined;
    }
    if (message.type !== 'append' || message.entries.length === 0) return null;
    // This Ready's own entries, when the message names exactly those (same offsets and term).
    const pieces = message.entries.map((entry) => {
      const bytes = written.get(entry.baseOffset);
      const view = bytes === undefined ? undefined : batchViews(bytes)[0];
      return view !== undefined && matches(entry, view) ? bytes : undefined;
    });
    if (pieces.every((piece) => piece !== undefined)) {
      return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
    }
    const bytes = await readEntryBytes(this.options.log, message.entries);
    if (bytes === null) {
      // Compacted or truncated since the core built the message: like a lost message, the
      // core retries (or falls back to InstallSnapshot) if it still leads.
      this.options.logger.debug(
        { to: message.to, term: message.term, from: message.entries[0]?.baseOffset },
        'dropping an append for entries the log no longer holds',
      );
      return undefined;
    }
    return bytes;
  }

  // ---- 5. persist ----

  private async persist(ready: Ready): Promise<void> {
    // The log first, then the hard state, never both at once: the hard state's commit may cover
    // entries this Ready wrote (or a truncation it made), and a crash that kept the hard state
    // but not the log would let a restarted node apply entries that were never committed.
    if (ready.mustSync) await this.options.log.flush();
    const state = ready.hardState;
    // Only term and vote need durability (types.ts, HardState): a commit-only change is not
    // worth an atomic file write (two fsyncs); it rides along with the next term or vote.
    const changed =
      state !== null &&
      (this.rewriteHardState ||
        state.term !== this.persisted.term ||
        state.vote !== this.persisted.vote);
    if (state !== null && changed) await this.options.storage.writeHardState(state);
    if (state !== null && changed) {
      this.rewriteHardState = false;
      this.persisted = state;
      this.options.observer.hardStatePersisted?.(state);
    }
  }

  // ---- 7. apply ----

  private async apply(range: { readonly from: Offset; readonly to: Offset }): Promise<LogEntry[]> {
    assert(
      range.from === this.appliedOffset + 1,
      `applying from ${range.from}, applied ${this.appliedOffset}`,
    );
    const applied: LogEntry[] = [];
    const { stateMachine, observer } = this.options;
    await forEachBatch(this.options.log, range.from, range.to, (bytes, view) => {
      const entry = entryOf(bytes, view);
      if (entry.kind.kind === 'data') {
        stateMachine.apply({
          baseOffset: entry.meta.baseOffset,
          lastOffset: entry.meta.lastOffset,
          term: entry.meta.term,
          bytes: bytes.subarray(view.position, view.position + view.size),
        });
      }
      this.appliedOffset = entry.meta.lastOffset;
      observer.applied?.(entry);
      applied.push(entry);
    });
    return applied;
  }

  /**
   * A stateless state machine has nothing to apply: the range counts as applied without
   * reading it back (the log holds it, written by this or an earlier Ready).
   */
  private applyStateless(range: { readonly from: Offset; readonly to: Offset }): Offset {
    assert(
      range.from === this.appliedOffset + 1,
      `applying from ${range.from}, applied ${this.appliedOffset}`,
    );
    this.appliedOffset = range.to;
    return range.to;
  }

  // ---- compaction (between Readys) ----

  /**
   * Snapshots the state machine at the applied offset (or, for a stateless state machine, at
   * `upTo` when lower: retention), then drops the log up to it. Returns the snapshot's
   * metadata, or null when there is nothing new to cover. The caller tells the core (`compact`)
   * between writing the file and cutting the log. `upTo` must end an entry.
   */
  async takeSnapshot(upTo?: Offset): Promise<SnapshotMeta | null> {
    const { log, storage, stateMachine } = this.options;
    assert(
      upTo === undefined || stateMachine.stateless === true,
      'only a stateless state machine can be snapshotted below its applied offset',
    );
    const lastOffset = asOffset(Math.min(this.appliedOffset, upTo ?? this.appliedOffset));
    if (lastOffset <= this.snapshotValue.meta.lastOffset) return null;
    const term = log.termAt(lastOffset);
    assert(term !== undefined, `applied offset ${lastOffset} is not in the log`);
    const meta: SnapshotMeta = {
      lastOffset,
      term: term as SnapshotMeta['term'],
      membership: this.history.at(lastOffset),
    };
    const snapshot = { meta, bytes: stateMachine.snapshot() };
    await storage.writeSnapshot(snapshot);
    this.snapshotValue = snapshot;
    return meta;
  }

  async dropPrefix(meta: SnapshotMeta): Promise<void> {
    await this.options.log.truncatePrefix(asOffset(meta.lastOffset + 1));
    this.history.compactTo(meta.lastOffset, meta.membership);
    this.options.logger.info({ lastOffset: meta.lastOffset }, 'compacted the log');
    this.options.observer.compacted?.(meta);
  }
}
