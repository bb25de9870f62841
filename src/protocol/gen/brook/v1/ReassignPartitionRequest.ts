// Original file: proto/brook/v1/admin.proto


/**
 * A new replica set for one partition.
 */
export interface ReassignPartitionRequest {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Broker ids of the new replicas; the first is the preferred leader.
   */
  'replicas'?: (number)[];
}

/**
 * A new replica set for one partition.
 */
export interface ReassignPartitionRequest__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Broker ids of the new replicas; the first is the preferred leader.
   */
  'replicas': (number)[];
}
