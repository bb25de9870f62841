/**
 * One controller over a scripted replica (fake-controller-replica.ts), a manual clock and
 * scheduler, a recording RPC port and a recording partition-leadership port: enough to test
 * the controller's decisions (registration, fencing, learners, admin validation, balancing)
 * without a Raft group.
 */
import { Controller } from '../../../src/cluster/controller.js';
import type { ControllerLimits } from '../../../src/cluster/controller-options.js';
import type { BrokerHeartbeat, ControllerRpc } from '../../../src/cluster/controller-rpc.js';
import { LeaderTableCache } from '../../../src/cluster/leader-table.js';
import { MetadataStateMachine } from '../../../src/cluster/metadata/state-machine.js';
import { DEFAULT_CLUSTER_TIMING } from '../../../src/cluster/types.js';
import type {
  PartitionLeadership,
  PartitionState,
  PeerAddress,
} from '../../../src/cluster/types.js';
import type { BrokerHeartbeatRequest } from '../../../src/protocol/gen/brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse__Output } from '../../../src/protocol/gen/brook/internal/v1/BrokerHeartbeatResponse.js';
import type { TransferLeadershipRequest } from '../../../src/protocol/gen/brook/internal/v1/TransferLeadershipRequest.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ManualScheduler } from '../../support/manual-scheduler.js';
import { FakeControllerReplica } from './fake-controller-replica.js';
import { TOPIC_RULES, b } from './fixtures.js';

export const PEERS: PeerAddress[] = [1, 2, 3].map((id) => ({ id: b(id), address: `p${id}:9000` }));

/** Lets promise chains (proposals, queue hops) run to completion. */
export async function flush(rounds = 10): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class RecordingRpc implements ControllerRpc {
  readonly heartbeats: { address: string; request: BrokerHeartbeatRequest }[] = [];
  readonly transfers: { address: string; request: TransferLeadershipRequest }[] = [];
  /** Answers heartbeats sent to an address; default: unreachable. */
  readonly heartbeatHandlers = new Map<
    string,
    (request: BrokerHeartbeatRequest) => Promise<BrokerHeartbeatResponse__Output>
  >();

  heartbeat(
    address: string,
    request: BrokerHeartbeatRequest,
  ): Promise<BrokerHeartbeatResponse__Output> {
    this.heartbeats.push({ address, request });
    const handler = this.heartbeatHandlers.get(address);
    if (handler === undefined) return Promise.reject(new Error(`${address} unreachable`));
    return handler(request);
  }

  transferLeadership(
    address: string,
    request: TransferLeadershipRequest,
  ): Promise<{ accepted: boolean; reason: string }> {
    this.transfers.push({ address, request });
    return Promise.resolve({ accepted: true, reason: '' });
  }
}

export class RecordingLeadership implements PartitionLeadership {
  states: PartitionState[] = [];
  readonly transfers: { topicId: string; partition: number; target: BrokerId }[] = [];
  partitionStates(): readonly PartitionState[] {
    return this.states;
  }
  transfer(
    topicId: string,
    partition: number,
    target: BrokerId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string } {
    this.transfers.push({ topicId, partition, target });
    return { ok: true };
  }
}

export interface ControllerHarness {
  readonly clock: ManualClock;
  readonly scheduler: ManualScheduler;
  readonly machine: MetadataStateMachine;
  readonly replica: FakeControllerReplica;
  readonly cache: LeaderTableCache;
  readonly rpc: RecordingRpc;
  readonly leadership: RecordingLeadership;
  readonly controller: Controller;
  /** Moves time and lets what it triggered finish. */
  advance(ms: number): Promise<void>;
  heartbeat(id: number, partitions?: PartitionState[], address?: string): BrokerHeartbeat;
}

export function controllerHarness(limits: Partial<ControllerLimits> = {}): ControllerHarness {
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const machine = new MetadataStateMachine();
  const replica = new FakeControllerReplica(b(1), machine);
  const cache = new LeaderTableCache();
  const rpc = new RecordingRpc();
  const leadership = new RecordingLeadership();
  let ids = 0;
  const controller = new Controller({
    brokerId: b(1),
    peers: PEERS,
    replica,
    metadata: machine,
    leaderTable: cache,
    leadership,
    rpc,
    clock,
    scheduler,
    logger: silentLogger,
    newId: () => `id-${++ids}`,
    topicRules: TOPIC_RULES,
    timing: DEFAULT_CLUSTER_TIMING,
    limits,
  });
  const advance = async (ms: number): Promise<void> => {
    const stepMs = 50;
    for (let passed = 0; passed < ms; passed += stepMs) {
      scheduler.advance(Math.min(stepMs, ms - passed));
      await flush(2);
    }
    await flush();
  };
  const heartbeat = (id: number, partitions: PartitionState[] = [], address = `h${id}:9092`) => ({
    broker: b(id),
    address,
    clusterId: machine.clusterId,
    partitions,
    seen: { epoch: 0, version: 0 },
  });
  return {
    clock,
    scheduler,
    machine,
    replica,
    cache,
    rpc,
    leadership,
    controller,
    advance,
    heartbeat,
  };
}

/** A harness whose controller leads (term 1), is ready, and knows brokers `ids`. */
export async function leadingHarness(
  ids: number[] = [1, 2, 3],
  limits: Partial<ControllerLimits> = {},
): Promise<ControllerHarness> {
  const harness = controllerHarness(limits);
  harness.replica.lead(1);
  harness.controller.start();
  await flush();
  for (const id of ids) harness.controller.handleHeartbeat(harness.heartbeat(id));
  await flush();
  return harness;
}
