/**
 * The controller: runs on every broker over the controller group's Replica and its metadata
 * state machine, and acts only while that replica leads. It watches the replica's role every
 * tick; on becoming leader of a term it opens a `LeaderSession` (leader-session.ts: liveness,
 * leader table, balancing, cluster id), and ends it the moment the role or term changes.
 *
 * Admin operations (`ClusterAdmin`) run on the leader one at a time (serial-queue.ts): validate
 * against the applied state (admin-requests.ts), propose one command with the session's term as
 * the expected term, wait until it is committed and applied, answer from the applied state. A
 * broker whose controller does not lead answers NOT_LEADER with the leader's id when it knows
 * it (server/admin-forwarding.ts forwards public admin calls to the leader instead).
 *
 * On every broker it also: takes a metadata snapshot (compacting the controller log) once
 * `snapshotEntriesMin` entries were applied since the last one, keeps the leader-table cache
 * clear of deleted topics, and serves TransferLeadership for its own partition replicas.
 *
 * Must not: read Date or timers (Clock and Scheduler are injected), or act as leader on a
 * replica whose status says otherwise.
 */
import { BrookError } from '../protocol/errors.js';
import type { BrokerId } from '../util/brand.js';
import {
  alterTopicConfigCommand,
  createPartitionsCommand,
  createTopicCommand,
  DEFAULT_TOPIC_DEFAULTS,
  deleteTopicCommand,
  PARTITIONS_PER_TOPIC_MAX,
  reassignPartitionCommand,
} from './admin-requests.js';
import type { AdminContext } from './admin-requests.js';
import { assertControllerLimits, defaultControllerLimits } from './controller-options.js';
import type { ControllerLimits, ControllerOptions } from './controller-options.js';
import type {
  BrokerHeartbeat,
  HeartbeatReply,
  LeadershipTransfer,
  LeadershipTransferReply,
} from './controller-rpc.js';
import { LeaderSession } from './leader-session.js';
import { SerialQueue, withTimeout } from './serial-queue.js';
import type {
  ClusterAdmin,
  ClusterDescription,
  MetadataChange,
  MetadataCommand,
  NewTopic,
  TopicAssignment,
} from './types.js';

export class Controller implements ClusterAdmin {
  private session: LeaderSession | null = null;
  private readonly limits: ControllerLimits;
  private readonly queue: SerialQueue;
  private readonly adminContext: AdminContext;
  private cancelPoll: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private compacting = false;

  constructor(private readonly options: ControllerOptions) {
    this.limits = { ...defaultControllerLimits, ...options.limits };
    assertControllerLimits(this.limits, options.timing);
    this.queue = new SerialQueue(this.limits.adminQueueMax);
    this.adminContext = {
      metadata: options.metadata,
      rules: options.topicRules,
      defaults: options.topicDefaults ?? DEFAULT_TOPIC_DEFAULTS,
      partitionsMax: PARTITIONS_PER_TOPIC_MAX,
      placeable: (broker) => this.session?.placeable(broker) ?? true,
    };
  }

  /** Starts watching the replica's role (every tick). */
  start(): void {
    if (this.cancelPoll !== null) return;
    this.unsubscribe = this.options.metadata.onChange((change) => this.onMetadataChange(change));
    this.cancelPoll = this.options.scheduler.every(this.options.timing.tickMs, () => this.poll());
    this.poll();
  }

  /** Stops every duty; operations still queued fail as their proposals do. */
  stop(): void {
    this.cancelPoll?.();
    this.cancelPoll = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.endSession('controller stopped');
  }

  // ---- leadership ----

  /** True while this broker's controller leads and is ready to serve. */
  isLeader(): boolean {
    return this.session?.ready === true;
  }

  /** The controller leader as this broker's replica knows it (possibly itself). */
  leaderId(): BrokerId | null {
    return this.options.replica.status().leader;
  }

  /**
   * Where another broker is reached for broker-to-broker calls (heartbeats, forwarded admin
   * requests, leadership transfers): a controller voter at its `--peers` address, the one the
   * quorum knows it by (as Kafka's controller.quorum.voters), so these calls take the same
   * path as the Raft traffic; any other broker at its registered address.
   */
  addressOf(broker: BrokerId): string | null {
    const voter = this.options.peers.find((peer) => peer.id === broker)?.address;
    if (voter !== undefined) return voter;
    return this.options.metadata.broker(broker)?.address ?? null;
  }

  /** Called every tick (and by tests): follows the replica's role into or out of a session. */
  poll(): void {
    const status = this.options.replica.status();
    const session = this.session;
    if (session !== null && (status.role !== 'leader' || status.term !== session.term)) {
      this.endSession(`role ${status.role} in term ${status.term}`);
    }
    if (this.session === null && status.role === 'leader' && this.cancelPoll !== null) {
      this.beginSession(status.term);
    }
    this.maybeCompact(status.applied - status.snapshot.lastOffset);
  }

  private beginSession(term: LeaderSession['term']): void {
    const session = new LeaderSession(term, {
      options: this.options,
      limits: this.limits,
      enqueue: (task) => this.queue.run(task),
      addressOf: (broker) => this.addressOf(broker),
    });
    this.session = session;
    this.options.logger.info({ term }, 'controller replica leads: starting controller duties');
    session.start().catch((error: unknown) => {
      // The read index failed: leadership is already gone, or the replica stopped. The next
      // poll opens a new session if this broker still (or again) leads.
      this.options.logger.debug({ err: error, term }, 'controller session did not start');
      if (this.session === session) this.endSession('session start failed');
    });
  }

  private endSession(reason: string): void {
    const session = this.session;
    if (session === null) return;
    session.end();
    this.session = null;
    this.options.logger.info({ term: session.term, reason }, 'controller duties stopped');
  }

  private maybeCompact(entriesSinceSnapshot: number): void {
    if (this.compacting || entriesSinceSnapshot < this.limits.snapshotEntriesMin) return;
    this.compacting = true;
    this.options.replica
      .compact()
      .catch((error: unknown) => {
        this.options.logger.warn({ err: error }, 'controller snapshot failed');
      })
      .finally(() => {
        this.compacting = false;
      });
  }

  private onMetadataChange(change: MetadataChange): void {
    this.session?.onMetadataChange(change);
    if (change.type === 'topicDeleted') this.options.leaderTable.forgetTopic(change.topicId);
  }

  private readySession(): LeaderSession {
    const session = this.session;
    if (session?.ready === true) return session;
    throw this.notLeader();
  }

  /** NOT_LEADER, naming the leader when this broker knows another one. */
  notLeader(): BrookError {
    const leader = this.leaderId();
    if (leader === null || leader === this.options.brokerId) {
      return new BrookError('NOT_LEADER', 'no controller leader is ready yet; retry shortly');
    }
    return new BrookError('NOT_LEADER', `broker ${leader} is the controller leader`, {
      details: { leader: String(leader) },
    });
  }

  // ---- RPCs served by every broker ----

  /** A broker's heartbeat (controller leader only; NOT_LEADER elsewhere). */
  handleHeartbeat(heartbeat: BrokerHeartbeat): HeartbeatReply {
    return this.readySession().handleHeartbeat(heartbeat);
  }

  /** The balancer's request to this broker, as partition leader, to hand leadership over. */
  handleTransferLeadership(transfer: LeadershipTransfer): LeadershipTransferReply {
    const result = this.options.leadership.transfer(
      transfer.topicId,
      transfer.partition,
      transfer.target,
    );
    return result.ok ? { accepted: true, reason: '' } : { accepted: false, reason: result.reason };
  }

  // ---- ClusterAdmin ----

  createTopic(request: NewTopic): Promise<TopicAssignment> {
    const factor =
      request.replicationFactor === 0
        ? this.adminContext.defaults.replicationFactor
        : request.replicationFactor;
    return this.write('createTopic', { placing: factor }, () => {
      const { clock, newId } = this.options;
      const command = createTopicCommand(this.adminContext, request, newId(), clock.nowMs());
      return { command, answer: () => this.appliedTopic(request.name, command.topic.topicId) };
    });
  }

  deleteTopic(name: string): Promise<void> {
    return this.write('deleteTopic', { placing: 0 }, () => {
      const command = deleteTopicCommand(this.adminContext, name);
      return {
        command,
        answer: () => {
          if (this.options.metadata.topic(name) !== undefined) throw notApplied(command);
        },
      };
    });
  }

  alterTopicConfig(
    name: string,
    set: Readonly<Record<string, string>>,
    remove: readonly string[],
  ): Promise<TopicAssignment> {
    return this.write('alterTopicConfig', { placing: 0 }, () => ({
      command: alterTopicConfigCommand(this.adminContext, name, set, remove),
      answer: () => this.currentTopic(name),
    }));
  }

  createPartitions(name: string, count: number): Promise<TopicAssignment> {
    // An unknown topic places nothing: refused at once, not after the placement wait.
    const factor = this.options.metadata.topic(name)?.replicationFactor ?? 0;
    return this.write('createPartitions', { placing: factor }, () => ({
      command: createPartitionsCommand(this.adminContext, name, count),
      answer: () => this.currentTopic(name),
    }));
  }

  reassignPartition(
    name: string,
    partition: number,
    replicas: readonly BrokerId[],
  ): Promise<TopicAssignment> {
    return this.write('reassignPartition', { placing: 0 }, () => ({
      command: reassignPartitionCommand(this.adminContext, name, partition, replicas),
      answer: () => this.currentTopic(name),
    }));
  }

  async describeCluster(): Promise<ClusterDescription> {
    this.readySession();
    await this.options.replica.readIndex();
    const session = this.readySession();
    const { metadata } = this.options;
    let offline = 0;
    let underReplicated = 0;
    for (const topic of metadata.topics()) {
      for (const assignment of topic.partitions) {
        const state = session.table.get(topic.topicId, assignment.partition);
        const leader = state === undefined ? undefined : metadata.broker(state.leader);
        if (state === undefined || leader === undefined || leader.fenced) offline += 1;
        else if (state.isr.length < assignment.replicas.length) underReplicated += 1;
      }
    }
    return {
      clusterId: metadata.clusterId ?? '',
      controllerId: this.options.brokerId,
      controllerVoters: [...this.options.replica.status().membership.voters].sort((a, b) => a - b),
      brokers: metadata.brokers().map((broker) => ({
        id: broker.id,
        address: broker.address,
        alive: !broker.fenced,
      })),
      offlinePartitions: offline,
      underReplicatedPartitions: underReplicated,
    };
  }

  /**
   * One admin write: in the queue, validate (synchronously, against the applied state), propose
   * in the session's term, then answer from the applied state. A write that places `placing`
   * replicas per partition first waits (in a new session) until the leader knows which brokers
   * are live.
   */
  private write<T>(
    what: string,
    { placing }: { readonly placing: number },
    prepare: () => { readonly command: MetadataCommand; readonly answer: () => T },
  ): Promise<T> {
    const session = this.session;
    if (session?.ready !== true) return Promise.reject(this.notLeader());
    const settled = placing > 0 ? session.placementSettled(placing) : Promise.resolve();
    const result = settled.then(() =>
      this.queue.run(async () => {
        const current = this.readySession();
        const { command, answer } = prepare();
        await current.propose([command]);
        return answer();
      }),
    );
    return withTimeout(result, this.limits.adminTimeoutMs, this.options.scheduler, what);
  }

  private appliedTopic(name: string, topicId: string): TopicAssignment {
    const topic = this.options.metadata.topic(name);
    if (topic?.topicId !== topicId) {
      throw new BrookError('REQUEST_TIMED_OUT', `topic ${name} was not created; retry`);
    }
    return topic;
  }

  private currentTopic(name: string): TopicAssignment {
    const topic = this.options.metadata.topic(name);
    if (topic === undefined) {
      throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}`, {
        details: { topic: name },
      });
    }
    return topic;
  }
}

function notApplied(command: MetadataCommand): BrookError {
  return new BrookError('REQUEST_TIMED_OUT', `${command.type} was not applied; retry`);
}
