/**
 * The follower: accepts the leader's appends, heartbeats and snapshots, and answers them
 * (Raft paper 5.3; thesis 5 for snapshots). Answers to appends and snapshots go out only once
 * this node's Ready is durable (Outbox), because a success tells the leader the entries are
 * on disk here and the leader counts them toward the commit quorum.
 */
import { assert } from '../../util/assert.js';
import { asOffset, asTerm } from '../ids.js';
import type { RaftCore } from '../core.js';
import type {
  AppendMessage,
  HeartbeatMessage,
  InstallSnapshotMessage,
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
  if (log.termAt(message.prevLastOffset) !== message.prevTerm) {
    reject(core, message);
    return;
  }
  // Same (offset, term) means same entry, so the leader's boundary is one here too.
  assert(
    log.isBoundary(message.prevLastOffset),
    `prevLastOffset ${message.prevLastOffset} splits an entry`,
  );
  const lastVerified = message.entries.at(-1)?.lastOffset ?? message.prevLastOffset;
  core.appendFromLeader(message.entries);
  core.commitTo(asOffset(Math.min(message.commit, lastVerified)));
  answer(core, message.from, true, lastVerified);
}

/** A rejection carries the fast-backtracking hint (see AppendResponseMessage.rejectHint). */
function reject(core: RaftCore, message: AppendMessage): void {
  const from = asOffset(Math.min(message.prevLastOffset, core.log.lastOffset));
  const hint = core.log.findConflictByTerm(from, message.prevTerm);
  answer(core, message.from, false, message.prevLastOffset, hint.offset, hint.term);
}

function handleHeartbeat(core: RaftCore, message: HeartbeatMessage): void {
  // The leader sends min(its commit, our match), never beyond what we hold.
  core.commitTo(asOffset(Math.min(message.commit, core.log.lastOffset)));
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
  if (snapshot.lastOffset <= core.commit) {
    answer(core, message.from, true, core.commit);
    return;
  }
  if (core.log.termAt(snapshot.lastOffset) === snapshot.term) {
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
