/**
 * The follower: accepts the leader's appends, heartbeats and snapshots, and answers them
 * (Raft paper 5.3; thesis 5 for snapshots). Answers to appends and snapshots go out only once
 * this node's Ready is durable (Outbox), because a success tells the leader the entries are
 * on disk here and the leader counts them toward the commit quorum.
 *
 * Remote input is checked, never asserted (assertions are for local programmer errors): an
 * append or snapshot no honest leader could send — entries that do not continue
 * prevLastOffset contiguously, terms that decrease or exceed the message's term, an entry that
 * ends before it starts, a prevLastOffset that splits one of our entries, a malformed
 * configuration — is dropped without an answer, as if lost: a rejection would feed the leader's
 * backtracking a hint about a message it never sent, and an honest leader's retry (heartbeat
 * answers re-trigger appends) is all liveness needs. Commit offsets from the leader are rounded
 * down to an entry boundary we hold, so a batch is never applied in part.
 */
import { asOffset, asTerm } from '../ids.js';
import type { RaftCore } from '../core.js';
import type {
  AppendMessage,
  EntryMeta,
  HeartbeatMessage,
  InstallSnapshotMessage,
  Membership,
  Message,
  Offset,
  Term,
} from '../types.js';
import type { RoleBehaviour } from './role.js';

export class FollowerRole implements RoleBehaviour {
  readonly role = 'follower';

  constructor(private readonly core: RaftCore) {}

  tick(): void {
    this.core.tickElection();
  }

  step(message: Message): void {
    if (message.type === 'append') handleAppend(this.core, message);
    else if (message.type === 'heartbeat') handleHeartbeat(this.core, message);
    else if (message.type === 'installSnapshot') handleSnapshot(this.core, message);
    // Leadership transfer (thesis 3.10): campaign at once, skipping pre-vote, and tell the
    // voters to ignore their leader lease.
    else if (message.type === 'timeoutNow') this.core.hup(true);
  }

  afterAdvance(): void {
    // Nothing waits on this node's durability in the follower role.
  }
}

/**
 * Log matching (Raft paper 5.3): accept only if this log holds (prevLastOffset, prevTerm);
 * then skip the entries already held, truncate at the first conflict, append the rest.
 */
function handleAppend(core: RaftCore, message: AppendMessage): void {
  const log = core.log;
  if (message.prevLastOffset < core.commit) {
    // Everything up to our commit matches the leader already (leader completeness); this
    // append is stale or starts inside our snapshot. Tell the leader where we stand.
    answer(core, message.from, true, core.commit);
    return;
  }
  if (!wellFormedEntries(message)) return;
  if (log.termAt(message.prevLastOffset) !== message.prevTerm) {
    reject(core, message);
    return;
  }
  // Same (offset, term) means same entry, so an honest leader's boundary is one here too.
  if (!log.isBoundary(message.prevLastOffset)) return;
  if (!core.appendFromLeader(message.entries)) return;
  const lastVerified = message.entries.at(-1)?.lastOffset ?? message.prevLastOffset;
  core.commitTo(log.boundaryAtOrBelow(asOffset(Math.min(message.commit, lastVerified))));
  answer(core, message.from, true, lastVerified);
}

/**
 * The entries continue (prevLastOffset, prevTerm) contiguously, each spans at least one
 * offset, and their terms never decrease and never exceed the message's term (the log's
 * invariants, EntryLog, and Raft's: a leader of term T holds no entry of a later term).
 */
function wellFormedEntries(message: AppendMessage): boolean {
  if (!isOffset(message.prevLastOffset) || !Number.isSafeInteger(message.prevTerm)) return false;
  let lastOffset = message.prevLastOffset;
  let lastTerm = message.prevTerm;
  for (const entry of message.entries) {
    if (!wellFormedEntry(entry) || entry.baseOffset !== lastOffset + 1) return false;
    if (entry.term < lastTerm || entry.term > message.term) return false;
    lastOffset = entry.lastOffset;
    lastTerm = entry.term;
  }
  return true;
}

function wellFormedEntry(entry: EntryMeta): boolean {
  return (
    isOffset(entry.baseOffset) &&
    isOffset(entry.lastOffset) &&
    entry.lastOffset >= entry.baseOffset &&
    Number.isSafeInteger(entry.term) &&
    Number.isFinite(entry.sizeBytes) &&
    entry.sizeBytes >= 0 &&
    (entry.config === undefined || wellFormedMembership(entry.config))
  );
}

/** At least one voter, nobody listed twice (a quorum over a malformed list means nothing). */
function wellFormedMembership(membership: Membership): boolean {
  const all = [...membership.voters, ...membership.learners];
  return membership.voters.length > 0 && new Set(all).size === all.length;
}

function isOffset(offset: Offset): boolean {
  return Number.isSafeInteger(offset) && offset >= -1;
}

/** A rejection carries the fast-backtracking hint (see AppendResponseMessage.rejectHint). */
function reject(core: RaftCore, message: AppendMessage): void {
  const from = asOffset(Math.min(message.prevLastOffset, core.log.lastOffset));
  const hint = core.log.findConflictByTerm(from, message.prevTerm);
  answer(core, message.from, false, message.prevLastOffset, hint.offset, hint.term);
}

function handleHeartbeat(core: RaftCore, message: HeartbeatMessage): void {
  // The leader sends min(its commit, our match), never beyond what we hold, and an entry end.
  const commit = asOffset(Math.min(message.commit, core.log.lastOffset));
  if (Number.isSafeInteger(commit)) core.commitTo(core.log.boundaryAtOrBelow(commit));
  if (Number.isSafeInteger(message.commit) && message.commit > core.log.lastOffset) {
    // The leader believes we hold entries we no longer have: our storage lost what we
    // acknowledged (RaftConfig.abstain). Refuse its match point, so that it probes again
    // (Replicator.lostAcknowledged) and sends us the lost suffix.
    const log = core.log;
    answer(core, message.from, false, message.commit, log.lastOffset, log.lastTerm);
  }
  core.send({
    type: 'heartbeatResponse',
    from: core.id,
    to: message.from,
    term: core.term,
    readContext: message.readContext,
  });
}

/**
 * InstallSnapshot: ignore a snapshot we are past (commit already covers it); if we hold its
 * last entry with its term, the log already matches the leader's up to there, so only the
 * commit moves; otherwise replace the whole log by it.
 */
function handleSnapshot(core: RaftCore, message: InstallSnapshotMessage): void {
  const snapshot = message.snapshot;
  const wellFormed =
    isOffset(snapshot.lastOffset) &&
    Number.isSafeInteger(snapshot.term) &&
    snapshot.term <= message.term &&
    wellFormedMembership(snapshot.membership);
  if (!wellFormed) return;
  if (snapshot.lastOffset <= core.commit) {
    answer(core, message.from, true, core.commit);
    return;
  }
  if (core.log.termAt(snapshot.lastOffset) === snapshot.term) {
    // Held with its term: the same entry, whose end an honest leader's snapshot is.
    if (!core.log.isBoundary(snapshot.lastOffset)) return;
    core.commitTo(snapshot.lastOffset);
  } else {
    core.installSnapshot(snapshot);
  }
  answer(core, message.from, true, snapshot.lastOffset);
}

function answer(
  core: RaftCore,
  to: Message['from'],
  success: boolean,
  matchOffset: Offset,
  rejectHint: Offset = asOffset(-1),
  rejectHintTerm: Term = asTerm(0),
): void {
  core.send({
    type: 'appendResponse',
    from: core.id,
    to,
    term: core.term,
    success,
    matchOffset,
    rejectHint,
    rejectHintTerm,
  });
}
