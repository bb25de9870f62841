// Original file: proto/brook/v1/admin.proto

import type { BrokerStatus as _brook_v1_BrokerStatus, BrokerStatus__Output as _brook_v1_BrokerStatus__Output } from '../../brook/v1/BrokerStatus.js';

/**
 * The cluster.
 */
export interface DescribeClusterResponse {
  /**
   * The cluster's id.
   */
  'clusterId'?: (string);
  /**
   * Broker id of the controller leader; -1 when there is none.
   */
  'controllerId'?: (number);
  /**
   * Brokers.
   */
  'brokers'?: (_brook_v1_BrokerStatus)[];
  /**
   * Partitions with no leader.
   */
  'offlinePartitions'?: (number);
  /**
   * Partitions whose in-sync replicas are fewer than their replicas.
   */
  'underReplicatedPartitions'?: (number);
  /**
   * Broker ids of the controller voters.
   */
  'controllerVoters'?: (number)[];
}

/**
 * The cluster.
 */
export interface DescribeClusterResponse__Output {
  /**
   * The cluster's id.
   */
  'clusterId': (string);
  /**
   * Broker id of the controller leader; -1 when there is none.
   */
  'controllerId': (number);
  /**
   * Brokers.
   */
  'brokers': (_brook_v1_BrokerStatus__Output)[];
  /**
   * Partitions with no leader.
   */
  'offlinePartitions': (number);
  /**
   * Partitions whose in-sync replicas are fewer than their replicas.
   */
  'underReplicatedPartitions': (number);
  /**
   * Broker ids of the controller voters.
   */
  'controllerVoters': (number)[];
}
