/**
 * The controller's RPCs as the cluster layer sees them: the port through which a broker reaches
 * another broker's ControllerService (runtime/controller-client.ts implements it over gRPC;
 * tests route it in memory), the domain shapes of its messages, and their mapping to and from
 * the generated proto types (proto/brook/internal/v1/controller.proto).
 *
 * Errors: a failed call rejects with a BrookError (runtime maps the status back with
 * `fromServiceError`); NOT_LEADER carries the controller leader's id in `details.leader`.
 *
 * Must not: import grpc-js (only runtime/ and server/ do).
 */
import type { BrokerHeartbeatRequest } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatRequest__Output } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatRequest.js';
import type { BrokerHeartbeatResponse } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatResponse.js';
import type { BrokerHeartbeatResponse__Output } from '../protocol/gen/brook/internal/v1/BrokerHeartbeatResponse.js';
import type {
  LeaderPartitionState,
  LeaderPartitionState__Output,
} from '../protocol/gen/brook/internal/v1/LeaderPartitionState.js';
import type { TransferLeadershipRequest } from '../protocol/gen/brook/internal/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipRequest__Output } from '../protocol/gen/brook/internal/v1/TransferLeadershipRequest.js';
import type { TransferLeadershipResponse__Output } from '../protocol/gen/brook/internal/v1/TransferLeadershipResponse.js';
import { BrookError } from '../protocol/errors.js';
import { asBrokerId } from '../util/brand.js';
import type { BrokerId } from '../util/brand.js';
import type { LeaderTableDelta, TableVersion } from './leader-table.js';
import type { PartitionState } from './types.js';

export interface BrokerHeartbeat {
  readonly broker: BrokerId;
  readonly address: string;
  readonly clusterId: string | null;
  /** Every partition whose replica on the sender leads. */
  readonly partitions: readonly PartitionState[];
  /** The leader table version the sender holds. */
  readonly seen: TableVersion;
}

export interface HeartbeatReply {
  readonly controllerId: BrokerId;
  readonly clusterId: string | null;
  readonly table: LeaderTableDelta;
}

export interface LeadershipTransfer {
  readonly topicId: string;
  readonly partition: number;
  readonly target: BrokerId;
  readonly controllerId: BrokerId;
}

export interface LeadershipTransferReply {
  readonly accepted: boolean;
  readonly reason: string;
}

/** One broker's client of other brokers' ControllerService. */
export interface ControllerRpc {
  heartbeat(
    address: string,
    request: BrokerHeartbeatRequest,
    timeoutMs: number,
  ): Promise<BrokerHeartbeatResponse__Output>;
  transferLeadership(
    address: string,
    request: TransferLeadershipRequest,
    timeoutMs: number,
  ): Promise<TransferLeadershipResponse__Output>;
}

// ---- mapping ----

function brokerId(value: number, field: string): BrokerId {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new BrookError('INVALID_REQUEST', `${field} ${value} is not a broker id`);
  }
  return asBrokerId(value);
}

function stateToProto(state: PartitionState): LeaderPartitionState {
  return {
    topicId: state.topicId,
    topic: state.topic,
    partition: state.partition,
    leader: state.leader,
    leaderEpoch: state.leaderEpoch,
    replicas: [...state.replicas],
    isr: [...state.isr],
    highWatermark: state.highWatermark,
    logStartOffset: state.logStartOffset,
    sizeBytes: state.sizeBytes,
  };
}

function stateFromProto(state: LeaderPartitionState__Output): PartitionState {
  return {
    topicId: state.topicId,
    topic: state.topic,
    partition: state.partition,
    leader: brokerId(state.leader, 'leader'),
    leaderEpoch: state.leaderEpoch,
    replicas: state.replicas.map((id) => brokerId(id, 'replica')),
    isr: state.isr.map((id) => brokerId(id, 'isr')),
    highWatermark: state.highWatermark,
    logStartOffset: state.logStartOffset,
    sizeBytes: state.sizeBytes,
  };
}

export function heartbeatToProto(heartbeat: BrokerHeartbeat): BrokerHeartbeatRequest {
  return {
    brokerId: heartbeat.broker,
    address: heartbeat.address,
    clusterId: heartbeat.clusterId ?? '',
    partitions: heartbeat.partitions.map(stateToProto),
    leaderTableEpoch: heartbeat.seen.epoch,
    leaderTableVersion: heartbeat.seen.version,
  };
}

export function heartbeatFromProto(request: BrokerHeartbeatRequest__Output): BrokerHeartbeat {
  if (request.address === '') throw new BrookError('INVALID_REQUEST', 'heartbeat without address');
  return {
    broker: brokerId(request.brokerId, 'broker id'),
    address: request.address,
    clusterId: request.clusterId === '' ? null : request.clusterId,
    partitions: request.partitions.map(stateFromProto),
    seen: { epoch: request.leaderTableEpoch, version: request.leaderTableVersion },
  };
}

export function replyToProto(reply: HeartbeatReply): BrokerHeartbeatResponse {
  return {
    controllerId: reply.controllerId,
    clusterId: reply.clusterId ?? '',
    leaderTableEpoch: reply.table.epoch,
    leaderTableVersion: reply.table.version,
    full: reply.table.full,
    changed: reply.table.changed.map(stateToProto),
    removed: reply.table.removed.map((key) => ({ ...key })),
  };
}

export function replyFromProto(response: BrokerHeartbeatResponse__Output): HeartbeatReply {
  return {
    controllerId: brokerId(response.controllerId, 'controller id'),
    clusterId: response.clusterId === '' ? null : response.clusterId,
    table: {
      epoch: response.leaderTableEpoch,
      version: response.leaderTableVersion,
      full: response.full,
      changed: response.changed.map(stateFromProto),
      removed: response.removed.map((key) => ({
        topicId: key.topicId,
        partition: key.partition,
      })),
    },
  };
}

export function transferToProto(transfer: LeadershipTransfer): TransferLeadershipRequest {
  return { ...transfer };
}

export function transferFromProto(request: TransferLeadershipRequest__Output): LeadershipTransfer {
  return {
    topicId: request.topicId,
    partition: request.partition,
    target: brokerId(request.target, 'target'),
    controllerId: brokerId(request.controllerId, 'controller id'),
  };
}

/** The controller leader named in a NOT_LEADER error, when it names one. */
export function leaderHintOf(error: unknown): BrokerId | null {
  if (!(error instanceof BrookError) || error.code !== 'NOT_LEADER') return null;
  const hint = error.details['leader'];
  if (hint === undefined || !/^\d+$/.test(hint)) return null;
  return asBrokerId(Number(hint));
}
