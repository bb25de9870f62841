/**
 * An in-process controller cluster for integration tests: each broker has a real controller
 * Replica (Raft core, partition log on an in-memory disk) applying to a real
 * MetadataStateMachine, a Controller and a HeartbeatAgent. Raft messages and controller RPCs
 * travel through in-memory routes (RPCs through the proto mapping, as over gRPC); one manual
 * clock and scheduler drive everything, so a run is the same every time.
 */
import { Controller } from '../../../src/cluster/controller.js';
import {
  heartbeatFromProto,
  replyToProto,
  transferFromProto,
} from '../../../src/cluster/controller-rpc.js';
import type { ControllerRpc } from '../../../src/cluster/controller-rpc.js';
import { HeartbeatAgent } from '../../../src/cluster/heartbeat-agent.js';
import { LeaderTableCache } from '../../../src/cluster/leader-table.js';
import { MetadataStateMachine } from '../../../src/cluster/metadata/state-machine.js';
import { CONTROLLER_GROUP, DEFAULT_CLUSTER_TIMING } from '../../../src/cluster/types.js';
import type { PeerAddress } from '../../../src/cluster/types.js';
import { BrookError } from '../../../src/protocol/errors.js';
import type { BrokerHeartbeatRequest__Output } from '../../../src/protocol/gen/brook/internal/v1/BrokerHeartbeatRequest.js';
import type { TransferLeadershipRequest__Output } from '../../../src/protocol/gen/brook/internal/v1/TransferLeadershipRequest.js';
import { createRaftNode } from '../../../src/raft/index.js';
import type { Membership, Message, RaftConfig } from '../../../src/raft/types.js';
import { Replica } from '../../../src/replica/replica.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ManualScheduler } from '../../support/manual-scheduler.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { RecordingLeadership, flush } from './controller-harness.js';
import { TOPIC_RULES, b } from './fixtures.js';

const RAFT: Omit<RaftConfig, 'id' | 'random'> = {
  electionTicks: DEFAULT_CLUSTER_TIMING.electionTicks,
  heartbeatTicks: DEFAULT_CLUSTER_TIMING.heartbeatTicks,
  preVote: true,
  checkQuorum: true,
  inflightMessagesMax: 8,
  inflightBytesMax: 1 << 20,
  messageBytesMax: 1 << 18,
};

/** Simulated milliseconds per step of the cluster loop. */
const STEP_MS = 10;

export interface ClusterNode {
  readonly id: BrokerId;
  readonly address: string;
  readonly machine: MetadataStateMachine;
  readonly cache: LeaderTableCache;
  readonly leadership: RecordingLeadership;
  replica: Replica;
  controller: Controller;
  agent: HeartbeatAgent;
  up: boolean;
  /** Metadata changes this node's listeners heard, by type. */
  readonly heard: string[];
}

export class ControllerCluster {
  readonly clock = new ManualClock();
  readonly scheduler = new ManualScheduler(this.clock);
  readonly nodes = new Map<number, ClusterNode>();
  readonly peers: PeerAddress[];
  private readonly random: SeededRandom;
  private readonly cancelTicks: () => void;

  constructor(
    readonly voters: number[],
    seed = 42,
  ) {
    this.random = new SeededRandom(seed);
    this.peers = voters.map((id) => ({ id: b(id), address: addressOf(id) }));
    this.cancelTicks = this.scheduler.every(DEFAULT_CLUSTER_TIMING.tickMs, () => {
      for (const node of this.nodes.values()) if (node.up) node.replica.tick();
    });
  }

  async addBroker(id: number): Promise<ClusterNode> {
    const voterIds = this.voters.map(b);
    const membership: Membership = this.voters.includes(id)
      ? { voters: voterIds, learners: [] }
      : { voters: voterIds, learners: [b(id)] };
    const machine = new MetadataStateMachine();
    const heard: string[] = [];
    machine.onChange((change) => heard.push(change.type));
    const replica = await Replica.open({
      fs: new MemoryFileSystem(this.random.fork()),
      directory: `/data/${CONTROLLER_GROUP}`,
      logger: silentLogger,
      clock: this.clock,
      id: b(id),
      random: this.random.fork(),
      raft: RAFT,
      initialMembership: membership,
      transport: { send: (message, payload) => this.deliver(id, message, payload) },
      stateMachine: machine,
      createNode: createRaftNode,
    });
    const cache = new LeaderTableCache();
    const leadership = new RecordingLeadership();
    const rpc = this.rpcFor();
    let ids = 0;
    const controller = new Controller({
      brokerId: b(id),
      peers: this.peers,
      replica,
      metadata: machine,
      leaderTable: cache,
      leadership,
      rpc,
      clock: this.clock,
      scheduler: this.scheduler,
      logger: silentLogger,
      newId: () => `broker${id}-id${++ids}`,
      topicRules: TOPIC_RULES,
      timing: DEFAULT_CLUSTER_TIMING,
    });
    const agent = new HeartbeatAgent({
      brokerId: b(id),
      address: () => addressOf(id),
      peers: this.peers,
      controller,
      metadata: machine,
      leadership,
      leaderTable: cache,
      rpc,
      clock: this.clock,
      scheduler: this.scheduler,
      logger: silentLogger,
      timing: DEFAULT_CLUSTER_TIMING,
    });
    const node: ClusterNode = {
      id: b(id),
      address: addressOf(id),
      machine,
      cache,
      leadership,
      replica,
      controller,
      agent,
      up: true,
      heard,
    };
    this.nodes.set(id, node);
    controller.start();
    agent.start();
    return node;
  }

  /** Power loss of one broker: its replica halts, its controller and agent stop. */
  crash(id: number): void {
    const node = this.node(id);
    node.up = false;
    node.replica.halt();
    node.controller.stop();
    node.agent.stop();
  }

  node(id: number): ClusterNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  leader(): ClusterNode | undefined {
    return [...this.nodes.values()].find((node) => node.up && node.controller.isLeader());
  }

  /** Steps simulated time until `done()` or `maxMs` passed; returns whether it is done. */
  async runUntil(done: () => boolean, maxMs = 20_000): Promise<boolean> {
    for (let passed = 0; passed <= maxMs; passed += STEP_MS) {
      if (done()) return true;
      this.scheduler.advance(STEP_MS);
      await flush(3);
    }
    return done();
  }

  async run(ms: number): Promise<void> {
    await this.runUntil(() => false, ms);
  }

  /** Runs the cluster until `promise` settles; returns its outcome. */
  async settle<T>(promise: Promise<T>, maxMs = 20_000): Promise<PromiseSettledResult<T>> {
    let outcome: PromiseSettledResult<T> | undefined;
    promise.then(
      (value) => (outcome = { status: 'fulfilled', value }),
      (reason: unknown) => (outcome = { status: 'rejected', reason }),
    );
    await this.runUntil(() => outcome !== undefined, maxMs);
    if (outcome === undefined) throw new Error('the operation did not settle');
    return outcome;
  }

  async close(): Promise<void> {
    this.cancelTicks();
    for (const node of this.nodes.values()) {
      if (!node.up) continue;
      node.controller.stop();
      node.agent.stop();
      await node.replica.close();
    }
  }

  private deliver(from: number, message: Message, payload: Uint8Array | null): void {
    const copy = payload === null ? null : Uint8Array.from(payload);
    setImmediate(() => {
      const target = this.nodes.get(message.to);
      if (target?.up !== true || this.nodes.get(from)?.up !== true) return;
      target.replica.receive(message, copy);
    });
  }

  private rpcFor(): ControllerRpc {
    const reach = (address: string): ClusterNode => {
      const node = [...this.nodes.values()].find((candidate) => candidate.address === address);
      if (node?.up !== true) throw new BrookError('BROKER_UNAVAILABLE', `${address} is down`);
      return node;
    };
    // Answers arrive on a later turn, as over a network.
    const later = <T>(run: () => T): Promise<T> =>
      new Promise((resolve, reject) =>
        setImmediate(() => {
          try {
            resolve(run());
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
    return {
      heartbeat: (address, request) =>
        later(() => {
          const heartbeat = heartbeatFromProto(request as BrokerHeartbeatRequest__Output);
          return replyToProto(reach(address).controller.handleHeartbeat(heartbeat)) as never;
        }),
      transferLeadership: (address, request) =>
        later(() => {
          const transfer = transferFromProto(request as TransferLeadershipRequest__Output);
          return reach(address).controller.handleTransferLeadership(transfer);
        }),
    };
  }
}

export function addressOf(id: number): string {
  return `broker-${id}:9092`;
}
