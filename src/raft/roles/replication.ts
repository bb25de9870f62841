/**
 * The leader's side of log replication (Raft paper 5.3, thesis 3.5 and 10.2): one Progress per
 * other member, appends sized by `messageBytesMax` and paced by the progress state, snapshots
 * for followers behind the log start, and the handling of append and heartbeat answers.
 *
 * Stale, duplicated and reordered answers are harmless: `match` only grows (Progress), and a
 * rejection counts only if it is about the append the progress is waiting for. A success no
 * honest follower could send — a matchOffset beyond our log, or one that splits an entry of
 * ours — is ignored (isPlausibleMatch): it would commit or send from the middle of a batch.
 */
import { asOffset } from '../ids.js';
import { members } from '../membership.js';
import { Progress } from '../progress.js';
import type { RaftCore } from '../core.js';
import type { AppendResponseMessage, HeartbeatResponseMessage, NodeId } from '../types.js';

export class Replicator {
  readonly progress = new Map<NodeId, Progress>();

  constructor(private readonly core: RaftCore) {
    this.syncMembership();
  }

  /** Gives every other member of the latest configuration a progress, and only them. */
  syncMembership(): void {
    const core = this.core;
    const membership = core.membership;
    const current = new Set(members(membership));
    for (const id of this.progress.keys()) {
      if (!current.has(id)) this.progress.delete(id);
    }
    for (const id of current) {
      if (id === core.id) continue;
      const isLearner = !membership.voters.includes(id);
      const existing = this.progress.get(id);
      if (existing !== undefined) existing.isLearner = isLearner;
      else
        this.progress.set(
          id,
          new Progress(id, asOffset(core.log.lastOffset + 1), isLearner, core.config),
        );
    }
  }

  /**
   * Sends `progress` the entries from its `next` (at most `messageBytesMax`, at least one), or
   * an InstallSnapshot when they were compacted. Nothing when its state pauses it, nor when
   * there is nothing to send and `sendIfEmpty` is false. True when a message went out.
   */
  maybeSendAppend(progress: Progress, sendIfEmpty: boolean): boolean {
    if (progress.isPaused()) return false;
    const log = this.core.log;
    const prevLastOffset = asOffset(progress.next - 1);
    const prevTerm =
      prevLastOffset < log.snapshot.lastOffset ? undefined : log.termAt(prevLastOffset);
    if (prevTerm === undefined) {
      this.sendSnapshot(progress);
      return true;
    }
    const entries = log.slice(progress.next, this.core.config.messageBytesMax);
    if (entries.length === 0 && !sendIfEmpty) return false;
    const bytes = entries.reduce((sum, entry) => sum + entry.sizeBytes, 0);
    this.core.send({
      type: 'append',
      from: this.core.id,
      to: progress.id,
      term: this.core.term,
      prevLastOffset,
      prevTerm,
      entries,
      commit: this.core.commit,
    });
    progress.sentAppend(entries.length, entries.at(-1)?.lastOffset ?? prevLastOffset, bytes);
    progress.sentCommitOffset(this.core.commit);
    return true;
  }

  /** Fills the follower's window. */
  sendAll(progress: Progress): void {
    while (this.maybeSendAppend(progress, false)) {
      if (progress.state !== 'replicate') return;
    }
  }

  /** New entries (sendIfEmpty false) or a new commit offset (true) for every follower. */
  broadcastAppend(sendIfEmpty: boolean): void {
    for (const progress of this.progress.values()) {
      if (sendIfEmpty) this.maybeSendAppend(progress, true);
      else this.sendAll(progress);
    }
  }

  /** `quiesce`: the last heartbeat before the leader goes quiet (RaftConfig.quiesceAfterTicks). */
  broadcastHeartbeat(readContext: number | null, quiesce = false): void {
    const core = this.core;
    for (const progress of this.progress.values()) {
      // Never beyond what the follower holds: it cannot tell a commit offset past its log
      // from entries it has yet to receive.
      const commit = asOffset(Math.min(core.commit, progress.match));
      core.send({
        type: 'heartbeat',
        from: core.id,
        to: progress.id,
        term: core.term,
        commit,
        readContext,
        ...(quiesce ? { quiesce } : {}),
      });
      progress.sentCommitOffset(commit);
    }
  }

  sendSnapshot(progress: Progress): void {
    const snapshot = this.core.log.snapshot;
    this.core.send({
      type: 'installSnapshot',
      from: this.core.id,
      to: progress.id,
      term: this.core.term,
      snapshot,
    });
    progress.becomeSnapshot(snapshot.lastOffset);
  }

  /**
   * Applies an append answer to the sender's progress. True when it acknowledged something new
   * (the caller then tries to commit and sends more).
   */
  handleAppendResponse(message: AppendResponseMessage): boolean {
    const progress = this.progress.get(message.from);
    if (progress === undefined) return false;
    if (message.success && !this.isPlausibleMatch(message.matchOffset)) return false;
    progress.recentActive = true;
    if (!message.success) {
      // Fast backtracking: probe at our last entry end <= the follower's hint whose term is
      // <= the hint's term, skipping a whole divergent term per round trip.
      const probeFrom = this.core.log.findConflictByTerm(
        message.rejectHint,
        message.rejectHintTerm,
      );
      if (this.lostAcknowledged(progress, message)) {
        progress.forgetMatch(probeFrom.offset);
        this.maybeSendAppend(progress, true);
        return false;
      }
      if (progress.maybeDecrTo(message.matchOffset, probeFrom.offset)) {
        if (progress.state === 'replicate') progress.becomeProbe();
        this.maybeSendAppend(progress, true);
      }
      return false;
    }
    const updated = progress.maybeUpdate(message.matchOffset);
    const probeConfirmed = progress.state === 'probe' && progress.match === message.matchOffset;
    if (!updated && !probeConfirmed) return false;
    if (progress.state === 'probe') {
      progress.becomeReplicate();
    } else if (progress.state === 'snapshot') {
      // Leave once the follower holds the snapshot that was sent, even if we compacted again
      // meanwhile (else it would wait for tickSnapshots' retry), or anything our log continues.
      // Back to probe, and replicate when the log can serve it; the caller sends at once: the
      // entries, or the newer snapshot.
      const snapshotEnd = this.core.log.snapshot.lastOffset;
      if (progress.match >= progress.pendingSnapshot || progress.match >= snapshotEnd) {
        progress.becomeProbe();
        if (progress.match >= snapshotEnd) progress.becomeReplicate();
      }
    } else {
      progress.inflights.freeTo(message.matchOffset);
    }
    return true;
  }

  /**
   * The follower refuses our match point itself, its log ending before it: it lost entries it
   * acknowledged (storage damage, RaftConfig.abstain; a damaged follower says so in answer to
   * a heartbeat, FollowerRole). Backtracking alone never goes below `match`, so without this
   * the follower would be probed at the match forever and never repaired. A duplicated old
   * rejection can look the same only if it was about that very offset; forgetting the match
   * then costs a probe (a lower match delays commits, it never makes one unsafe).
   */
  private lostAcknowledged(progress: Progress, message: AppendResponseMessage): boolean {
    return (
      progress.state !== 'snapshot' &&
      progress.match >= 0 &&
      message.matchOffset === progress.match &&
      message.rejectHint < progress.match
    );
  }

  /**
   * A follower's success names an offset our log could have sent it: not beyond our log, and
   * an entry end (or the snapshot's). Offsets inside our snapshot cannot be checked against
   * entries any more; they are committed, so they can neither commit anything new nor make us
   * send from inside an entry (the follower gets the snapshot).
   */
  private isPlausibleMatch(offset: number): boolean {
    const log = this.core.log;
    if (!Number.isSafeInteger(offset) || offset > log.lastOffset) return false;
    return offset <= log.snapshot.lastOffset || log.isBoundary(asOffset(offset));
  }

  /**
   * A heartbeat answer proves the follower is alive: a paused probe may probe again, and a
   * follower behind our log gets an append at `next` even with a full window — if the appends
   * in flight were lost, that one is rejected and the follower drops back to probe (etcd).
   */
  handleHeartbeatResponse(message: HeartbeatResponseMessage): void {
    const progress = this.progress.get(message.from);
    if (progress === undefined) return;
    progress.recentActive = true;
    if (progress.state === 'snapshot') return;
    if (progress.state === 'probe') progress.probeSent = false;
    if (progress.match >= this.core.log.lastOffset && progress.state !== 'probe') return;
    if (!this.maybeSendAppend(progress, true)) this.sendEmptyAppend(progress);
  }

  /**
   * An append with no entries at `next - 1`, outside the window (it carries no entries), or the
   * snapshot when we compacted that point meanwhile.
   */
  private sendEmptyAppend(progress: Progress): void {
    const log = this.core.log;
    const prevLastOffset = asOffset(progress.next - 1);
    const prevTerm =
      prevLastOffset < log.snapshot.lastOffset ? undefined : log.termAt(prevLastOffset);
    if (prevTerm === undefined) {
      this.sendSnapshot(progress);
      return;
    }
    this.core.send({
      type: 'append',
      from: this.core.id,
      to: progress.id,
      term: this.core.term,
      prevLastOffset,
      prevTerm,
      entries: [],
      commit: this.core.commit,
    });
  }

  /**
   * A snapshot unanswered for `retryTicks` was lost (or its answer was): back to probe, which
   * sends it again if the follower still needs it.
   */
  tickSnapshots(retryTicks: number): void {
    for (const progress of this.progress.values()) {
      if (progress.state !== 'snapshot') continue;
      progress.snapshotElapsedTicks++;
      if (progress.snapshotElapsedTicks < retryTicks) continue;
      progress.pendingSnapshot = asOffset(-1);
      progress.becomeProbe();
      this.maybeSendAppend(progress, true);
    }
  }

  /** Check-quorum bookkeeping: who was heard from since the last round. */
  resetRecentActive(): void {
    for (const progress of this.progress.values()) progress.recentActive = false;
  }
}
