/**
 * The parts of one broker that need no network of their own, assembled over injected ports
 * (file system, clock, scheduler, randomness, the peer sender and the controller RPC client):
 * the controller group's replica over the metadata state machine, the replica manager, the
 * controller and heartbeat agent, and the broker's request layer. cluster-node.ts adds the
 * gRPC server and the peer transport; tests build it over an in-memory disk.
 *
 * Start order (after `open`, which loads meta.json and opens the controller replica): the
 * replica manager (reconcile, tick timer), then the controller and the heartbeat agent. A
 * cluster of one campaigns for its controller group at once, and `awaitSoloReady` waits until
 * it leads everything. Stop runs in reverse.
 *
 * Cluster id: meta.json learns it once from the metadata; a broker whose meta.json names
 * another cluster (or whom most controller voters refuse as from another cluster, `refused`)
 * reports the error through `failed`.
 *
 * Must not: read the wall clock or timers besides the injected ports, or leave anything
 * running when `stop` resolves.
 */
import { join } from 'node:path';
import { createRaftNode } from '../raft/index.js';
import { Replica } from '../replica/replica.js';
import { MiB } from '../util/limits.js';
import { asBrokerId } from '../util/brand.js';
import type { BrokerId } from '../util/brand.js';
import type { Clock, FileSystem, Logger, Random, Scheduler } from '../util/ports.js';
import { Broker, logConfigOf } from '../broker/broker.js';
import {
  effectiveConfig,
  topicDefaultsFrom,
  TOPIC_CONFIG_KEYS,
  validateOverrides,
} from '../broker/topic-config.js';
import { checkTopicName } from '../broker/topic-name.js';
import { waitFor } from '../broker/wait.js';
import { Controller } from '../cluster/controller.js';
import type { ControllerRpc } from '../cluster/controller-rpc.js';
import { HeartbeatAgent } from '../cluster/heartbeat-agent.js';
import { handOffLeadership } from '../cluster/leader-duties.js';
import { LeaderTableCache } from '../cluster/leader-table.js';
import { MetadataStateMachine } from '../cluster/metadata/state-machine.js';
import { groupTransport } from '../cluster/peer-network.js';
import type { PeerSender } from '../cluster/peer-network.js';
import { ReplicaManager } from '../cluster/replica-manager.js';
import { CONTROLLER_GROUP } from '../cluster/types.js';
import type { PeerAddress } from '../cluster/types.js';
import { loadBrokerMeta, otherClusterError, saveClusterId } from './broker-meta.js';
import type { BrokerMeta } from './broker-meta.js';
import type { BrokerConfig } from './config.js';

/** Entries a follower may have in flight per group, and their bytes. */
const INFLIGHT_MESSAGES_MAX = 64;
const INFLIGHT_BYTES_MAX = 8 * MiB;
/** How long a cluster of one waits at start to lead its controller group and partitions. */
export const SOLO_READY_WAIT_MS = 10_000;

export interface BrokerPorts {
  readonly fs: FileSystem;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly logger: Logger;
  /** Carries Raft messages to other brokers (cluster-node.ts: the gRPC peer transport). */
  readonly sender: PeerSender & { setClusterId(clusterId: string | null): void };
  readonly rpc: ControllerRpc;
  readonly newId: () => string;
}

/** The largest Raft append: below what a peer's gRPC server accepts in one request. */
export function messageBytesMaxFor(config: BrokerConfig): number {
  return Math.min(1 * MiB, Math.floor(config.limits.requestBytesMax / 2));
}

/** The controller voters: `peers`, or this broker alone. */
export function votersOf(config: BrokerConfig): PeerAddress[] {
  const self = asBrokerId(config.id);
  return [...(config.peers ?? [{ id: self, address: config.advertisedAddress ?? config.listen }])];
}

export class BrokerCore {
  readonly brokerId: BrokerId;
  /** No `peers`: a cluster of one, its own controller. */
  readonly solo: boolean;
  readonly leaderTable = new LeaderTableCache();
  readonly replicas: ReplicaManager;
  readonly controller: Controller;
  readonly agent: HeartbeatAgent;
  readonly broker: Broker;
  private readonly refusals = new Set<BrokerId>();
  private readonly cancels: (() => void)[] = [];
  private fail: (error: Error) => void = () => undefined;
  /** Resolves when the broker must stop on its own (another cluster's data). */
  readonly failed = new Promise<Error>((resolve) => {
    this.fail = resolve;
  });

  /** Loads meta.json and opens the controller replica (a cluster of one campaigns at once). */
  static async open(
    config: BrokerConfig,
    dataDirectory: string,
    ports: BrokerPorts,
  ): Promise<BrokerCore> {
    await ports.fs.makeDirectory(dataDirectory);
    const meta = await loadBrokerMeta(ports.fs, dataDirectory, config.id);
    ports.sender.setClusterId(meta.clusterId);
    const peers = votersOf(config);
    const metadata = new MetadataStateMachine();
    const replica = await Replica.open({
      fs: ports.fs,
      directory: join(dataDirectory, 'controller'),
      logger: ports.logger.child({ group: CONTROLLER_GROUP }),
      clock: ports.clock,
      id: asBrokerId(config.id),
      random: ports.random,
      raft: {
        electionTicks: config.timing.electionTicks,
        heartbeatTicks: config.timing.heartbeatTicks,
        preVote: true,
        checkQuorum: true,
        inflightMessagesMax: INFLIGHT_MESSAGES_MAX,
        inflightBytesMax: INFLIGHT_BYTES_MAX,
        messageBytesMax: messageBytesMaxFor(config),
      },
      initialMembership: { voters: peers.map((peer) => peer.id), learners: [] },
      transport: groupTransport(ports.sender, CONTROLLER_GROUP),
      stateMachine: metadata,
      createNode: createRaftNode,
    });
    if (config.peers === undefined) replica.campaign();
    return new BrokerCore(config, dataDirectory, ports, meta, peers, metadata, replica);
  }

  private constructor(
    private readonly config: BrokerConfig,
    private readonly dataDirectory: string,
    private readonly ports: BrokerPorts,
    private meta: BrokerMeta,
    readonly peers: PeerAddress[],
    readonly metadata: MetadataStateMachine,
    readonly controllerReplica: Replica,
  ) {
    this.brokerId = asBrokerId(config.id);
    this.solo = config.peers === undefined;
    const topicDefaults = topicDefaultsFrom(config.topicDefaults);
    this.replicas = this.buildReplicaManager(topicDefaults);
    this.replicas.attach(CONTROLLER_GROUP, controllerReplica);
    this.controller = this.buildController();
    this.broker = new Broker({
      brokerId: config.id,
      clock: ports.clock,
      logger: ports.logger,
      topicDefaults,
      limits: config.limits,
      autoCreateTopics: config.autoCreateTopics,
      defaultPartitions: config.defaultPartitions,
      defaultReplicationFactor: config.defaultReplicationFactor,
      metadata,
      admin: this.controller,
      replicas: this.replicas,
      leaders: this.leaderTable,
    });
    this.agent = new HeartbeatAgent({
      brokerId: this.brokerId,
      address: () => this.broker.advertisedAddress,
      peers,
      controller: this.controller,
      metadata,
      leadership: this.replicas,
      leaderTable: this.leaderTable,
      rpc: ports.rpc,
      clock: ports.clock,
      scheduler: ports.scheduler,
      logger: ports.logger.child({ component: 'heartbeat' }),
      timing: config.timing,
    });
  }

  private buildReplicaManager(topicDefaults: ReturnType<typeof topicDefaultsFrom>): ReplicaManager {
    const { config, ports } = this;
    return new ReplicaManager({
      brokerId: this.brokerId,
      dataDirectory: this.dataDirectory,
      fs: ports.fs,
      clock: ports.clock,
      scheduler: ports.scheduler,
      random: ports.random,
      logger: ports.logger,
      metadata: this.metadata,
      leaders: this.leaderTable,
      sender: ports.sender,
      timing: config.timing,
      raft: {
        inflightMessagesMax: INFLIGHT_MESSAGES_MAX,
        inflightBytesMax: INFLIGHT_BYTES_MAX,
        messageBytesMax: messageBytesMaxFor(config),
      },
      logConfigFor: (topic) => logConfigOf(effectiveConfig(topicDefaults, topic.configs)),
      onLeadershipGained: () => this.agent.nudge(),
      retentionCheckIntervalMs: config.retentionCheckIntervalMs,
    });
  }

  private buildController(): Controller {
    const { config, ports } = this;
    return new Controller({
      brokerId: this.brokerId,
      peers: this.peers,
      replica: this.controllerReplica,
      metadata: this.metadata,
      leaderTable: this.leaderTable,
      leadership: this.replicas,
      rpc: ports.rpc,
      clock: ports.clock,
      scheduler: ports.scheduler,
      logger: ports.logger.child({ component: 'controller' }),
      newId: ports.newId,
      topicRules: {
        checkName: checkTopicName,
        validateConfigs: validateOverrides,
        configKeys: TOPIC_CONFIG_KEYS,
      },
      topicDefaults: {
        partitions: config.defaultPartitions,
        replicationFactor: config.defaultReplicationFactor,
      },
      timing: config.timing,
    });
  }

  /**
   * Starts the replica manager, then the controller and the heartbeat agent; a cluster of one
   * then waits until it leads everything. `advertisedAddress` is where peers and clients reach
   * this broker (known once its listener is bound).
   */
  async start(advertisedAddress: string): Promise<void> {
    this.broker.advertisedAddress = advertisedAddress;
    if (this.solo) this.peers[0] = { id: this.brokerId, address: advertisedAddress };
    this.cancels.push(
      this.metadata.onChange((change) => {
        if (change.type === 'cluster') this.checkClusterId();
      }),
    );
    this.checkClusterId();
    await this.replicas.start();
    this.controller.start();
    // A cluster of one heartbeats itself: once its controller leads, the first heartbeat
    // registers it at once instead of after a NOT_LEADER backoff.
    if (this.solo) await waitFor(() => this.controller.isLeader(), SOLO_READY_WAIT_MS);
    this.agent.start();
    if (this.solo) await this.awaitSoloReady();
  }

  /**
   * A cluster of one: its controller leads (and so applied everything committed before), it is
   * registered, its replicas match the metadata, and it leads every partition it hosts.
   */
  private async awaitSoloReady(): Promise<void> {
    const met = await waitFor(() => {
      const registration = this.metadata.broker(this.brokerId);
      if (!this.controller.isLeader() || registration === undefined || registration.fenced) {
        return false;
      }
      if (!this.replicas.isSettled()) return false;
      return this.replicas.hostedPartitions().every((hosted) => {
        const status = hosted.replica.status();
        const sole = status.membership.voters.length === 1;
        return !sole || status.role === 'leader' || status.failure !== null;
      });
    }, SOLO_READY_WAIT_MS);
    if (!met) this.ports.logger.warn({}, 'this broker does not lead everything yet');
  }

  /** meta.json learns the cluster id once; another cluster's data is refused. */
  private checkClusterId(): void {
    const theirs = this.metadata.clusterId;
    if (theirs === null) return;
    const ours = this.meta.clusterId;
    if (ours === theirs) return;
    if (ours !== null) {
      this.fail(otherClusterError(this.dataDirectory, ours, theirs));
      return;
    }
    this.meta = { ...this.meta, clusterId: theirs };
    this.ports.sender.setClusterId(theirs);
    saveClusterId(this.ports.fs, this.dataDirectory, this.config.id, theirs).catch(
      (error: unknown) => {
        this.ports.logger.error({ err: error }, 'could not record the cluster id in meta.json');
      },
    );
    this.ports.logger.info({ clusterId: theirs }, 'joined the cluster');
  }

  /** The cluster id frames are checked against: the metadata's, else meta.json's. */
  clusterId(): string | null {
    return this.metadata.clusterId ?? this.meta.clusterId;
  }

  /** A peer refused our traffic as from another cluster: stop once most voters do. */
  refused(peer: BrokerId, theirs: string): void {
    const voters = this.peers.map((voter) => voter.id);
    if (!voters.includes(peer)) return;
    this.refusals.add(peer);
    if (this.refusals.size >= Math.floor(voters.length / 2) + 1) {
      this.fail(otherClusterError(this.dataDirectory, this.meta.clusterId ?? '(none)', theirs));
    }
  }

  /**
   * A clean shutdown's first step: the partitions and the controller group led here hand their
   * leadership over, and this waits (bounded) until they have.
   */
  async handOffLeadership(waitMs: number): Promise<void> {
    const partitionsDone = this.replicas.handOffLeadership();
    handOffLeadership(this.controllerReplica);
    const met = await waitFor(
      () => partitionsDone() && this.controllerReplica.status().role !== 'leader',
      waitMs,
    );
    if (!met) this.ports.logger.info({}, 'some leadership was not handed over before stopping');
  }

  /** Stops the control plane, the replicas, then the controller replica. */
  async stop(): Promise<void> {
    for (const cancel of this.cancels.splice(0)) cancel();
    this.agent.stop();
    this.controller.stop();
    this.broker.close();
    await this.replicas.stop();
    await this.controllerReplica.close();
  }
}
