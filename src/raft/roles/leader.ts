/**
 * The leader (Raft paper 5.3–5.4; thesis 3.10 transfer, 4 membership, 6.4 ReadIndex, 6.2
 * check-quorum). It appends proposals, replicates them (Replicator), commits what a quorum of
 * voters holds durably (RaftCore.maybeCommit, where the figure 8 rule lives), sends heartbeats,
 * serves linearizable reads, steps down when it loses its quorum or is removed, and hands
 * leadership over on request. It bounds what it queues while no quorum answers: uncommitted
 * bytes and pending reads (RaftConfig bounds; BUSY beyond them).
 */
import { asOffset } from '../ids.js';
import { isVoter, validateMembershipChange } from '../membership.js';
import { hasQuorum, quorumMatch } from '../quorum.js';
import { ReadIndexQueue } from '../read-index.js';
import { Replicator } from './replication.js';
import type { RaftCore } from '../core.js';
import type {
  EntryMeta,
  FollowerProgress,
  Membership,
  Message,
  NodeId,
  Offset,
  Proposal,
  ProposeError,
  ProposeResult,
} from '../types.js';
import type { RoleBehaviour } from './role.js';

/** Nominal size of the no-op entry a new leader appends (a control batch with one record). */
export const NOOP_ENTRY_BYTES = 80;

export class LeaderRole implements RoleBehaviour {
  readonly role = 'leader';
  private readonly replicator: Replicator;
  private readonly reads = new ReadIndexQueue();
  private heartbeatElapsed = 0;
  private transferTarget: NodeId | null = null;
  private transferElapsed = 0;
  /**
   * Bytes of the entries this leader appended (its no-op included) that are not committed yet:
   * the back-pressure of `uncommittedBytesMax`. Earlier leaders' uncommitted entries are not
   * counted (etcd does the same): they are bounded by those leaders' own limits.
   */
  private uncommittedBytes = 0;
  /** First offset this leader appended (its no-op): where `uncommittedBytes` starts counting. */
  private firstOwnOffset = asOffset(0);
  /**
   * Leading alone without a no-op (RaftConfig.soleVoterSkipsNoop): until an entry of this term
   * exists, what is durable here is committed.
   */
  private soleVoterWithoutNoop = false;
  /** RaftConfig.quiesceAfterTicks: consecutive idle ticks, and whether heartbeats stopped. */
  private idleTicks = 0;
  private quiescedValue = false;

  constructor(private readonly core: RaftCore) {
    this.replicator = new Replicator(core);
  }

  /**
   * Thesis 6.4 / paper 5.4.2: a new leader does not know which earlier-term entries are
   * committed, and may not commit them by counting; an entry of its own term fixes both.
   */
  start(): void {
    const core = this.core;
    if (core.config.soleVoterSkipsNoop === true && this.isSoleMemberSinceSnapshot()) {
      this.soleVoterWithoutNoop = true;
      this.firstOwnOffset = asOffset(core.log.lastOffset + 1);
      core.commitTo(core.durableLastOffset);
      return;
    }
    this.appendNoop();
  }

  /** Sole voter, no learner, no configuration entry after the snapshot (see RaftConfig). */
  private isSoleMemberSinceSnapshot(): boolean {
    const core = this.core;
    const { voters, learners } = core.membership;
    return (
      voters.length === 1 &&
      voters[0] === core.id &&
      learners.length === 0 &&
      core.log.lastConfigOffset() === core.log.snapshot.lastOffset
    );
  }

  /** Appends the no-op of this term when the term has no entry yet (a lazy no-op). */
  private ensureEntryOfTerm(): void {
    if (!this.soleVoterWithoutNoop || this.core.log.lastTerm === this.core.term) return;
    this.soleVoterWithoutNoop = false;
    this.appendNoop();
  }

  private appendNoop(): void {
    const core = this.core;
    const offset = asOffset(core.log.lastOffset + 1);
    const noop: EntryMeta = {
      baseOffset: offset,
      lastOffset: offset,
      term: core.term,
      sizeBytes: NOOP_ENTRY_BYTES,
      noop: true,
    };
    this.firstOwnOffset = offset;
    this.uncommittedBytes = noop.sizeBytes;
    core.appendLocal(noop);
    this.replicator.broadcastAppend(true);
  }

  get quiesced(): boolean {
    return this.quiescedValue;
  }

  /** Leaves quiescence (any input but a heartbeat answer): heartbeats resume at once. */
  wake(): void {
    this.idleTicks = 0;
    if (!this.quiescedValue) return;
    this.quiescedValue = false;
    this.heartbeatElapsed = 0;
    // Check-quorum counts from here: the followers had no reason to answer while we were quiet.
    this.core.electionElapsed = 0;
    this.replicator.broadcastHeartbeat(null);
  }

  tick(): void {
    if (this.quiescedValue) return;
    const core = this.core;
    const { electionTicks, heartbeatTicks, checkQuorum } = core.config;
    core.electionElapsed++;
    this.heartbeatElapsed++;
    if (this.transferTarget !== null && ++this.transferElapsed >= electionTicks) {
      // Thesis 3.10: a transfer that did not finish within an election timeout is abandoned.
      this.transferTarget = null;
    }
    this.replicator.tickSnapshots(2 * electionTicks);
    if (core.electionElapsed >= electionTicks) {
      core.electionElapsed = 0;
      if (checkQuorum && !this.quorumActive()) {
        core.becomeFollower(core.term, null);
        return;
      }
      this.replicator.resetRecentActive();
    }
    if (this.heartbeatElapsed >= heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.replicator.broadcastHeartbeat(this.reads.broadcastContext());
    }
    this.maybeQuiesce();
  }

  /** See RaftConfig.quiesceAfterTicks. */
  private maybeQuiesce(): void {
    const after = this.core.config.quiesceAfterTicks;
    if (after === undefined || !this.isIdle()) {
      this.idleTicks = 0;
      return;
    }
    if (++this.idleTicks < after) return;
    this.quiescedValue = true;
    this.replicator.broadcastHeartbeat(null, true);
  }

  /**
   * Nothing left for heartbeats to do: everything is committed in this term and durable here,
   * every follower holds all of it and is not being probed, and no read or transfer waits.
   */
  private isIdle(): boolean {
    const core = this.core;
    const last = core.log.lastOffset;
    if (this.transferTarget !== null || this.reads.pendingCount > 0 || this.reads.roundPending)
      return false;
    if (core.commit !== last || core.durableLastOffset !== last || !core.committedInTerm())
      return false;
    for (const progress of this.replicator.progress.values()) {
      if (progress.state !== 'replicate' || progress.match !== last) return false;
    }
    return true;
  }

  step(message: Message): void {
    if (message.type === 'appendResponse') {
      if (!this.replicator.handleAppendResponse(message)) return;
      const committed = this.tryCommit();
      if (committed && !this.isCurrent()) return;
      const progress = this.replicator.progress.get(message.from);
      if (progress === undefined) return;
      // A follower that just caught up may not know the commit offset yet (etcd).
      if (!committed && progress.canBumpCommit(this.core.commit)) {
        this.replicator.maybeSendAppend(progress, true);
      }
      this.replicator.sendAll(progress);
      if (this.transferTarget === message.from && progress.match === this.core.log.lastOffset) {
        this.sendTimeoutNow(message.from);
      }
    } else if (message.type === 'heartbeatResponse') {
      this.replicator.handleHeartbeatResponse(message);
      if (message.readContext !== null) {
        this.reads.ack(message.from, message.readContext);
        this.releaseReads();
      }
    }
  }

  /** Our own entries became durable: our match moved, maybe the commit offset too. */
  afterAdvance(): void {
    const core = this.core;
    if (this.soleVoterWithoutNoop && core.log.lastTerm < core.term) {
      core.commitTo(core.durableLastOffset);
      return;
    }
    this.tryCommit();
  }

  propose(proposal: Proposal): ProposeResult {
    this.wake();
    if (this.transferTarget !== null) return { ok: false, error: { code: 'TRANSFER_IN_PROGRESS' } };
    const core = this.core;
    if (proposal.config !== undefined) {
      const reason = this.configChangeRefusal(proposal.config);
      if (reason !== null) return { ok: false, error: { code: 'CONFIG_CHANGE_REJECTED', reason } };
    } else {
      // Configuration entries always pass: a change may be what restores the quorum.
      const max = core.limits.uncommittedBytesMax;
      if (this.uncommittedBytes > 0 && this.uncommittedBytes + proposal.sizeBytes > max) {
        const reason = `${this.uncommittedBytes} bytes uncommitted (uncommittedBytesMax ${max})`;
        return { ok: false, error: { code: 'BUSY', reason } };
      }
    }
    const baseOffset = asOffset(core.log.lastOffset + 1);
    const entry: EntryMeta = {
      baseOffset,
      lastOffset: asOffset(baseOffset + proposal.recordCount - 1),
      term: core.term,
      sizeBytes: proposal.sizeBytes,
      ...(proposal.config === undefined ? {} : { config: proposal.config }),
    };
    core.appendLocal(entry);
    this.uncommittedBytes += entry.sizeBytes;
    this.replicator.broadcastAppend(false);
    return { ok: true, entry };
  }

  /** The configuration changed (a configuration entry was appended). */
  membershipChanged(): void {
    this.replicator.syncMembership();
    if (this.transferTarget !== null && !isVoter(this.core.membership, this.transferTarget)) {
      this.transferTarget = null;
    }
  }

  transferLeadership(
    target: NodeId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    const core = this.core;
    if (target === core.id) return { ok: false, reason: `${target} already leads` };
    this.wake();
    const progress = this.replicator.progress.get(target);
    if (progress === undefined || progress.isLearner)
      return { ok: false, reason: `${target} is not a voter` };
    if (this.transferTarget === target) return { ok: true };
    this.transferTarget = target;
    this.transferElapsed = 0;
    if (progress.match === core.log.lastOffset) this.sendTimeoutNow(target);
    else this.replicator.maybeSendAppend(progress, true);
    return { ok: true };
  }

  /**
   * Thesis 6.4: reads wait until this leader's commit offset is current (an entry of its term),
   * then for a heartbeat round (flushReadRound, or the heartbeat tick) that a quorum answers.
   */
  readIndex(
    requestId: number,
  ): { readonly ok: true } | { readonly ok: false; readonly error: ProposeError } {
    this.wake();
    const max = this.core.limits.readIndexPendingMax;
    if (this.reads.pendingCount >= max) {
      const reason = `${this.reads.pendingCount} reads wait for a quorum (readIndexPendingMax)`;
      return { ok: false, error: { code: 'BUSY', reason } };
    }
    if (this.core.committedInTerm()) {
      this.startReads([requestId]);
    } else {
      this.ensureEntryOfTerm();
      this.reads.wait(requestId);
    }
    return { ok: true };
  }

  /** Reads wait for a heartbeat round not sent yet (the core then has a Ready to give). */
  hasReadRound(): boolean {
    return this.reads.roundPending;
  }

  /** Sends the open read round's heartbeats: one broadcast for every read asked since the last. */
  flushReadRound(): void {
    if (!this.reads.roundPending) return;
    const context = this.reads.broadcastContext();
    if (context !== null) this.replicator.broadcastHeartbeat(context);
  }

  /** This leader steps down: the request ids of every read it will never confirm. */
  drainReads(): number[] {
    return this.reads.drain();
  }

  progressStatus(): FollowerProgress[] {
    return [...this.replicator.progress.values()].map((progress) => progress.toStatus());
  }

  /** Records reads at the current commit offset; a single voter confirms them itself. */
  private startReads(requestIds: readonly number[]): void {
    if (requestIds.length === 0) return;
    for (const requestId of requestIds) this.reads.add(requestId, this.core.commit);
    this.releaseReads();
  }

  private releaseReads(): void {
    const core = this.core;
    const self = isVoter(core.membership, core.id) ? core.id : null;
    const released = this.reads.release(core.membership.voters, self);
    if (released.length > 0) core.addReadStates(released);
  }

  /**
   * Commits the largest offset a quorum of voters holds durably, if the commit rule allows
   * (RaftCore.maybeCommit). Our own match is what our own advance() made durable. True when
   * the commit offset moved; the leader may have stepped down meanwhile (see isCurrent).
   */
  private tryCommit(): boolean {
    const core = this.core;
    const quorumOffset = quorumMatch(core.membership.voters, (id) => this.matchOf(id));
    const before = core.commit;
    if (!core.maybeCommit(quorumOffset)) return false;
    const from = asOffset(Math.max(before + 1, this.firstOwnOffset));
    this.uncommittedBytes -= core.log.sizeBytesBetween(from, core.commit);
    // Thesis 4.2.2: a leader that is not in the configuration it committed steps down.
    if (!isVoter(core.membership, core.id) && core.commit >= core.log.lastConfigOffset()) {
      this.handOff();
      core.becomeFollower(core.term, null);
      return true;
    }
    this.startReads(this.reads.takeWaiting());
    this.replicator.broadcastAppend(true);
    return true;
  }

  /** Our own match is what our own advance() made durable. */
  private matchOf(id: NodeId): Offset {
    if (id === this.core.id) return this.core.durableLastOffset;
    return this.replicator.progress.get(id)?.match ?? asOffset(-1);
  }

  /**
   * A removed leader leaves: it tells the remaining voters the commit offset (the change is
   * committed only on this node so far), and has the most caught-up one campaign at once
   * (TimeoutNow, ties to configuration order) rather than have the group wait an election
   * timeout. The target may still lose to a more up-to-date voter: elections stay safe.
   */
  private handOff(): void {
    const core = this.core;
    this.replicator.broadcastHeartbeat(null);
    let target: NodeId | null = null;
    for (const voter of core.membership.voters) {
      if (voter === core.id) continue;
      if (target === null || this.matchOf(voter) > this.matchOf(target)) target = voter;
    }
    if (target !== null) this.sendTimeoutNow(target);
  }

  private isCurrent(): boolean {
    return this.core.currentRole === this;
  }

  /** Check-quorum: a majority of voters (this node included) was heard from this round. */
  private quorumActive(): boolean {
    const core = this.core;
    return hasQuorum(
      core.membership.voters,
      (id) => id === core.id || this.replicator.progress.get(id)?.recentActive === true,
    );
  }

  /**
   * Single-server changes (thesis 4.1, 4.3): one voter at a time, after the previous change
   * committed, and only once this leader committed an entry of its term — without that, a
   * change made by an earlier leader but not known committed could combine with ours into two
   * disjoint majorities (the bug in the original single-server algorithm, raft-dev 2015).
   */
  private configChangeRefusal(next: Membership): string | null {
    const core = this.core;
    if (!core.committedInTerm()) {
      this.ensureEntryOfTerm();
      return 'the leader has not committed an entry of its term yet';
    }
    if (core.log.lastConfigOffset() > core.commit)
      return 'the previous configuration change is not committed yet';
    const invalid = validateMembershipChange(core.membership, next);
    if (invalid !== null) return invalid;
    // Thesis 4.2.1: a learner votes only once caught up, or the group could stall, waiting for
    // a new voter that is far behind to complete its quorums.
    for (const id of next.voters) {
      if (!core.membership.learners.includes(id) || this.matchOf(id) >= core.commit) continue;
      return `learner ${id} has not caught up: match ${this.matchOf(id)} < commit ${core.commit}`;
    }
    return null;
  }

  private sendTimeoutNow(target: NodeId): void {
    const core = this.core;
    core.send({ type: 'timeoutNow', from: core.id, to: target, term: core.term });
  }
}
