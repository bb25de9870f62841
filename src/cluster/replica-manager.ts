/**
 * The replica manager: on every broker, one Replica (src/replica) per partition the metadata
 * assigns to this broker, kept in step with the metadata (MetadataView.onChange, and a full
 * reconcile at start), plus the routing of inbound peer messages to groups and the one timer
 * that ticks every group on the broker (the controller group too, through `attach`).
 *
 * Lifecycle of a replica (one reconcile at a time, so open and close never race):
 * - assigned and not hosted: open its directory `topics/<topic>/<partition>/`, creating it
 *   fresh (partition-directory.ts) when missing or stale. A fresh replica starts with the
 *   partition's founders as voters when it is one of them, else with no membership (a
 *   reassignment target learns its membership from the leader, founders.ts). A sole voter
 *   campaigns at once, the preferred leader of a fresh group a few ticks after creation,
 *   instead of waiting an election timeout.
 * - topic deleted: closed and its directory removed.
 * - no longer assigned: kept while it may still be needed (it leads, or is still a member),
 *   then closed and removed once the group let it go: its own log says so, or the partition's
 *   leader reports (leader table) a membership without it. A removed replica usually never
 *   learns it from its own log (the leader stops sending to it), hence the leader table, and
 *   `removedReplicaGraceMs` after it left the assignment as the last resort.
 * Messages for groups not hosted (not created yet, being opened, deleted) are dropped: Raft
 * retries, and the metadata catches up.
 *
 * What leaders do (ISR, states, membership convergence, retention) is in leader-duties.ts.
 *
 * Must not: read Node timers or the wall clock (Scheduler and Clock are injected), block the
 * delivery of messages, or remove a directory the metadata may simply not know yet.
 */
import type { Message, RaftNodeFactory } from '../raft/types.js';
import type { ReplicaLimits } from '../replica/replica.js';
import type { LogConfig } from '../storage/log-config.js';
import { asBrokerId, asTerm } from '../util/brand.js';
import type { BrokerId } from '../util/brand.js';
import type { Clock, FileSystem, Logger, Random, Scheduler } from '../util/ports.js';
import { Founders } from './founders.js';
import { HostedPartition } from './hosted-partition.js';
import { handOffLeadership, LeaderDuties } from './leader-duties.js';
import { forEachBounded } from './bounded.js';
import { PartitionDirectories } from './partition-directory.js';
import type { FoundDirectory } from './partition-directory.js';
import type { GroupRouter, PeerSender, QuiescedLeadership } from './peer-network.js';
import { openPartitionReplica } from './partition-replica.js';
import { partitionGroupId } from './types.js';
import type {
  ClusterTiming,
  GroupId,
  LeaderTable,
  MetadataChange,
  MetadataView,
  PartitionAssignment,
  PartitionLeadership,
  PartitionState,
  TopicAssignment,
} from './types.js';

/** Raft settings of partition groups (the composition root derives them from its limits). */
export interface PartitionRaftSettings {
  readonly inflightMessagesMax: number;
  readonly inflightBytesMax: number;
  readonly messageBytesMax: number;
  readonly uncommittedBytesMax?: number;
}

export interface ReplicaManagerLimits {
  /** Replicas opened at once while reconciling (each recovers its log). */
  readonly openConcurrencyMax: number;
  /** A replica out of the assignment is removed this long after, even if still a member. */
  readonly removedReplicaGraceMs: number;
  /** Ticks between two rounds of leader housekeeping (membership, removals). */
  readonly housekeepingTicks: number;
}

export const defaultReplicaManagerLimits: ReplicaManagerLimits = {
  openConcurrencyMax: 8,
  removedReplicaGraceMs: 60_000,
  housekeepingTicks: 10,
};

export interface ReplicaManagerOptions {
  readonly brokerId: BrokerId;
  readonly dataDirectory: string;
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  readonly metadata: MetadataView;
  /** Partition states as their leaders report them (tells a removed replica it may go). */
  readonly leaders?: LeaderTable;
  readonly sender: PeerSender;
  readonly timing: ClusterTiming;
  readonly raft: PartitionRaftSettings;
  /** The log settings of a topic's partitions (its effective configuration). */
  readonly logConfigFor: (topic: TopicAssignment) => Partial<LogConfig>;
  /** How often retention runs (0: never, the caller runs `applyRetention`). */
  readonly retentionCheckIntervalMs: number;
  readonly limits?: Partial<ReplicaManagerLimits>;
  /**
   * Called (from a tick) when this broker began to lead partitions: the cue to report them to
   * the controller now rather than at the next heartbeat.
   */
  readonly onLeadershipGained?: () => void;
  readonly replicaLimits?: Partial<ReplicaLimits>;
  readonly createNode?: RaftNodeFactory;
}

/** What the router can deliver to: a hosted partition's replica or an attached group. */
interface Receiver {
  tick(): void;
  receive(message: Message, payload: Uint8Array | null): void;
}

/** Ticks a fresh group's preferred leader waits before campaigning (see startDueCampaigns). */
const CAMPAIGN_DELAY_TICKS = 3;
/**
 * Ticks between two ISR samples of a quiesced group (2 s at the default tick): its followers
 * hold every entry, so a sample only refreshes their caught-up time, and replicaLagTimeMs
 * (10 s) is far longer.
 */
const QUIESCED_ISR_SAMPLE_TICKS = 40;
/** Housekeeping rounds between two retries of unfinished work (failed opens). */
const RETRY_ROUNDS = 2;

export class ReplicaManager implements GroupRouter, PartitionLeadership {
  private readonly hosted = new Map<GroupId, HostedPartition>();
  private readonly attached = new Map<GroupId, Receiver>();
  private readonly directories: PartitionDirectories;
  private readonly duties: LeaderDuties;
  readonly limits: ReplicaManagerLimits;
  /** Directories found at start whose topic the metadata does not know (yet). */
  private pending = new Map<string, FoundDirectory>();
  private readonly founders: Founders;
  private readonly cancels: (() => void)[] = [];
  private reconciling: Promise<void> | null = null;
  private reconcileAgain = false;
  private ticks = 0;
  /** Fresh groups whose preferred leader campaigns at a tick (by then its peers opened theirs). */
  private readonly campaigns = new Map<GroupId, number>();
  /** The metadata offset the last housekeeping round saw (a retry cue for pending work). */
  private housekeepingOffset = -1;
  private started = false;
  private stopped = false;
  /** When each peer broker was last heard from (any frame), monotonic ms; its incarnation. */
  private readonly lastHeardMs = new Map<number, number>();
  private readonly incarnations = new Map<number, number>();
  /** Hosted groups seen quiesced, with what livenessRound needs of them. */
  private readonly quiescedLeads = new Map<
    GroupId,
    { readonly leader: boolean; readonly term: number; readonly peers: readonly BrokerId[] }
  >();
  /** Messages for groups not hosted here (diagnostics). */
  undeliverable = 0;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.limits = { ...defaultReplicaManagerLimits, ...options.limits };
    this.founders = new Founders(options.brokerId);
    this.directories = new PartitionDirectories(options.fs, options.dataDirectory, options.logger);
    this.duties = new LeaderDuties({
      brokerId: options.brokerId,
      clock: options.clock,
      logger: options.logger,
      metadata: options.metadata,
      timing: options.timing,
    });
  }

  // ---- life cycle ----

  /**
   * Scans the data directory, opens every replica the metadata assigns here, and starts the
   * tick (and retention) timers. Resolves once the first reconcile is done.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { metadata, scheduler, timing } = this.options;
    for (const topic of metadata.topics()) this.founders.remember(topic);
    this.cancels.push(metadata.onChange((change) => this.metadataChanged(change)));
    await this.directories.prepare();
    for (const found of await this.directories.scan()) {
      this.pending.set(found.path, found);
    }
    this.cancels.push(scheduler.every(timing.tickMs, () => this.tick()));
    if (this.options.retentionCheckIntervalMs > 0) {
      this.cancels.push(
        scheduler.every(this.options.retentionCheckIntervalMs, () => {
          this.applyRetention().catch((error: unknown) => {
            this.options.logger.error({ err: error }, 'retention failed');
          });
        }),
      );
    }
    await this.reconcile();
  }

  /**
   * Before a clean shutdown: every partition led here hands its leadership to its most
   * caught-up voter. Returns a check that is true once none of them leads any more.
   */
  handOffLeadership(): () => boolean {
    const asked = [...this.hosted.values()].filter((hosted) => handOffLeadership(hosted.replica));
    return () => asked.every((hosted) => !hosted.isLeader());
  }

  /** Stops the timers and closes every hosted replica (their directories stay). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    await this.reconciling;
    const closing = [...this.hosted.values()].map((hosted) => this.close(hosted));
    this.hosted.clear();
    await Promise.all(closing);
  }

  /** A group owned elsewhere (the controller's) that this manager ticks and routes to. */
  attach(group: GroupId, receiver: Receiver): void {
    this.attached.set(group, receiver);
  }

  detach(group: GroupId): void {
    this.attached.delete(group);
  }

  // ---- inputs ----

  /** One tick of every group; leaders' housekeeping every few ticks. */
  tick(): void {
    if (this.stopped) return;
    for (const receiver of this.attached.values()) receiver.tick();
    for (const hosted of this.hosted.values()) hosted.replica.tick();
    // Quiesced groups (all followers caught up, nothing moving) are sampled less often.
    const sampleQuiesced = this.ticks % QUIESCED_ISR_SAMPLE_TICKS === 0;
    if (this.duties.sampleIsr(this.hosted.values(), sampleQuiesced) > 0) {
      this.options.onLeadershipGained?.();
    }
    if (this.ticks % this.options.timing.heartbeatTicks === 0) this.livenessRound();
    this.ticks += 1;
    this.startDueCampaigns();
    if (this.ticks % this.limits.housekeepingTicks === 0) this.housekeeping();
  }

  /**
   * A frame from `broker` arrived (PeerRouter): it is alive. When its process restarted (a new
   * incarnation), the groups quiesced with it wake: a restarted replica may have lost what its
   * leader believes it holds (damage found at open), and only heartbeats tell it to say so.
   */
  heardFrom(broker: number, incarnation: number): void {
    this.lastHeardMs.set(broker, this.options.clock.monotonicMs());
    const known = this.incarnations.get(broker);
    this.incarnations.set(broker, incarnation);
    if (known === undefined || known === incarnation) return;
    for (const [group, hosted] of this.hosted) {
      if (!hosted.replica.isQuiesced()) continue;
      const status = hosted.replica.status();
      const { voters, learners } = status.membership;
      if (status.role !== 'leader' || ![...voters, ...learners].includes(asBrokerId(broker)))
        continue;
      this.quiescedLeads.delete(group);
      hosted.replica.unquiesce();
    }
  }

  /** `leader` still leads `group` quiesced in `term` (PeerRouter): a heartbeat for ours. */
  leaderAlive(group: string, leader: number, term: number): void {
    this.hosted.get(group)?.replica.leaderAlive(asBrokerId(leader), asTerm(term));
  }

  /**
   * Once per heartbeat interval: tells every other live broker that this one is alive and which
   * of their groups it leads quiesced; wakes a quiesced group of ours when one
   * of its members has been silent for an election timeout (its heartbeats then find out
   * whether the member is gone, and the ISR and check-quorum follow as usual).
   */
  private livenessRound(): void {
    const send = this.options.sender.sendLiveness?.bind(this.options.sender);
    if (send === undefined) return;
    const { timing } = this.options;
    const silentAfterMs = timing.electionTicks * timing.tickMs;
    const nowMs = this.options.clock.monotonicMs();
    const self = this.options.brokerId;
    const lists = new Map<BrokerId, QuiescedLeadership[]>();
    for (const broker of this.options.metadata.brokers()) {
      if (broker.id !== self && !broker.fenced) lists.set(broker.id, []);
    }
    const isSilent = (peer: BrokerId): boolean => {
      const heard = this.lastHeardMs.get(peer);
      return heard === undefined || nowMs - heard > silentAfterMs;
    };

    for (const [group, hosted] of this.hosted) {
      const replica = hosted.replica;
      const quiesced = replica.isQuiesced();
      let led = quiesced ? this.quiescedLeads.get(group) : undefined;
      if (!quiesced) this.quiescedLeads.delete(group);
      else if (led === undefined) {
        // Term and members cannot change while it stays quiesced (any change wakes it).
        const status = replica.status();
        const { voters, learners } = status.membership;
        led = {
          leader: status.role === 'leader',
          term: status.term,
          peers: [...voters, ...learners].filter((member) => member !== self),
        };
        this.quiescedLeads.set(group, led);
      }
      if (led?.leader !== true) continue;
      for (const peer of led.peers) {
        let list = lists.get(peer);
        if (list === undefined) lists.set(peer, (list = []));
        list.push({ group, term: led.term });
      }
      if (led.peers.some(isSilent)) {
        this.quiescedLeads.delete(group);
        replica.unquiesce();
      }
    }
    for (const [peer, list] of lists) send(peer, list);
  }

  deliver(group: GroupId, message: Message, payload: Uint8Array | null): void {
    const receiver = this.hosted.get(group)?.replica ?? this.attached.get(group);
    if (receiver === undefined) {
      this.undeliverable += 1;
      return;
    }
    receiver.receive(message, payload);
  }

  // ---- queries ----

  partition(topicId: string, partition: number): HostedPartition | undefined {
    return this.hosted.get(partitionGroupId(topicId, partition));
  }

  hostedPartitions(): HostedPartition[] {
    return [...this.hosted.values()];
  }

  partitionStates(): PartitionState[] {
    return this.duties.states(this.hosted.values());
  }

  /**
   * True when no reconcile runs and every partition the metadata assigns here is hosted (a
   * caller waiting for the manager to have caught up with the metadata).
   */
  isSettled(): boolean {
    return this.reconciling === null && this.pending.size === 0 && !this.hasMissingReplicas();
  }

  /** The partitions this broker leads, as a LeaderTable (exact; the rest are undefined). */
  readonly localLeaders: LeaderTable = {
    get: (topicId, partition) => this.stateOf(topicId, partition),
  };

  /** The state of a partition this broker leads (undefined otherwise). */
  stateOf(topicId: string, partition: number): PartitionState | undefined {
    const hosted = this.partition(topicId, partition);
    return hosted === undefined ? undefined : this.duties.stateOf(hosted);
  }

  transfer(
    topicId: string,
    partition: number,
    target: BrokerId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    const hosted = this.partition(topicId, partition);
    if (hosted === undefined) return { ok: false, reason: 'no replica of it on this broker' };
    return hosted.replica.transferLeadership(target);
  }

  /** Applies retention to every hosted replica; returns the number of segments deleted. */
  applyRetention(): Promise<number> {
    return this.duties.applyRetention([...this.hosted.values()]);
  }

  // ---- reconciling ----

  private metadataChanged(change: MetadataChange): void {
    if (change.type === 'topicCreated' || change.type === 'topicChanged') {
      this.founders.remember(change.topic, change.type === 'topicChanged');
    }
    if (
      change.type === 'topicDeleted' ||
      change.type === 'topicCreated' ||
      change.type === 'topicChanged'
    ) {
      this.requestReconcile();
    }
  }

  private requestReconcile(): void {
    if (!this.started || this.stopped) return;
    this.reconcile().catch((error: unknown) => {
      this.options.logger.error({ err: error }, 'reconciling replicas failed');
    });
  }

  /** Runs reconcile rounds until no change arrived meanwhile (one round at a time). */
  reconcile(): Promise<void> {
    if (this.reconciling !== null) {
      this.reconcileAgain = true;
      return this.reconciling;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.reconcileAgain = false;
          await this.reconcileOnce();
        } while (this.wantsAnotherRound());
      } finally {
        this.reconciling = null;
      }
    };
    this.reconciling = run();
    return this.reconciling;
  }

  /** A change arrived during the last round (read after an await: another task set it). */
  private wantsAnotherRound(): boolean {
    return this.reconcileAgain && !this.stopped;
  }

  private async reconcileOnce(): Promise<void> {
    if (this.stopped) return;
    const wanted = this.assignedHere();
    await this.retireUnwanted(wanted);
    await this.resolvePending(wanted);
    const missing = [...wanted.values()].filter(({ group }) => !this.hosted.has(group));
    await forEachBounded(missing, this.limits.openConcurrencyMax, async (item) => {
      try {
        await this.ensureOpen(item.topic, item.assignment);
      } catch (error) {
        this.options.logger.error(
          { err: error, topic: item.topic.name, partition: item.assignment.partition },
          'could not open a partition replica; retrying at the next reconcile',
        );
      }
    });
    for (const hosted of this.hosted.values()) {
      const topic = this.options.metadata.topicById(hosted.topicId);
      if (topic !== undefined)
        hosted.replica.partitionLog.updateConfig(this.options.logConfigFor(topic));
    }
  }

  /** The partitions the metadata assigns to this broker, by group. */
  private assignedHere(): Map<GroupId, Wanted> {
    const wanted = new Map<GroupId, Wanted>();
    for (const topic of this.options.metadata.topics()) {
      for (const assignment of topic.partitions) {
        if (!assignment.replicas.includes(this.options.brokerId)) continue;
        const group = partitionGroupId(topic.topicId, assignment.partition);
        wanted.set(group, { group, topic, assignment });
      }
    }
    return wanted;
  }

  private async retireUnwanted(wanted: Map<GroupId, Wanted>): Promise<void> {
    const nowMs = this.options.clock.monotonicMs();
    for (const hosted of [...this.hosted.values()]) {
      if (wanted.has(hosted.group)) {
        hosted.leftAssignmentAtMs = null;
        continue;
      }
      const topic = this.options.metadata.topicById(hosted.topicId);
      if (topic === undefined) {
        await this.retire(hosted, 'its topic was deleted');
        continue;
      }
      hosted.leftAssignmentAtMs ??= nowMs;
      if (this.mayLeave(hosted, nowMs)) await this.retire(hosted, 'it left the assignment');
    }
  }

  /** A replica out of the assignment leaves once the group no longer needs it. */
  private mayLeave(hosted: HostedPartition, nowMs: number): boolean {
    const status = hosted.replica.status();
    if (status.failure !== null) return true;
    if (status.role === 'leader') return false;
    const self = this.options.brokerId;
    const member =
      status.membership.voters.includes(self) || status.membership.learners.includes(self);
    const reported = this.options.leaders?.get(hosted.topicId, hosted.partition);
    const letGo =
      reported !== undefined &&
      reported.leaderEpoch >= status.term &&
      !reported.replicas.includes(self);
    const since = hosted.leftAssignmentAtMs ?? nowMs;
    return !member || letGo || nowMs - since >= this.limits.removedReplicaGraceMs;
  }

  /** Directories found at start: opened, removed as stale, or kept until the metadata knows. */
  private async resolvePending(wanted: Map<GroupId, Wanted>): Promise<void> {
    const { metadata } = this.options;
    for (const [path, found] of [...this.pending]) {
      const marker = found.marker;
      const topic = marker === null ? undefined : metadata.topicById(marker.topicId);
      if (marker !== null && topic === undefined) {
        if (metadata.appliedOffset < marker.createdAtMetadataOffset) continue;
        await this.removeDirectory(path, 'its topic was deleted');
      } else if (marker === null || topic === undefined) {
        await this.removeDirectory(path, 'it has no partition.json (interrupted)');
      } else {
        const assignment = topic.partitions[found.partition];
        const group = partitionGroupId(topic.topicId, found.partition);
        if (assignment === undefined || topic.name !== found.topic) {
          await this.removeDirectory(path, 'it does not match its topic');
        } else if (!wanted.has(group) && !this.hosted.has(group)) {
          // Left the assignment while this broker was down: open it so it can leave gracefully.
          await this.openReplica(topic, assignment, path, false).catch((error: unknown) => {
            this.options.logger.error({ err: error, path }, 'could not open a leaving replica');
          });
          const hosted = this.hosted.get(group);
          if (hosted !== undefined) hosted.leftAssignmentAtMs ??= this.options.clock.monotonicMs();
        }
      }
      this.pending.delete(path);
    }
  }

  /** Opens the replica of an assigned partition, creating its directory when needed. */
  private async ensureOpen(topic: TopicAssignment, assignment: PartitionAssignment): Promise<void> {
    const path = this.directories.pathOf(topic.name, assignment.partition);
    const marker = await this.directories.readMarker(path);
    if (marker?.topicId === topic.topicId) {
      await this.openReplica(topic, assignment, path, false);
      return;
    }
    if (marker !== null) {
      // Another topic's replica under this name: stale once the metadata saw it created.
      if (this.options.metadata.appliedOffset < marker.createdAtMetadataOffset) return;
      await this.removeDirectory(path, 'it belongs to an older topic of the same name');
    } else if (await this.options.fs.exists(path)) {
      await this.removeDirectory(path, 'it has no partition.json (interrupted)');
    }
    this.pending.delete(path);
    await this.directories.create(topic.name, assignment.partition, {
      topicId: topic.topicId,
      createdAtMetadataOffset: this.options.metadata.appliedOffset,
    });
    await this.openReplica(topic, assignment, path, true);
  }

  private async openReplica(
    topic: TopicAssignment,
    assignment: PartitionAssignment,
    path: string,
    fresh: boolean,
  ): Promise<void> {
    const { options } = this;
    const group = partitionGroupId(topic.topicId, assignment.partition);
    const logger = options.logger.child({ topic: topic.name, partition: assignment.partition });
    // The replica reports progress from its first Ready; the partition object exists after open.
    const holder: { hosted?: HostedPartition } = {};
    const replica = await openPartitionReplica(options, {
      topic,
      group,
      path,
      logger,
      initialMembership: this.founders.initialMembership(group, assignment),
      onAdvance: () => holder.hosted?.notify(),
    });
    const hosted = new HostedPartition(
      group,
      topic.topicId,
      topic.name,
      assignment.partition,
      path,
      replica,
      logger,
    );
    if (this.stopped || this.hosted.has(group)) {
      await replica.close();
      return;
    }
    holder.hosted = hosted;
    this.hosted.set(group, hosted);
    this.founders.opened(group);
    const status = replica.status();
    const self = options.brokerId;
    const soleVoter = status.membership.voters.length === 1 && status.membership.voters[0] === self;
    if (soleVoter) replica.campaign();
    else if (fresh && status.membership.voters[0] === self) {
      this.campaigns.set(group, this.ticks + CAMPAIGN_DELAY_TICKS);
    }
  }

  private async retire(hosted: HostedPartition, reason: string): Promise<void> {
    this.hosted.delete(hosted.group);
    this.quiescedLeads.delete(hosted.group);
    this.options.logger.info(
      { topic: hosted.topic, partition: hosted.partition, reason },
      'removing a partition replica',
    );
    await this.close(hosted);
    await this.removeDirectory(hosted.directory, reason);
  }

  private async close(hosted: HostedPartition): Promise<void> {
    hosted.markClosed();
    await hosted.replica.close().catch((error: unknown) => {
      this.options.logger.warn({ err: error, group: hosted.group }, 'closing a replica failed');
    });
  }

  private async removeDirectory(path: string, reason: string): Promise<void> {
    this.pending.delete(path);
    try {
      await this.directories.remove(path);
      this.options.logger.info({ path, reason }, 'removed a partition directory');
    } catch (error) {
      this.options.logger.warn({ err: error, path }, 'could not remove a partition directory');
    }
  }

  /**
   * A fresh group's preferred leader campaigns a few ticks after creation rather than at once:
   * its peers open their replicas at about the same time, and a vote request that reaches one
   * before it has would be dropped, costing a whole election timeout.
   */
  private startDueCampaigns(): void {
    for (const [group, dueTick] of this.campaigns) {
      if (dueTick > this.ticks) continue;
      this.campaigns.delete(group);
      const hosted = this.hosted.get(group);
      if (hosted !== undefined && hosted.knownLeader() === null) hosted.replica.campaign();
    }
  }

  // ---- housekeeping ----

  /**
   * Every few ticks: membership convergence, and a reconcile when a replica may now leave, or
   * when the metadata moved while work was pending (directories it did not know, replicas
   * that failed to open), or every `retryTicks` for the latter.
   */
  private housekeeping(): void {
    this.duties.convergeMemberships(this.hosted.values());
    const nowMs = this.options.clock.monotonicMs();
    const leaving = [...this.hosted.values()].some(
      (hosted) => hosted.leftAssignmentAtMs !== null && this.mayLeave(hosted, nowMs),
    );
    const applied = this.options.metadata.appliedOffset;
    const moved = applied !== this.housekeepingOffset;
    this.housekeepingOffset = applied;
    const retry = this.ticks % (this.limits.housekeepingTicks * RETRY_ROUNDS) === 0;
    const unfinished = this.pending.size > 0 || this.hasMissingReplicas();
    if (leaving || (unfinished && (moved || retry))) this.requestReconcile();
  }

  private hasMissingReplicas(): boolean {
    for (const group of this.assignedHere().keys()) if (!this.hosted.has(group)) return true;
    return false;
  }
}

interface Wanted {
  readonly group: GroupId;
  readonly topic: TopicAssignment;
  readonly assignment: PartitionAssignment;
}
