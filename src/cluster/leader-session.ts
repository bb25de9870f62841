/**
 * The controller's duties for one term of leadership: created when this broker's controller
 * replica becomes leader, ended (timers cancelled, nothing more proposed) the moment it is not
 * the leader of that term any more. A later term gets a fresh session.
 *
 * Start-up: the session is not `ready` until a read index confirmed it leads and its state
 * machine applied everything committed before its term; only then does it validate anything
 * against the metadata (initialise the cluster id, answer heartbeats and admin operations).
 *
 * Duties while ready:
 * - heartbeats: liveness, the leader table, registration / unfencing of the sender, and adding
 *   a broker that is no controller member as a learner (so it follows the metadata);
 * - every `brokerHeartbeatMs`: fence brokers silent for `brokerSessionTimeoutMs`;
 * - every `leaderBalanceIntervalMs`: ask leaders to hand partitions back to their preferred
 *   replica (leader-balancer.ts).
 * Every command goes through the controller's one-at-a-time queue, so validation never races;
 * at most one liveness command per broker and one membership change per broker are queued.
 *
 * Must not: propose in another term than its own (every proposal carries `term` as the
 * expected term), or read a clock other than the injected one.
 */
import { BrookError } from '../protocol/errors.js';
import { isReplicaError } from '../replica/index.js';
import type { Membership, Term } from '../raft/types.js';
import type { BrokerId } from '../util/brand.js';
import { encodeCommands } from './command-encoding.js';
import type { ControllerLimits, ControllerOptions } from './controller-options.js';
import { transferToProto } from './controller-rpc.js';
import type { BrokerHeartbeat, HeartbeatReply } from './controller-rpc.js';
import { preferredLeaderMoves } from './leader-balancer.js';
import type { LeaderMove } from './leader-balancer.js';
import { LeaderTableAggregator } from './leader-table.js';
import { BrokerLiveness, commandForHeartbeat } from './liveness.js';
import type { MetadataChange, MetadataCommand } from './types.js';

/** Heartbeat intervals a new leader waits to hear every broker before placing (see below). */
export const PLACEMENT_GRACE_HEARTBEATS = 3;

/** What a session needs from its controller. */
export interface SessionContext {
  readonly options: ControllerOptions;
  readonly limits: ControllerLimits;
  /** Runs `task` in the controller's one-at-a-time queue. */
  enqueue<T>(task: () => Promise<T>): Promise<T>;
  addressOf(broker: BrokerId): string | null;
}

export class LeaderSession {
  readonly liveness: BrokerLiveness;
  readonly table: LeaderTableAggregator;
  private readyValue = false;
  private ended = false;
  private readonly cancels: (() => void)[] = [];
  private readonly pendingBrokers = new Set<BrokerId>();
  private readonly pendingLearners = new Set<BrokerId>();
  private balancing = false;
  private initialising = false;
  private readyAtMs = 0;
  /** When this session began: silence is counted from here (fencing). */
  private readonly startedAtMs: number;
  private readonly placementWaiters = new Set<() => void>();

  constructor(
    readonly term: Term,
    private readonly context: SessionContext,
  ) {
    const { options } = context;
    this.startedAtMs = options.clock.monotonicMs();
    this.liveness = new BrokerLiveness(options.timing.brokerSessionTimeoutMs, this.startedAtMs);
    this.table = new LeaderTableAggregator(term, options.leaderTable.states());
  }

  get ready(): boolean {
    return this.readyValue && !this.ended;
  }

  /** Confirms leadership (read index), then takes up the duties. */
  async start(): Promise<void> {
    const { options } = this.context;
    await options.replica.readIndex();
    if (this.ended) return;
    this.readyValue = true;
    this.readyAtMs = options.clock.monotonicMs();
    options.logger.info({ term: this.term }, 'controller leader ready');
    const { timing } = options;
    this.cancels.push(
      options.scheduler.every(timing.brokerHeartbeatMs, () => this.checkLiveness()),
      options.scheduler.every(timing.leaderBalanceIntervalMs, () => void this.balanceLeaders()),
    );
    this.ensureClusterId();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    for (const wake of [...this.placementWaiters]) wake();
  }

  /** True when new replicas may go to `broker`: this leader heard it recently. */
  placeable(broker: BrokerId): boolean {
    return this.liveness.placeable(broker, this.context.options.clock.monotonicMs());
  }

  /**
   * Resolves once this leader can tell where `factor` replicas per partition may go:
   *
   * - at once when it heard every unfenced broker and every controller voter is registered (on
   *   a cluster just formed, the first topic would otherwise find no broker registered yet);
   * - else, after `PLACEMENT_GRACE_HEARTBEATS` heartbeat intervals since it became ready
   *   (brokers look for a new controller leader at their heartbeat interval), as soon as at
   *   least `factor` unfenced brokers have been heard: the silent ones may have died with the
   *   old leader;
   * - else once half a broker session has passed since it began: placement falls back
   *   to every unfenced broker, as Kafka's does (a broker that died with the old leader gets
   *   replicas and the partitions run on the others meanwhile). A busy broker whose heartbeat
   *   is late (its reconnect, or a loaded machine) thus gets that long to be heard before new
   *   replicas go to a dead broker rather than to it; half, so that the fallback comes well
   *   before the silent brokers are fenced (which would refuse a factor they were needed for);
   * - or when this session ended.
   */
  placementSettled(factor: number): Promise<void> {
    const { options } = this.context;
    const { timing } = options;
    const graceMs = timing.brokerHeartbeatMs * PLACEMENT_GRACE_HEARTBEATS;
    const { metadata } = options;
    const settled = (): boolean => {
      if (this.ended) return true;
      const brokers = metadata.brokers();
      const unheard = this.liveness.unheard(brokers);
      const registered = options.peers.every((voter) => metadata.broker(voter.id) !== undefined);
      if (unheard.length === 0 && registered) return true;
      const elapsedMs = options.clock.monotonicMs() - this.readyAtMs;
      if (elapsedMs < graceMs) return false;
      if (unheard.length === 0) return true;
      const live = brokers.filter((broker) => !broker.fenced);
      const heard = live.filter((broker) => this.placeable(broker.id));
      // More than the live brokers: refused however long it waits.
      const waiting = heard.length < factor && factor <= live.length;
      const sessionMs = options.clock.monotonicMs() - this.startedAtMs;
      if (waiting && sessionMs < timing.brokerSessionTimeoutMs / 2) return false;
      options.logger.info(
        { term: this.term, unheard, factor, fallback: heard.length < factor },
        'placing replicas before every unfenced broker was heard by this controller leader',
      );
      return true;
    };
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        cancel();
        this.placementWaiters.delete(wake);
        resolve();
      };
      const cancel = options.scheduler.every(options.timing.tickMs, () => {
        if (settled()) wake();
      });
      this.placementWaiters.add(wake);
    });
  }

  /** Proposes commands in this term; resolves once they are committed and applied here. */
  async propose(commands: MetadataCommand[]): Promise<void> {
    this.requireActive();
    const bytes = await encodeCommands(commands, this.context.options.clock.nowMs());
    this.requireActive();
    await this.context.options.replica.propose(bytes, this.term);
  }

  private requireActive(): void {
    if (this.ended) {
      throw new BrookError('NOT_LEADER', 'this broker stopped leading the controller');
    }
  }

  /** The first ready leader records the cluster id, once; retried every liveness check. */
  private ensureClusterId(): void {
    const { options } = this.context;
    if (options.metadata.clusterId !== null || this.initialising) return;
    this.initialising = true;
    this.context
      .enqueue(async () => {
        this.requireActive();
        if (options.metadata.clusterId !== null) return;
        const clusterId = (options.newClusterId ?? options.newId)();
        await this.propose([{ type: 'initCluster', clusterId }]);
        options.logger.info({ clusterId }, 'cluster initialised');
      })
      .catch((error: unknown) => {
        options.logger.debug({ err: error }, 'cluster initialisation failed; retrying');
      })
      .finally(() => {
        this.initialising = false;
      });
  }

  // ---- heartbeats ----

  handleHeartbeat(heartbeat: BrokerHeartbeat): HeartbeatReply {
    const { options, limits } = this.context;
    const { metadata } = options;
    const clusterId = metadata.clusterId;
    if (heartbeat.clusterId !== null && clusterId !== null && heartbeat.clusterId !== clusterId) {
      throw new BrookError(
        'INVALID_REQUEST',
        `broker ${heartbeat.broker} belongs to cluster ${heartbeat.clusterId}, not to cluster ` +
          `${clusterId}: it cannot join (wrong --peers, or a data directory of another cluster)`,
      );
    }
    if (heartbeat.partitions.length > limits.heartbeatPartitionsMax) {
      throw new BrookError(
        'INVALID_REQUEST',
        `a heartbeat carries ${heartbeat.partitions.length} partition states; the limit is ` +
          `${limits.heartbeatPartitionsMax} (heartbeatPartitionsMax)`,
      );
    }
    this.liveness.heard(heartbeat.broker, options.clock.monotonicMs());
    // Only partitions the metadata has (a deleted topic's replica may still report itself).
    const known = heartbeat.partitions.filter((state) => {
      const topic = metadata.topicById(state.topicId);
      return topic?.name === state.topic && topic.partitions[state.partition] !== undefined;
    });
    this.table.report(heartbeat.broker, known);
    this.reconcileBroker(heartbeat.broker, heartbeat.address);
    this.ensureMember(heartbeat.broker);
    return {
      controllerId: options.brokerId,
      clusterId,
      table: this.table.deltaSince(heartbeat.seen),
    };
  }

  private reconcileBroker(broker: BrokerId, address: string): void {
    const { metadata } = this.context.options;
    if (this.pendingBrokers.has(broker)) return;
    const command = commandForHeartbeat(metadata.broker(broker), broker, address);
    if (command === null) return;
    this.background(this.pendingBrokers, broker, command.type, async () => {
      // Checked again in the queue: an earlier command may have done it meanwhile.
      const again = commandForHeartbeat(metadata.broker(broker), broker, address);
      if (again !== null) await this.propose([again]);
    });
  }

  private ensureMember(broker: BrokerId): void {
    const { replica } = this.context.options;
    if (this.pendingLearners.has(broker) || isMember(replica.status().membership, broker)) return;
    this.background(this.pendingLearners, broker, 'addLearner', async () => {
      if (isMember(replica.status().membership, broker)) return;
      this.requireActive();
      await replica.changeMembership({ type: 'addLearner', node: broker }, this.term);
      this.context.options.logger.info({ broker }, 'broker added to the controller as a learner');
    });
  }

  /** Queues a liveness task, at most one per broker in `pending`; failures retry later. */
  private background(
    pending: Set<BrokerId>,
    broker: BrokerId,
    what: string,
    task: () => Promise<void>,
  ): void {
    pending.add(broker);
    this.context
      .enqueue(async () => {
        this.requireActive();
        await task();
      })
      .catch((error: unknown) => {
        // Expected while leadership moves or another membership change is in flight: the
        // next heartbeat or liveness check tries again.
        const level = isReplicaError(error) || error instanceof BrookError ? 'debug' : 'warn';
        this.context.options.logger[level]({ err: error, broker, what }, 'controller task failed');
      })
      .finally(() => pending.delete(broker));
  }

  // ---- periodic duties ----

  checkLiveness(): void {
    if (!this.ready) return;
    this.ensureClusterId();
    const { metadata, clock, logger } = this.context.options;
    for (const broker of this.liveness.expired(metadata.brokers(), clock.monotonicMs())) {
      if (this.pendingBrokers.has(broker)) continue;
      this.background(this.pendingBrokers, broker, 'fenceBroker', async () => {
        const registration = metadata.broker(broker);
        const silentMs = clock.monotonicMs() - this.liveness.lastHeard(broker);
        if (registration === undefined || registration.fenced) return;
        if (silentMs <= this.context.options.timing.brokerSessionTimeoutMs) return;
        await this.propose([{ type: 'fenceBroker', broker }]);
        logger.warn({ broker, silentMs }, 'broker fenced: no heartbeat within the session timeout');
      });
    }
  }

  async balanceLeaders(): Promise<void> {
    if (!this.ready || this.balancing) return;
    const { metadata } = this.context.options;
    const moves = preferredLeaderMoves(
      metadata.topics(),
      metadata.brokers(),
      this.table,
      this.context.limits.leaderMovesPerRoundMax,
    );
    if (moves.length === 0) return;
    this.balancing = true;
    try {
      await Promise.allSettled(moves.map((move) => this.moveLeader(move)));
    } finally {
      this.balancing = false;
    }
  }

  private async moveLeader(move: LeaderMove): Promise<void> {
    const { options, limits } = this.context;
    const transfer = {
      topicId: move.topicId,
      partition: move.partition,
      target: move.to,
      controllerId: options.brokerId,
    };
    let outcome: { accepted: boolean; reason: string };
    if (move.from === options.brokerId) {
      const result = options.leadership.transfer(move.topicId, move.partition, move.to);
      outcome = result.ok ? { accepted: true, reason: '' } : { accepted: false, ...result };
    } else {
      const address = this.context.addressOf(move.from);
      if (address === null) return;
      outcome = await options.rpc
        .transferLeadership(address, transferToProto(transfer), limits.rpcTimeoutMs)
        .catch((error: unknown) => ({ accepted: false, reason: String(error) }));
    }
    options.logger.info(
      { topic: move.topic, partition: move.partition, from: move.from, to: move.to, ...outcome },
      'preferred leader balancing',
    );
  }

  /** Keeps the leader table consistent with the metadata as it changes. */
  onMetadataChange(change: MetadataChange): void {
    if (change.type === 'topicDeleted') {
      this.table.removeWhere((state) => state.topicId === change.topicId);
    } else if (change.type === 'broker' && change.broker.fenced) {
      const fenced = change.broker.id;
      this.table.removeWhere((state) => state.leader === fenced);
    }
  }
}

function isMember(membership: Membership, id: BrokerId): boolean {
  return membership.voters.includes(id) || membership.learners.includes(id);
}
