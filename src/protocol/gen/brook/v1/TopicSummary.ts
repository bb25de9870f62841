// Original file: proto/brook/v1/admin.proto


/**
 * A topic's name and size.
 */
export interface TopicSummary {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * Number of partitions.
   */
  'partitions'?: (number);
  /**
   * Replicas per partition.
   */
  'replicationFactor'?: (number);
}

/**
 * A topic's name and size.
 */
export interface TopicSummary__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * Number of partitions.
   */
  'partitions': (number);
  /**
   * Replicas per partition.
   */
  'replicationFactor': (number);
}
