/**
 * The core's pending output, and its assembly into `Ready` values (see Ready in types.ts for
 * what the caller does with one). The outbox remembers what it already handed out — the log
 * the caller was told to write (`writtenLastOffset`), the hard state it was told to persist,
 * the offsets it was told to apply — so each Ready carries only what changed since the last.
 *
 * Durability rule enforced here, by the choice of list a message goes to:
 *  - `messagesAfterPersist` holds the messages that promise something durable: vote requests
 *    and vote answers (a vote must survive a crash, or a restarted voter could vote twice in one
 *    term — Raft paper figure 2, "persistent state"), and append answers (a success says the
 *    entries are on disk: the leader counts it toward the commit quorum);
 *  - `messages` holds everything else (the leader's appends, heartbeats, pre-votes, snapshots):
 *    they promise nothing about this node's disk, so they go out while its fsync runs.
 * The commit offset of `Ready.hardState` is the caller's (RaftCore.readyHardState): capped at
 * what was durable before the Ready; `committed` follows the true commit offset (entries are
 * applied only after step 5 made this Ready durable).
 */
import { assert } from '../util/assert.js';
import { asOffset } from './ids.js';
import type { EntryLog } from './entry-log.js';
import type {
  HardState,
  Message,
  MessageType,
  Offset,
  ReadState,
  Ready,
  SnapshotMeta,
} from './types.js';

/** Messages that may leave only once this node's Ready is durable. */
const AFTER_PERSIST: ReadonlySet<MessageType> = new Set<MessageType>([
  'vote',
  'voteResponse',
  'appendResponse',
]);

export class Outbox {
  private messages: Message[] = [];
  private messagesAfterPersist: Message[] = [];
  private readStates: ReadState[] = [];
  private droppedReads: number[] = [];
  private snapshot: SnapshotMeta | null = null;
  private truncateFrom: Offset | null = null;
  /** Last offset of the log as the caller was told to write it. */
  private writtenLastOffset: Offset;
  private handedHardState: HardState;
  /** Last offset the caller was told to apply (or that its snapshot covers). */
  private appliedHandedOut: Offset;
  private outstanding: Ready | null = null;

  constructor(writtenLastOffset: Offset, hardState: HardState, applied: Offset) {
    this.writtenLastOffset = writtenLastOffset;
    this.handedHardState = hardState;
    this.appliedHandedOut = applied;
  }

  /** Queues `message`, in the list its durability needs (see the header). */
  send(message: Message): void {
    if (AFTER_PERSIST.has(message.type)) this.messagesAfterPersist.push(message);
    else this.messages.push(message);
  }

  addReadStates(readStates: readonly ReadState[]): void {
    // One push per item: spreading a large array as call arguments throws RangeError.
    for (const readState of readStates) this.readStates.push(readState);
  }

  addDroppedReads(requestIds: readonly number[]): void {
    for (const requestId of requestIds) this.droppedReads.push(requestId);
  }

  /** The log lost its suffix from `offset`: the caller must too, if it wrote any of it. */
  noteTruncation(offset: Offset): void {
    if (offset > this.writtenLastOffset) return;
    this.truncateFrom =
      this.truncateFrom === null ? offset : asOffset(Math.min(this.truncateFrom, offset));
    this.writtenLastOffset = asOffset(offset - 1);
  }

  /** The log was replaced by `snapshot`; any pending truncation is moot. */
  noteSnapshot(snapshot: SnapshotMeta): void {
    this.snapshot = snapshot;
    this.truncateFrom = null;
    this.writtenLastOffset = snapshot.lastOffset;
    this.appliedHandedOut = asOffset(Math.max(this.appliedHandedOut, snapshot.lastOffset));
  }

  /** No Ready is outstanding (handed out and not yet acknowledged). */
  get idle(): boolean {
    return this.outstanding === null;
  }

  /** `hardState`: what to persist; `commit`: the true commit offset (what may be applied). */
  hasReady(log: EntryLog, hardState: HardState, commit: Offset): boolean {
    if (this.outstanding !== null) return false;
    return (
      this.messages.length > 0 ||
      this.messagesAfterPersist.length > 0 ||
      this.readStates.length > 0 ||
      this.droppedReads.length > 0 ||
      this.snapshot !== null ||
      this.truncateFrom !== null ||
      log.lastOffset > this.writtenLastOffset ||
      commit > this.appliedHandedOut ||
      !sameHardState(hardState, this.handedHardState)
    );
  }

  take(log: EntryLog, hardState: HardState, commit: Offset): Ready {
    assert(this.outstanding === null, 'ready() called again before advance() of the last Ready');
    const entries = log.entriesAfter(this.writtenLastOffset);
    const hardStateChanged = !sameHardState(hardState, this.handedHardState);
    const termOrVoteChanged =
      hardState.term !== this.handedHardState.term || hardState.vote !== this.handedHardState.vote;
    const committed =
      commit > this.appliedHandedOut
        ? { from: asOffset(this.appliedHandedOut + 1), to: commit }
        : null;
    const ready: Ready = {
      snapshot: this.snapshot,
      truncateFrom: this.truncateFrom,
      entries,
      hardState: hardStateChanged ? hardState : null,
      messages: this.messages,
      messagesAfterPersist: this.messagesAfterPersist,
      committed,
      readStates: this.readStates,
      droppedReads: this.droppedReads,
      mustSync:
        entries.length > 0 ||
        this.truncateFrom !== null ||
        this.snapshot !== null ||
        termOrVoteChanged,
    };
    this.writtenLastOffset = log.lastOffset;
    this.handedHardState = hardState;
    if (committed !== null) this.appliedHandedOut = committed.to;
    this.messages = [];
    this.messagesAfterPersist = [];
    this.readStates = [];
    this.droppedReads = [];
    this.snapshot = null;
    this.truncateFrom = null;
    this.outstanding = ready;
    return ready;
  }

  /** The caller finished `ready`; it must be the one handed out last. */
  acknowledge(ready: Ready): void {
    assert(this.outstanding !== null, 'advance() without an outstanding Ready');
    assert(
      this.outstanding === ready,
      'advance() with a Ready that was not the last one handed out',
    );
    this.outstanding = null;
  }
}

function sameHardState(left: HardState, right: HardState): boolean {
  return left.term === right.term && left.vote === right.vote && left.commit === right.commit;
}
