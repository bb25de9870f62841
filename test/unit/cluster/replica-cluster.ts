/**
 * Several replica managers in one process, for the replica manager's tests: each broker has its
 * own in-memory disk; they share one fake metadata view (the controller's replication of it is
 * not under test here), one manual clock and scheduler (ticks run when the test advances time),
 * and an in-memory network that carries every Raft message through its protobuf wire form.
 */
import { decodeRaftMessage } from '../../../src/cluster/peer-codec.js';
import type {
  GroupRouter,
  PeerSender,
  QuiescedLeadership,
} from '../../../src/cluster/peer-network.js';
import type { PeerRouter } from '../../../src/server/peer-service.js';
import { ReplicaManager } from '../../../src/cluster/replica-manager.js';
import { DEFAULT_CLUSTER_TIMING, partitionGroupId } from '../../../src/cluster/types.js';
import type {
  BrokerRegistration,
  MetadataChange,
  MetadataView,
  PartitionState,
  TopicAssignment,
} from '../../../src/cluster/types.js';
import { loadPeerProto } from '../../../src/protocol/peer-grpc.js';
import type { PeerItem } from '../../../src/protocol/peer-grpc.js';
import { asBrokerId } from '../../../src/util/brand.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { KiB, MiB } from '../../../src/util/limits.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ManualScheduler } from '../../support/manual-scheduler.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';

export const TICK_MS = DEFAULT_CLUSTER_TIMING.tickMs;

/** The applied metadata, changed by the test as a controller would. */
export class FakeMetadata implements MetadataView {
  readonly clusterId = 'cluster-1';
  appliedOffset = 0;
  private readonly byName = new Map<string, TopicAssignment>();
  private readonly listeners = new Set<(change: MetadataChange) => void>();
  private readonly registered: BrokerRegistration[] = [];

  constructor(brokerIds: readonly number[]) {
    for (const id of brokerIds) {
      this.registered.push({ id: asBrokerId(id), address: `broker-${id}:9092`, fenced: false });
    }
  }

  brokers(): readonly BrokerRegistration[] {
    return this.registered;
  }
  broker(id: BrokerId): BrokerRegistration | undefined {
    return this.registered.find((broker) => broker.id === id);
  }
  topics(): readonly TopicAssignment[] {
    return [...this.byName.values()];
  }
  topic(name: string): TopicAssignment | undefined {
    return this.byName.get(name);
  }
  topicById(topicId: string): TopicAssignment | undefined {
    return this.topics().find((topic) => topic.topicId === topicId);
  }
  onChange(listener: (change: MetadataChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  createTopic(
    name: string,
    topicId: string,
    replicaSets: readonly (readonly number[])[],
    configs: Record<string, string> = {},
  ): TopicAssignment {
    const topic: TopicAssignment = {
      name,
      topicId,
      replicationFactor: replicaSets[0]?.length ?? 1,
      configs,
      partitions: replicaSets.map((replicas, partition) => ({
        partition,
        replicas: replicas.map(asBrokerId),
      })),
      createdAtMs: 0,
    };
    this.byName.set(name, topic);
    this.emit({ type: 'topicCreated', topic });
    return topic;
  }

  deleteTopic(name: string): void {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new Error(`no topic ${name}`);
    this.byName.delete(name);
    this.emit({ type: 'topicDeleted', name, topicId: topic.topicId });
  }

  reassign(name: string, partition: number, replicas: readonly number[]): void {
    const topic = this.byName.get(name);
    if (topic === undefined) throw new Error(`no topic ${name}`);
    const changed: TopicAssignment = {
      ...topic,
      partitions: topic.partitions.map((assignment) =>
        assignment.partition === partition
          ? {
              partition,
              replicas: replicas.map(asBrokerId),
              initialReplicas: assignment.initialReplicas ?? assignment.replicas,
            }
          : assignment,
      ),
    };
    this.byName.set(name, changed);
    this.emit({ type: 'topicChanged', topic: changed });
  }

  private emit(change: MetadataChange): void {
    this.appliedOffset += 1;
    for (const listener of this.listeners) listener(change);
  }
}

/** Carries items between brokers through their protobuf form; brokers can be cut off. */
export class MemoryNetwork {
  private readonly routers = new Map<number, GroupRouter & PeerRouter>();
  private readonly isolated = new Set<number>();
  private readonly method = loadPeerProto().proto.brook.internal.v1.PeerService.service.Replicate;
  delivered = 0;
  /** Liveness frames delivered, and the quiesced groups they named. */
  livenessFrames = 0;
  quiescedNamed = 0;
  private readonly incarnations = new Map<number, number>();

  register(id: number, router: GroupRouter & PeerRouter): void {
    this.routers.set(id, router);
  }

  isolate(id: number): void {
    this.isolated.add(id);
  }

  heal(id: number): void {
    this.isolated.delete(id);
  }

  /** A broker's sender; a new one (a restarted process) has a new incarnation. */
  sender(from: number): PeerSender {
    this.incarnations.set(from, (this.incarnations.get(from) ?? 0) + 1);
    return {
      send: (to, item) => this.send(from, to, item),
      sendLiveness: (to, quiesced) => this.sendLiveness(from, to, quiesced),
    };
  }

  private incarnationOf(from: number): number {
    return this.incarnations.get(from) ?? 0;
  }

  private sendLiveness(from: number, to: BrokerId, quiesced: QuiescedLeadership[]): void {
    if (this.isolated.has(from) || this.isolated.has(to)) return;
    const bytes = this.method.requestSerialize({
      fromBroker: from,
      clusterId: 'cluster-1',
      messages: [],
      quiescedLeaders: quiesced,
    });
    setImmediate(() => {
      if (this.isolated.has(from) || this.isolated.has(to)) return;
      const frame = this.method.requestDeserialize(bytes);
      const router = this.routers.get(to);
      this.livenessFrames += 1;
      router?.heardFrom(from, this.incarnationOf(from));
      for (const entry of frame.quiescedLeaders) {
        this.quiescedNamed += 1;
        router?.leaderAlive(entry.group, from, entry.term);
      }
    });
  }

  private send(from: number, to: BrokerId, item: PeerItem): void {
    if (this.isolated.has(from) || this.isolated.has(to)) return;
    const bytes = this.method.requestSerialize({
      fromBroker: from,
      clusterId: 'cluster-1',
      messages: [
        {
          group: item.group,
          message: item.message,
          ...(item.payload === null ? {} : { payload: item.payload }),
        },
      ],
    });
    setImmediate(() => {
      if (this.isolated.has(from) || this.isolated.has(to)) return;
      const frame = this.method.requestDeserialize(bytes);
      this.routers.get(to)?.heardFrom(from, this.incarnationOf(from));
      for (const received of frame.messages) {
        const message = decodeRaftMessage(received.message);
        if (message === null) throw new Error('a message did not survive the wire');
        const payload = received.payload.length === 0 ? null : received.payload;
        this.delivered += 1;
        this.routers.get(to)?.deliver(received.group, message, payload);
      }
    });
  }
}

export interface TestBroker {
  readonly id: number;
  fs: MemoryFileSystem;
  manager: ReplicaManager;
}

/** Log settings from the few topic configs the tests use. */
function logConfigOf(topic: TopicAssignment): { segmentBytes?: number; retentionMs?: number } {
  const segment = topic.configs['segment.bytes'];
  const retention = topic.configs['retention.ms'];
  return {
    ...(segment === undefined ? {} : { segmentBytes: Number(segment) }),
    retentionMs: retention === undefined ? -1 : Number(retention),
  };
}

export class ReplicaCluster {
  readonly clock = new ManualClock();
  readonly scheduler = new ManualScheduler(this.clock);
  readonly network = new MemoryNetwork();
  readonly metadata: FakeMetadata;
  readonly brokers = new Map<number, TestBroker>();

  constructor(readonly ids: readonly number[]) {
    this.metadata = new FakeMetadata(ids);
  }

  async start(): Promise<void> {
    for (const id of this.ids) {
      const fs = new MemoryFileSystem(new SeededRandom(id));
      this.brokers.set(id, { id, fs, manager: await this.startManager(id, fs) });
    }
  }

  async startManager(id: number, fs: MemoryFileSystem): Promise<ReplicaManager> {
    const manager = new ReplicaManager({
      brokerId: asBrokerId(id),
      dataDirectory: '/data',
      fs,
      clock: this.clock,
      scheduler: this.scheduler,
      random: new SeededRandom(100 + id),
      logger: silentLogger,
      metadata: this.metadata,
      leaders: { get: (topicId, partition) => this.leaderState(topicId, partition) },
      sender: this.network.sender(id),
      timing: DEFAULT_CLUSTER_TIMING,
      raft: { inflightMessagesMax: 8, inflightBytesMax: 1 * MiB, messageBytesMax: 256 * KiB },
      logConfigFor: logConfigOf,
      retentionCheckIntervalMs: 0,
    });
    this.network.register(id, manager);
    await manager.start();
    return manager;
  }

  /** Stops a broker's manager, then starts a new one on its disk after a process crash. */
  async restart(id: number): Promise<void> {
    const broker = this.broker(id);
    await broker.manager.stop();
    broker.fs = broker.fs.restart();
    broker.manager = await this.startManager(id, broker.fs);
  }

  broker(id: number): TestBroker {
    const broker = this.brokers.get(id);
    if (broker === undefined) throw new Error(`no broker ${id}`);
    return broker;
  }

  /** Lets every pending I/O and message settle (no time passes). */
  async settle(rounds = 20): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Moves time forward tick by tick, settling in between. */
  async run(ms: number): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += TICK_MS) {
      this.scheduler.advance(TICK_MS);
      await this.settle(5);
    }
  }

  /** Runs until `condition` holds (or fails after `timeMs` of simulated time). */
  async runUntil(what: string, condition: () => boolean, timeMs = 20_000): Promise<void> {
    await this.settle();
    for (let elapsed = 0; !condition(); elapsed += TICK_MS) {
      if (elapsed > timeMs) throw new Error(`not reached in ${timeMs} simulated ms: ${what}`);
      await this.run(TICK_MS);
    }
  }

  /** The partition's state as its leader reports it (the controller's leader table). */
  leaderState(topicId: string, partition: number): PartitionState | undefined {
    for (const broker of this.brokers.values()) {
      const state = broker.manager.stateOf(topicId, partition);
      if (state !== undefined) return state;
    }
    return undefined;
  }

  /** The broker whose replica leads the partition, if any. */
  leaderOf(topicId: string, partition: number): number | null {
    for (const [id, broker] of this.brokers) {
      const hosted = broker.manager.partition(topicId, partition);
      if (hosted?.isLeader() === true) return id;
    }
    return null;
  }

  group(topicId: string, partition: number): string {
    return partitionGroupId(topicId, partition);
  }

  async stop(): Promise<void> {
    for (const broker of this.brokers.values()) await broker.manager.stop();
  }
}
