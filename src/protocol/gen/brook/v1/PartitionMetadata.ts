// Original file: proto/brook/v1/data.proto


/**
 * One partition's leader and replicas.
 */
export interface PartitionMetadata {
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Broker id of the leader; -1 when there is none.
   */
  'leader'?: (number);
  /**
   * Broker ids of the replicas.
   */
  'replicas'?: (number)[];
  /**
   * The leader's epoch (Raft term).
   */
  'leaderEpoch'?: (number);
}

/**
 * One partition's leader and replicas.
 */
export interface PartitionMetadata__Output {
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Broker id of the leader; -1 when there is none.
   */
  'leader': (number);
  /**
   * Broker ids of the replicas.
   */
  'replicas': (number)[];
  /**
   * The leader's epoch (Raft term).
   */
  'leaderEpoch': (number);
}
