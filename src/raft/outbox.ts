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
    this.readStates.push(...readStates);
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

  hasReady(log: EntryLog, hardState: HardState): boolean {
    if (this.outstanding !== null) return false;
    return (
      this.messages.length > 0 ||
      this.messagesAfterPersist.length > 0 ||
      this.readStates.length > 0 ||
      this.snapshot !== null ||
      this.truncateFrom !== null ||
      log.lastOffset > this.writtenLastOffset ||
      hardState.commit > this.appliedHandedOut ||
      !sameHardState(hardState, this.handedHardState)
    );
  }

  take(log: EntryLog, hardState: HardState): Ready {
    assert(this.outstanding === null, 'ready() called again before advance() of the last Ready');
    const entries = log.entriesAfter(this.writtenLastOffset);
    const hardStateChanged = !sameHardState(hardState, this.handedHardState);
    const termOrVoteChanged =
      hardState.term !== this.handedHardState.term || hardState.vote !== this.handedHardState.vote;
    const committed =
      hardState.commit > this.appliedHandedOut
        ? { from: asOffset(this.appliedHandedOut + 1), to: hardState.commit }
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
