/**
 * One member of one Raft group: the Ready loop that connects the pure core (src/raft) to the
 * partition log (the Raft log, ARCHITECTURE.md decision 2), a transport and a state machine.
 *
 * Inputs are synchronous (`tick`, `receive`, `propose`, ...): each feeds the core at once and
 * wakes the loop. The loop is the only task that touches storage and the state machine:
 *   ready() → claim the bytes → ReadyProcessor.process (snapshot, truncate, append, send,
 *   fsync + raft-state, send after persist, apply) → advance() → answer requests
 * and between two Readys it takes local snapshots when asked. Never two Readys at once, and no
 * `await` between reading and writing state another task could change (TigerBeetle's rule).
 *
 * Failure: any storage error (or assertion) stops the replica for good: it stops ticking,
 * stepping, voting and leading, rejects what waits, and reports the error in `status()`.
 * Opening the directory again recovers it.
 *
 * Must not: read a clock, a timer or Math.random (Clock and Random are injected), or let a
 * halted replica send anything (the simulator's crashed process).
 */
import {
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../protocol/record-batch.js';
import { membershipAfter } from '../raft/index.js';
import type { MembershipChange } from '../raft/index.js';
import type {
  AbstainCondition,
  EntryMeta,
  Message,
  NodeId,
  Offset,
  Proposal,
  RaftNode,
  Ready,
  Term,
} from '../raft/types.js';
import type { DamageRecord } from '../storage/damage-marker.js';
import { PartitionLog } from '../storage/partition-log.js';
import { asOffset } from '../util/brand.js';
import type { Logger } from '../util/ports.js';
import { encodeConfigEntry } from './entry-codec.js';
import { ReplicaError, fromProposeError } from './errors.js';
import { configsOf } from './log-entries.js';
import { MembershipHistory } from './membership-history.js';
import { assertReplicaLimits, defaultReplicaLimits } from './options.js';
import type { ReplicaLimits, ReplicaOptions, ReplicaStatus } from './options.js';
import { PayloadCache } from './payload-cache.js';
import { PendingRequests } from './pending.js';
import type { ProposalResult } from './pending.js';
import { RaftStorage, REPLICA_FILES, recoverGroup } from './raft-storage.js';
import { ReadyProcessor } from './ready-processor.js';
import type { ProcessorOptions, ReadyOutcome } from './ready-processor.js';
import { decodeSnapshotPayload } from './snapshot-payload.js';

export { defaultReplicaLimits };
export type { ReplicaLimits, ReplicaOptions, ReplicaStatus };

/** A proposal of the produce path (see `Replica.replicate`). */
export interface Replication {
  /** The entry's offsets and term, known at once. */
  readonly entry: EntryMeta;
  /** Resolves once written to this leader's log (not yet durable, not yet committed). */
  readonly appended: Promise<void>;
  /** Resolves once committed and applied here. */
  readonly committed: Promise<ProposalResult>;
}

export class Replica {
  private readonly cache = new PayloadCache();
  private readonly pending = new PendingRequests();
  private readonly limits: ReplicaLimits;
  private readonly processor: ReadyProcessor;
  private looping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private compactionWaiters: {
    readonly upTo: Offset | undefined;
    resolve: (offset: Offset | null) => void;
    reject: (error: unknown) => void;
  }[] = [];
  private failure: unknown = null;
  private stopped = false;
  private halted = false;

  private constructor(
    private readonly options: ReplicaOptions,
    private readonly log: PartitionLog,
    private readonly node: RaftNode,
    processorOptions: Omit<ProcessorOptions, 'halted' | 'onWritten'>,
  ) {
    this.limits = { ...defaultReplicaLimits, ...options.limits };
    assertReplicaLimits(this.limits, options.raft.messageBytesMax);
    this.processor = new ReadyProcessor({
      ...processorOptions,
      halted: () => this.halted,
      onWritten: (entries) => this.pending.written(entries),
    });
  }

  /** Opens (or creates) the group's directory, recovers it and starts the core. */
  static async open(options: ReplicaOptions): Promise<Replica> {
    const logger = options.logger.child({ replica: options.id });
    const log = await PartitionLog.open({
      fs: options.fs,
      directory: options.directory,
      clock: options.clock,
      logger,
      companionFiles: [...REPLICA_FILES, ...(options.companionFiles ?? [])],
      ...(options.logConfig === undefined ? {} : { config: options.logConfig }),
    });
    try {
      return await Replica.start(options, log, logger);
    } catch (error) {
      await log.close().catch(() => undefined);
      throw error;
    }
  }

  private static async start(
    options: ReplicaOptions,
    log: PartitionLog,
    logger: Logger,
  ): Promise<Replica> {
    const storage = new RaftStorage(options.fs, options.directory);
    const recovered = await recoverGroup({
      storage,
      log,
      logger,
      initialMembership: options.initialMembership,
      emptyState: () => options.stateMachine.snapshot(),
    });
    const { snapshot, state } = recovered;
    options.stateMachine.restore(snapshot.bytes, snapshot.meta.lastOffset);
    const observer = options.observer ?? {};
    observer.recovered?.({
      snapshot: snapshot.meta,
      hardState: state.hardState,
      entries: recovered.entries,
    });
    const abstain = abstainConditionOf(log.damage);
    if (abstain !== undefined) {
      logger.warn(
        { untilOffset: abstain.untilOffset, untilLeaderHeard: abstain.untilLeaderHeard },
        'storage damage: abstaining from elections (no vote, no campaign) until caught up from a leader',
      );
    }
    const node = options.createNode(
      {
        ...options.raft,
        id: options.id,
        random: options.random,
        ...(abstain === undefined ? {} : { abstain }),
      },
      state,
    );
    const replica = new Replica({ ...options, logger }, log, node, {
      id: options.id,
      log,
      storage,
      transport: options.transport,
      stateMachine: options.stateMachine,
      observer,
      logger,
      clock: options.clock,
      snapshot,
      history: new MembershipHistory(snapshot.meta.membership, configsOf(recovered.entries)),
      hardState: state.hardState,
      hardStateLost: log.damage?.hardStateLost === true,
    });
    logger.info(
      {
        term: state.hardState.term,
        commit: state.hardState.commit,
        snapshot: snapshot.meta.lastOffset,
        logEndOffset: log.logEndOffset,
      },
      'replica opened',
    );
    replica.wake();
    return replica;
  }

  /** The partition log (for reads by the owner: fetch serves committed data from it). */
  get partitionLog(): PartitionLog {
    return this.log;
  }

  get id(): NodeId {
    return this.options.id;
  }

  // ---- inputs ----

  tick(): void {
    if (!this.isRunning()) return;
    const wasQuiesced = this.node.isQuiesced();
    this.node.tick();
    // Quiesced before and after the tick: nothing to do (a follower whose timer ran out
    // campaigns, which ends its quiescence; a quiesced leader's tick does nothing). Thousands of
    // idle groups tick on a broker: this is their whole cost.
    if (wasQuiesced && this.node.isQuiesced()) return;
    this.afterInput();
  }

  /** See RaftNode.isQuiesced (false once stopped). */
  isQuiesced(): boolean {
    return this.isRunning() && this.node.isQuiesced();
  }

  /** See RaftNode.leaderAlive. */
  leaderAlive(leader: NodeId, term: Term): void {
    if (this.isRunning()) this.node.leaderAlive(leader, term);
  }

  /** See RaftNode.unquiesce: a leader's heartbeats go out at once. */
  unquiesce(): void {
    if (!this.isRunning()) return;
    this.node.unquiesce();
    this.afterInput();
  }

  /** Delivers a message from the transport, with its payload (see Transport). */
  receive(message: Message, payload: Uint8Array | null): void {
    if (!this.isRunning() || message.to !== this.options.id) return;
    if (message.type === 'append' && message.entries.length > 0) {
      const refused = this.cache.acceptAppend(message, payload, this.limits.payloadCacheBytesMax);
      if (refused !== null) {
        this.options.logger.warn({ from: message.from, reason: refused }, 'dropping an append');
        return;
      }
    } else if (message.type === 'installSnapshot') {
      const state = payload === null ? null : decodeSnapshotPayload(payload);
      if (state === null) {
        this.options.logger.warn({ from: message.from }, 'dropping a damaged installSnapshot');
        return;
      }
      this.cache.putSnapshot(message.snapshot, state);
    }
    this.node.step(message);
    this.afterInput();
  }

  /**
   * Replicates one batch (that passed `checkBatch`). Resolves once it is committed and applied
   * here, with its offsets and term; rejects NOT_LEADER (with a hint) and friends when nothing
   * was appended, OUTCOME_UNKNOWN when leadership was lost after appending.
   */
  propose(batch: Uint8Array, expectedTerm?: Term): Promise<ProposalResult> {
    const header = readBatchHeader(batch, 0);
    return this.proposeBytes(
      Uint8Array.from(batch),
      { recordCount: header.lastOffsetDelta + 1, sizeBytes: batch.length },
      expectedTerm,
    );
  }

  /**
   * Like `propose`, for the produce path: returns synchronously with the entry's offsets (so
   * that batches proposed back to back get contiguous offsets), a promise that resolves once
   * the entry is written to this leader's log (acks=leader) and one that resolves once it is
   * committed and applied here (acks=all); both reject like `propose`. Throws (nothing
   * appended) when refused. `copy: false` hands `batch` over to the replica, which rewrites
   * its base offset and epoch in place, instead of copying it.
   */
  replicate(
    batch: Uint8Array,
    options: { readonly expectedTerm?: Term; readonly copy?: boolean } = {},
  ): Replication {
    const header = readBatchHeader(batch, 0);
    const bytes = options.copy === false ? batch : Uint8Array.from(batch);
    const proposal = { recordCount: header.lastOffsetDelta + 1, sizeBytes: batch.length };
    const entry = this.proposeEntry(bytes, proposal, options.expectedTerm);
    const committed = this.pending.addProposal(entry);
    const appended = this.pending.whenAppended(entry);
    // The caller may wait for either or neither (acks): an outcome nobody waits for must not
    // become an unhandled rejection.
    committed.catch(() => undefined);
    appended.catch(() => undefined);
    this.afterInput();
    return { entry, appended, committed };
  }

  private proposeBytes(
    bytes: Uint8Array,
    proposal: Proposal,
    expectedTerm?: Term,
  ): Promise<ProposalResult> {
    let entry: EntryMeta;
    try {
      entry = this.proposeEntry(bytes, proposal, expectedTerm);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const promise = this.pending.addProposal(entry);
    this.afterInput();
    return promise;
  }

  /** Feeds a proposal to the core and caches its bytes; throws when refused. */
  private proposeEntry(bytes: Uint8Array, proposal: Proposal, expectedTerm?: Term): EntryMeta {
    const refused = this.refusal();
    if (refused !== null) throw refused;
    if (this.pending.proposalCount >= this.limits.proposalsPendingMax) {
      throw new ReplicaError('NOT_LEADER', 'too many proposals waiting', this.options.id);
    }
    const result = this.node.propose(proposal, expectedTerm ?? this.node.status().term);
    if (!result.ok) throw fromProposeError(result.error);
    const { entry } = result;
    setBaseOffset(bytes, 0, entry.baseOffset);
    setPartitionLeaderEpoch(bytes, 0, entry.term);
    this.cache.putEntry(entry.baseOffset, entry.term, bytes);
    return entry;
  }

  /** Proposes a configuration change; resolves once it is committed and applied here. */
  async changeMembership(change: MembershipChange, expectedTerm?: Term): Promise<ProposalResult> {
    const refused = this.refusal();
    if (refused !== null) throw refused;
    const after = membershipAfter(this.node.status().membership, change);
    if (!after.ok) throw new ReplicaError('CONFIG_CHANGE_REJECTED', after.reason);
    const { membership } = after;
    const bytes = await encodeConfigEntry(membership, {
      baseOffset: asOffset(0),
      term: this.node.status().term,
      timestampMs: this.options.clock.nowMs(),
    });
    return this.proposeBytes(
      bytes,
      { recordCount: 1, sizeBytes: bytes.length, config: membership },
      expectedTerm,
    );
  }

  transferLeadership(
    target: NodeId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    const refused = this.refusal();
    if (refused !== null) return { ok: false, reason: refused.message };
    const result = this.node.transferLeadership(target);
    this.afterInput();
    return result;
  }

  /** Starts an election now (tests; a node told to take over). */
  campaign(): void {
    if (!this.isRunning()) return;
    this.node.campaign();
    this.afterInput();
  }

  /** A linearizable read point: resolves once this leader confirmed it and applied up to it. */
  readIndex(): Promise<Offset> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    if (this.pending.readCount >= this.limits.readsPendingMax) {
      return Promise.reject(
        new ReplicaError('NOT_LEADER', 'too many reads waiting', this.options.id),
      );
    }
    const requestId = this.pending.takeReadId();
    const result = this.node.readIndex(requestId);
    if (!result.ok) return Promise.reject(fromProposeError(result.error));
    const promise = this.pending.addRead(requestId);
    this.afterInput();
    return promise;
  }

  /**
   * Snapshots the state machine at the applied offset and drops the log up to it. Resolves
   * with the snapshot's last offset (null when nothing new was applied since the last one).
   * With `upTo` (stateless state machines only: retention), the snapshot ends at
   * min(applied, upTo), which must end an entry: the log keeps everything after it, and
   * followers behind it get the snapshot instead.
   */
  compact(options: { readonly upTo?: Offset } = {}): Promise<Offset | null> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    const promise = new Promise<Offset | null>((resolve, reject) => {
      this.compactionWaiters.push({ upTo: options.upTo, resolve, reject });
    });
    this.wake();
    return promise;
  }

  status(): ReplicaStatus {
    const core = this.node.status();
    // Field by field rather than a spread: status() runs after every simulated event.
    return {
      id: core.id,
      role: core.role,
      term: core.term,
      leader: core.leader,
      commit: core.commit,
      applied: core.applied,
      lastOffset: core.lastOffset,
      lastTerm: core.lastTerm,
      snapshot: core.snapshot,
      membership: core.membership,
      progress: core.progress,
      abstaining: core.abstaining,
      quiesced: core.quiesced,
      failure: this.failure === null ? null : describe(this.failure),
      halted: this.halted,
      idle: !this.looping && !this.node.hasReady(),
      logStartOffset: this.log.logStartOffset,
      logEndOffset: this.log.logEndOffset,
      durableEndOffset: this.log.durableEndOffset,
      pendingProposals: this.pending.proposalCount,
      pendingReads: this.pending.readCount,
    };
  }

  /** Waits for the Ready in progress, answers what waits (REPLICA_CLOSED), closes the log. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.loopDone;
    this.settleAll(new ReplicaError('REPLICA_CLOSED', 'the replica is closed'));
    await this.log.close();
  }

  /**
   * Stops at once, as a crashed process would (the simulator's crash): nothing more is sent,
   * stepped or applied; waiting proposals reject OUTCOME_UNKNOWN. The log is not closed (its
   * file system is gone in a crash); storage calls still in flight fail or are ignored.
   */
  halt(): void {
    this.halted = true;
    this.stopped = true;
    this.settleAll(new ReplicaError('REPLICA_CLOSED', 'the replica was halted'));
  }

  // ---- the loop ----

  private isRunning(): boolean {
    return !this.stopped && this.failure === null;
  }

  private refusal(): ReplicaError | null {
    if (this.failure !== null) {
      return new ReplicaError(
        'REPLICA_FAILED',
        `the replica failed: ${describe(this.failure)}`,
        null,
        this.failure,
      );
    }
    if (this.stopped) return new ReplicaError('REPLICA_CLOSED', 'the replica is closed');
    return null;
  }

  /** After every input: settle what a lost leadership voids, and run the loop if needed. */
  private afterInput(): void {
    this.checkLeadership();
    this.wake();
  }

  private checkLeadership(): void {
    if (this.pending.isEmpty) return;
    const status = this.node.status();
    const term = this.pending.term;
    if (status.role !== 'leader' || (term !== null && term !== status.term)) {
      this.pending.leadershipLost(status.leader, status.commit);
    }
  }

  private wake(): void {
    if (this.looping || !this.isRunning()) return;
    if (!this.node.hasReady() && this.compactionWaiters.length === 0) return;
    this.looping = true;
    this.loopDone = this.loop();
  }

  private async loop(): Promise<void> {
    try {
      while (this.isRunning()) {
        if (this.compactionWaiters.length > 0) {
          await this.compactNow();
          continue;
        }
        // Checked and left synchronously: an input arriving later finds looping false.
        if (!this.node.hasReady()) break;
        const ready = this.node.ready();
        const claimed = this.cache.claim(ready.entries, ready.snapshot);
        const outcome = await this.processor.process(ready, claimed);
        if (!this.isRunning()) break;
        this.node.advance(ready);
        this.answer(ready, outcome);
        if (this.log.damage !== undefined) await this.forgetRepairedDamage();
        this.notifyAdvance();
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.looping = false;
    }
  }

  private answer(ready: Ready, outcome: ReadyOutcome): void {
    const { applied, appliedThrough } = outcome;
    const appliedOffset = this.processor.applied;
    if (applied.length > 0) this.pending.applied(applied, appliedOffset);
    if (appliedThrough !== null) {
      this.pending.appliedThrough(appliedThrough, (offset) => this.log.termAt(offset));
    }
    if (ready.readStates.length > 0 || applied.length > 0) {
      this.pending.confirmedReads(ready.readStates, appliedOffset);
    }
    if (ready.droppedReads.length > 0) {
      this.pending.droppedReads(ready.droppedReads, this.node.status().leader);
    }
    this.checkLeadership();
  }

  /**
   * Once the core stops abstaining, the log holds again everything it may have acknowledged:
   * the damage marker goes (after, not before: a crash in between only abstains once more).
   */
  private async forgetRepairedDamage(): Promise<void> {
    const status = this.node.status();
    if (status.abstaining) return;
    await this.log.clearDamage();
    this.options.logger.info(
      { lastOffset: status.lastOffset, term: status.term, leader: status.leader },
      'caught up after storage damage: taking part in elections again',
    );
  }

  private notifyAdvance(): void {
    try {
      this.options.onAdvance?.();
    } catch (error) {
      this.options.logger.error({ err: error }, 'the onAdvance hook threw');
    }
  }

  private async compactNow(): Promise<void> {
    // One request at a time: each may name its own point (retention) or the applied offset.
    const waiters = this.compactionWaiters.splice(0, 1);
    try {
      const meta = await this.processor.takeSnapshot(waiters[0]?.upTo);
      if (meta !== null && this.isRunning()) {
        // The core first, so it stops naming entries the log is about to drop.
        this.node.compact(meta.lastOffset);
        await this.processor.dropPrefix(meta);
      }
      for (const waiter of waiters) waiter.resolve(meta?.lastOffset ?? null);
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      throw error;
    }
  }

  private fail(error: unknown): void {
    if (this.failure !== null || this.halted) return;
    this.failure = error;
    this.options.logger.error({ err: error }, 'replica failed; it stops until reopened');
    this.options.observer?.failed?.(error);
    this.settleAll(
      new ReplicaError('REPLICA_FAILED', `the replica failed: ${describe(error)}`, null, error),
    );
  }

  private settleAll(readError: ReplicaError): void {
    const unknown = new ReplicaError(
      'OUTCOME_UNKNOWN',
      'the replica stopped before the entry committed',
    );
    this.pending.rejectAll(unknown, readError);
    const waiters = this.compactionWaiters;
    this.compactionWaiters = [];
    for (const waiter of waiters) waiter.reject(readError);
  }
}

/** RaftConfig.abstain for a log that recorded damage (storage/damage-marker.ts). */
function abstainConditionOf(damage: DamageRecord | undefined): AbstainCondition | undefined {
  if (damage === undefined) return undefined;
  return { untilOffset: asOffset(damage.lostEndOffset), untilLeaderHeard: damage.hardStateLost };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
