/**
 * RaftCore: one member of a Raft group as a pure, synchronous state machine (ARCHITECTURE.md,
 * decision 7; etcd-io/raft's design). It owns the persistent state (term, vote, the log's
 * metadata), the volatile state (commit, applied, timers), role changes, the rules every role
 * shares (terms, votes), and the Ready it hands out. Role-specific behaviour lives in roles/.
 *
 * Determinism: no clock, no I/O, no Math.random; the only randomness is `config.random` (the
 * election timeout), and every collection is iterated in insertion order. The same inputs give
 * the same Readys.
 *
 * Seam for deliberately broken variants (the simulator must be able to fail, issue 3 item 5):
 * subclass RaftCore and override `isCommittable` — e.g. `return true` commits earlier terms'
 * entries by counting replicas, the Raft paper's figure 8 bug. Nothing else is meant to be
 * overridden.
 */
import { assert } from '../util/assert.js';
import { resolveConfig } from './config.js';
import { EntryLog } from './entry-log.js';
import { asOffset, asTerm } from './ids.js';
import { isVoter } from './membership.js';
import { Outbox } from './outbox.js';
import { checkTerm, handleVoteRequest } from './term-rules.js';
import { CandidateRole } from './roles/candidate.js';
import { FollowerRole } from './roles/follower.js';
import { LeaderRole } from './roles/leader.js';
import type { RaftLimits } from './config.js';
import type { RoleBehaviour } from './roles/role.js';
import type {
  EntryMeta,
  HardState,
  Membership,
  Message,
  NodeId,
  Offset,
  ProposeError,
  ProposeResult,
  Proposal,
  RaftConfig,
  RaftNode,
  RaftStatus,
  RaftStorageState,
  ReadState,
  Ready,
  Role,
  SnapshotMeta,
  Term,
} from './types.js';

/** Legal role changes (etcd's becomeX assertions); anything else is a bug in the core. */
const TRANSITIONS: Readonly<Record<Role, readonly Role[]>> = {
  follower: ['follower', 'preCandidate', 'candidate'],
  preCandidate: ['follower', 'preCandidate', 'candidate'],
  candidate: ['follower', 'preCandidate', 'candidate', 'leader'],
  leader: ['follower'],
};

export class RaftCore implements RaftNode {
  readonly id: NodeId;
  readonly config: RaftConfig;
  /** config's optional bounds, defaults applied. */
  readonly limits: RaftLimits;
  readonly log: EntryLog;
  /** Ticks since the leader was last heard from (for a leader: since the last quorum check). */
  electionElapsed = 0;
  /** Follower: the leader's last heartbeat was marked `quiesce` (RaftConfig.quiesceAfterTicks). */
  private followerQuiesced = false;
  private termValue: Term;
  private voteValue: NodeId | null;
  private leaderValue: NodeId | null = null;
  private commitValue: Offset;
  private appliedValue: Offset;
  private randomizedElectionTicks = 0;
  private behaviour: RoleBehaviour;
  private readonly outbox: Outbox;
  /** Last offset of this node's log known durable (the Ready that wrote it was advanced). */
  private durableLastOffsetValue: Offset;
  /** Term and vote as last made durable (initially: as recovered). */
  private durableHardStateValue: HardState;
  /** config.abstain still applies (cleared for good once its condition is met). */
  private abstainPending: boolean;
  /** A leader of our term was heard since the start (RaftConfig.abstain.untilLeaderHeard). */
  private leaderHeard = false;

  constructor(config: RaftConfig, state: RaftStorageState) {
    this.limits = resolveConfig(config);
    this.id = config.id;
    this.config = config;
    this.log = new EntryLog(state.snapshot, state.entries);
    const { hardState, snapshot, applied } = state;
    assert(applied >= snapshot.lastOffset, `applied ${applied} is behind the snapshot`);
    assert(applied <= this.log.lastOffset, `applied ${applied} is beyond the log end`);
    // A term older than the log's last entry can only be a hard state whose write was lost
    // after the log's: no vote of that term was ever sent (votes go out after persist).
    const termBehind = hardState.term < this.log.lastTerm;
    this.termValue = termBehind ? this.log.lastTerm : hardState.term;
    this.voteValue = termBehind ? null : hardState.vote;
    // The persisted commit is a hint: it may run ahead of a log that lost unsynced writes, so it
    // is clamped to the log end. That is enough only because the commit a Ready persists never
    // covers that Ready's own log writes (readyHardState): what the log holds up to it is what
    // was committed.
    this.commitValue = asOffset(Math.max(applied, Math.min(hardState.commit, this.log.lastOffset)));
    this.appliedValue = applied;
    this.durableLastOffsetValue = this.log.lastOffset;
    this.durableHardStateValue = hardState;
    this.outbox = new Outbox(this.log.lastOffset, hardState, applied);
    this.abstainPending = config.abstain !== undefined;
    this.behaviour = new FollowerRole(this);
    this.resetElectionTimer();
  }

  // -------------------------------------------------------------------------------------------
  // State the roles read

  get term(): Term {
    return this.termValue;
  }

  get commit(): Offset {
    return this.commitValue;
  }

  get leader(): NodeId | null {
    return this.leaderValue;
  }

  get durableLastOffset(): Offset {
    return this.durableLastOffsetValue;
  }

  get durableHardState(): HardState {
    return this.durableHardStateValue;
  }

  get currentRole(): RoleBehaviour {
    return this.behaviour;
  }

  /** Raft thesis 4.1: the latest configuration in the log, committed or not. */
  get membership(): Membership {
    return this.log.latestMembership();
  }

  /** This leader's commit offset is current: it committed an entry of its own term. */
  committedInTerm(): boolean {
    return this.log.termAt(this.commitValue) === this.termValue;
  }

  // -------------------------------------------------------------------------------------------
  // RaftNode

  tick(): void {
    this.behaviour.tick();
  }

  step(message: Message): void {
    if (message.to !== this.id || message.from === this.id) return;
    // A term that is not a term (a corrupt frame) would compare as neither older nor newer.
    if (!Number.isSafeInteger(message.term) || message.term < 0) return;
    // Anything but a heartbeat answer wakes a quiesced leader, before the term rules (which
    // ignore a pre-vote during the lease): a follower that missed the quiesce heartbeat
    // campaigns, and must hear from us again.
    if (this.behaviour instanceof LeaderRole && message.type !== 'heartbeatResponse') {
      this.behaviour.wake();
    }
    if (!checkTerm(this, message)) return;
    if (message.type === 'preVote' || message.type === 'vote') {
      handleVoteRequest(this, message);
      return;
    }
    const fromLeader =
      message.type === 'append' ||
      message.type === 'heartbeat' ||
      message.type === 'installSnapshot';
    if (fromLeader) {
      if (!this.hearFromLeader(message.from)) return;
      this.followerQuiesced = message.type === 'heartbeat' && message.quiesce === true;
    }
    this.behaviour.step(message);
  }

  propose(proposal: Proposal, expectedTerm: Term): ProposeResult {
    if (!(this.behaviour instanceof LeaderRole)) return { ok: false, error: this.notLeader() };
    if (expectedTerm !== this.termValue) {
      return { ok: false, error: { code: 'TERM_MISMATCH', term: this.termValue } };
    }
    assert(
      Number.isSafeInteger(proposal.recordCount) && proposal.recordCount >= 1,
      `a proposal spans at least one offset, not ${proposal.recordCount}`,
    );
    assert(proposal.sizeBytes >= 0, `negative proposal size ${proposal.sizeBytes}`);
    return this.behaviour.propose(proposal);
  }

  campaign(): void {
    this.hup(false);
  }

  transferLeadership(
    target: NodeId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    if (!(this.behaviour instanceof LeaderRole)) return { ok: false, reason: 'not the leader' };
    return this.behaviour.transferLeadership(target);
  }

  readIndex(
    requestId: number,
  ): { readonly ok: true } | { readonly ok: false; readonly error: ProposeError } {
    if (!(this.behaviour instanceof LeaderRole)) return { ok: false, error: this.notLeader() };
    return this.behaviour.readIndex(requestId);
  }

  compact(lastOffset: Offset): void {
    assert(
      lastOffset <= this.appliedValue,
      `compaction at ${lastOffset} beyond applied ${this.appliedValue}`,
    );
    this.log.compact(lastOffset);
  }

  hasReady(): boolean {
    const leader = this.behaviour instanceof LeaderRole ? this.behaviour : null;
    if (this.outbox.idle && leader?.hasReadRound() === true) return true;
    return this.outbox.hasReady(this.log, this.readyHardState(), this.commitValue);
  }

  ready(): Ready {
    // Reads asked since the last Ready share one heartbeat round, sent with this Ready.
    if (this.outbox.idle && this.behaviour instanceof LeaderRole) this.behaviour.flushReadRound();
    return this.outbox.take(this.log, this.readyHardState(), this.commitValue);
  }

  advance(ready: Ready): void {
    this.outbox.acknowledge(ready);
    if (ready.hardState !== null) this.durableHardStateValue = ready.hardState;
    if (ready.snapshot !== null) {
      const snapshot = ready.snapshot;
      this.appliedValue = asOffset(Math.max(this.appliedValue, snapshot.lastOffset));
      if (this.log.termAt(snapshot.lastOffset) === snapshot.term)
        this.markDurable(snapshot.lastOffset);
    }
    // The newest entry of this Ready still in the log (same offset, same term) is durable, and
    // so is everything before it; entries truncated meanwhile do not count.
    for (let index = ready.entries.length - 1; index >= 0; index--) {
      const entry = ready.entries[index];
      if (entry !== undefined && this.log.termAt(entry.lastOffset) === entry.term) {
        this.markDurable(entry.lastOffset);
        break;
      }
    }
    if (ready.committed !== null) {
      this.appliedValue = asOffset(Math.max(this.appliedValue, ready.committed.to));
    }
    this.behaviour.afterAdvance();
  }

  status(): RaftStatus {
    return {
      id: this.id,
      role: this.behaviour.role,
      term: this.termValue,
      leader: this.leaderValue,
      commit: this.commitValue,
      applied: this.appliedValue,
      lastOffset: this.log.lastOffset,
      lastTerm: this.log.lastTerm,
      snapshot: this.log.snapshot,
      membership: this.membership,
      progress: this.behaviour instanceof LeaderRole ? this.behaviour.progressStatus() : [],
      abstaining: this.isAbstaining(),
      quiesced: this.isQuiesced(),
    };
  }

  isQuiesced(): boolean {
    return this.behaviour instanceof LeaderRole ? this.behaviour.quiesced : this.followerQuiesced;
  }

  leaderAlive(leader: NodeId, term: Term): void {
    if (!this.followerQuiesced || this.behaviour.role !== 'follower') return;
    if (this.leaderValue !== leader || this.termValue !== term) return;
    this.electionElapsed = 0;
  }

  unquiesce(): void {
    if (this.behaviour instanceof LeaderRole) this.behaviour.wake();
    else this.followerQuiesced = false;
  }

  /**
   * True while RaftConfig.abstain holds this node back from elections (see AbstainCondition).
   * Once the condition is met it stays met: the log then holds everything the node may have
   * acknowledged before the damage, and later losses are Raft's ordinary truncations.
   */
  isAbstaining(): boolean {
    if (!this.abstainPending) return false;
    const abstain = this.config.abstain;
    const voters = this.membership.voters;
    const soleVoter = voters.length === 1 && voters[0] === this.id;
    const caughtUp =
      abstain === undefined ||
      (this.log.lastOffset >= abstain.untilOffset &&
        (!abstain.untilLeaderHeard || this.leaderHeard));
    if (soleVoter || caughtUp) this.abstainPending = false;
    return this.abstainPending;
  }

  // -------------------------------------------------------------------------------------------
  // Commit

  /**
   * Leader: `quorumOffset` is held durably by a quorum of voters. Commits it if the commit rule
   * allows it (isCommittable); true when the commit offset moved.
   */
  maybeCommit(quorumOffset: Offset): boolean {
    if (quorumOffset <= this.commitValue || !this.isCommittable(quorumOffset)) return false;
    this.commitTo(quorumOffset);
    return true;
  }

  /**
   * The commit rule (Raft paper 5.4.2 and figure 8): a leader commits by counting replicas only
   * entries of its current term; earlier terms' entries commit indirectly, with the first entry
   * of its term (its no-op). Counting an earlier term's entry is unsafe: a later leader that
   * never saw it may still be elected and overwrite it. THE seam for broken variants.
   */
  protected isCommittable(offset: Offset): boolean {
    return this.log.termAt(offset) === this.termValue;
  }

  /** Raises the commit offset (never lowers it) to at most the end of the log. */
  commitTo(offset: Offset): void {
    if (offset <= this.commitValue) return;
    assert(
      offset <= this.log.lastOffset,
      `commit ${offset} beyond the log end ${this.log.lastOffset}`,
    );
    this.commitValue = offset;
  }

  // -------------------------------------------------------------------------------------------
  // Log changes (every one goes through here, so the Outbox and durability stay in step)

  /** Leader: appends its own entry. */
  appendLocal(entry: EntryMeta): void {
    this.log.append([entry]);
    if (entry.config !== undefined && this.behaviour instanceof LeaderRole) {
      this.behaviour.membershipChanged();
    }
  }

  /**
   * Follower: the entries of an append whose (prevLastOffset, prevTerm) matched. Entries held
   * with the same term are skipped (same offset and term: same entry); from the first conflict
   * on, our suffix is replaced. A configuration entry takes effect on append, and a truncated
   * one stops being in effect (the membership is read from the log). The caller checked that
   * the entries continue its (prevLastOffset, prevTerm) contiguously; false (and nothing
   * changed) when an entry has the term of the one held there but not its bounds: two entries
   * in one term at one offset cannot both come from an honest leader.
   */
  appendFromLeader(entries: readonly EntryMeta[]): boolean {
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index];
      assert(entry !== undefined);
      const held = this.log.entryAt(entry.baseOffset);
      if (held?.term === entry.term) {
        const same = held.baseOffset === entry.baseOffset && held.lastOffset === entry.lastOffset;
        if (!same) return false;
        continue;
      }
      // The entries before this one matched ours exactly, so ours has a boundary here too.
      if (held !== undefined) this.truncate(entry.baseOffset);
      this.log.append(entries.slice(index));
      return true;
    }
    return true;
  }

  /** Follower: replaces the whole log by the leader's snapshot. */
  installSnapshot(snapshot: SnapshotMeta): void {
    assert(
      snapshot.lastOffset > this.commitValue,
      'installing a snapshot behind the commit offset',
    );
    // Until the snapshot is durable the disk holds our old log, and only its entries up to our
    // commit offset are known to be the group's (the rest may be a divergent suffix the
    // snapshot replaces): that is all the durable offset may claim (see readyHardState).
    this.durableLastOffsetValue = asOffset(Math.min(this.durableLastOffsetValue, this.commitValue));
    this.log.restore(snapshot);
    this.outbox.noteSnapshot(snapshot);
    this.commitValue = snapshot.lastOffset;
  }

  private truncate(offset: Offset): void {
    // Committed entries are on a quorum and in every future leader's log: a leader that asks
    // us to drop one is a bug (ours or its).
    assert(
      offset > this.commitValue,
      `truncating committed entries from ${offset} (commit ${this.commitValue})`,
    );
    this.log.truncateFrom(offset);
    this.outbox.noteTruncation(offset);
    this.durableLastOffsetValue = asOffset(Math.min(this.durableLastOffsetValue, offset - 1));
  }

  private markDurable(offset: Offset): void {
    this.durableLastOffsetValue = asOffset(Math.max(this.durableLastOffsetValue, offset));
  }

  // -------------------------------------------------------------------------------------------
  // Output

  send(message: Message): void {
    this.outbox.send(message);
  }

  addReadStates(readStates: readonly ReadState[]): void {
    this.outbox.addReadStates(readStates);
  }

  /**
   * The hard state a Ready asks to persist. Durability rule, enforced here: its commit offset
   * never covers an entry that was not durable before this Ready (durableLastOffset, which
   * drops on truncation). The Ready's own log writes may be lost by a crash that keeps the hard
   * state; the restarted node clamps commit to its log end and would apply, as committed,
   * whatever older entries that log still holds at those offsets.
   */
  private readyHardState(): HardState {
    const commit = asOffset(Math.min(this.commitValue, this.durableLastOffsetValue));
    return { term: this.termValue, vote: this.voteValue, commit };
  }

  // -------------------------------------------------------------------------------------------
  // Elections and role changes

  /** Follower and candidates: one tick toward the randomized election timeout. */
  tickElection(): void {
    this.electionElapsed++;
    if (this.electionElapsed >= this.randomizedElectionTicks) this.hup(false);
  }

  /** Starts an election if this node may: a voter that does not lead already. */
  hup(transfer: boolean): void {
    if (this.behaviour.role === 'leader') return;
    if (!isVoter(this.membership, this.id)) return;
    // A damaged node must not lead before it holds what it may have acknowledged.
    if (this.isAbstaining()) return;
    if (this.config.preVote && !transfer) this.becomePreCandidate();
    else this.becomeCandidate(transfer);
  }

  becomeFollower(term: Term, leader: NodeId | null): void {
    assert(term >= this.termValue, `term goes back from ${this.termValue} to ${term}`);
    // A leader stepping down will never confirm its pending reads: the caller fails them.
    if (this.behaviour instanceof LeaderRole) {
      this.outbox.addDroppedReads(this.behaviour.drainReads());
    }
    this.transition('follower');
    if (term > this.termValue) {
      this.termValue = term;
      this.voteValue = null;
    }
    this.leaderValue = leader;
    this.behaviour = new FollowerRole(this);
  }

  becomeCandidate(transfer: boolean): void {
    this.transition('candidate');
    this.termValue = asTerm(this.termValue + 1);
    this.voteValue = this.id;
    this.leaderValue = null;
    const candidate = new CandidateRole(this, 'candidate');
    this.behaviour = candidate;
    candidate.start(transfer);
  }

  becomeLeader(): void {
    this.transition('leader');
    this.leaderValue = this.id;
    const leader = new LeaderRole(this);
    this.behaviour = leader;
    leader.start();
  }

  private becomePreCandidate(): void {
    // Changes neither the term nor the vote (thesis 9.6).
    this.transition('preCandidate');
    this.leaderValue = null;
    const preCandidate = new CandidateRole(this, 'preCandidate');
    this.behaviour = preCandidate;
    preCandidate.start(false);
  }

  private transition(to: Role): void {
    const from = this.behaviour.role;
    assert(TRANSITIONS[from].includes(to), `invalid transition ${from} -> ${to}`);
    this.followerQuiesced = false;
    this.resetElectionTimer();
  }

  /** Election timeout in [electionTicks, 2 * electionTicks): Raft paper 5.2. */
  private resetElectionTimer(): void {
    const { electionTicks, random } = this.config;
    this.electionElapsed = 0;
    this.randomizedElectionTicks = electionTicks + (random.uint32() % electionTicks);
  }

  private notLeader(): ProposeError {
    return { code: 'NOT_LEADER', leader: this.leaderValue };
  }

  // -------------------------------------------------------------------------------------------
  // Votes (the rules themselves are in term-rules.ts)

  get vote(): NodeId | null {
    return this.voteValue;
  }

  /** Records our vote for `candidate` in the current term (made durable by the next Ready). */
  grantVote(candidate: NodeId): void {
    assert(this.voteValue === null || this.voteValue === candidate, 'a second vote in one term');
    this.voteValue = candidate;
    this.electionElapsed = 0;
  }

  /**
   * An append, heartbeat or snapshot of our term: its sender leads this term. A (pre-)candidate
   * gives up; a leader cannot be in this situation (one leader per term) and drops it.
   */
  private hearFromLeader(from: NodeId): boolean {
    const role = this.behaviour.role;
    if (role === 'leader') return false;
    if (role !== 'follower') this.becomeFollower(this.termValue, from);
    this.leaderValue = from;
    this.leaderHeard = true;
    this.electionElapsed = 0;
    return true;
  }
}
