// Original file: proto/brook/internal/v1/controller.proto

import type { LeaderPartitionState as _brook_internal_v1_LeaderPartitionState, LeaderPartitionState__Output as _brook_internal_v1_LeaderPartitionState__Output } from '../../../brook/internal/v1/LeaderPartitionState.js';
import type { PartitionRef as _brook_internal_v1_PartitionRef, PartitionRef__Output as _brook_internal_v1_PartitionRef__Output } from '../../../brook/internal/v1/PartitionRef.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The controller leader's answer.
 */
export interface BrokerHeartbeatResponse {
  /**
   * Broker id of the controller leader that answered.
   */
  'controllerId'?: (number);
  /**
   * The cluster id (empty only before the cluster is initialised).
   */
  'clusterId'?: (string);
  /**
   * Epoch of the leader table in this answer (the controller leader's Raft term).
   */
  'leaderTableEpoch'?: (number | string | Long);
  /**
   * Version of the leader table after applying this answer.
   */
  'leaderTableVersion'?: (number | string | Long);
  /**
   * True: `changed` is the whole table and replaces what the broker holds; `removed` is empty.
   */
  'full'?: (boolean);
  /**
   * Entries that are new or changed since the broker's version.
   */
  'changed'?: (_brook_internal_v1_LeaderPartitionState)[];
  /**
   * Entries removed since the broker's version.
   */
  'removed'?: (_brook_internal_v1_PartitionRef)[];
}

/**
 * The controller leader's answer.
 */
export interface BrokerHeartbeatResponse__Output {
  /**
   * Broker id of the controller leader that answered.
   */
  'controllerId': (number);
  /**
   * The cluster id (empty only before the cluster is initialised).
   */
  'clusterId': (string);
  /**
   * Epoch of the leader table in this answer (the controller leader's Raft term).
   */
  'leaderTableEpoch': (number);
  /**
   * Version of the leader table after applying this answer.
   */
  'leaderTableVersion': (number);
  /**
   * True: `changed` is the whole table and replaces what the broker holds; `removed` is empty.
   */
  'full': (boolean);
  /**
   * Entries that are new or changed since the broker's version.
   */
  'changed': (_brook_internal_v1_LeaderPartitionState__Output)[];
  /**
   * Entries removed since the broker's version.
   */
  'removed': (_brook_internal_v1_PartitionRef__Output)[];
}
