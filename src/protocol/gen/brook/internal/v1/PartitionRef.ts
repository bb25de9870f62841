// Original file: proto/brook/internal/v1/controller.proto


/**
 * Names one partition.
 */
export interface PartitionRef {
  /**
   * Id of the topic.
   */
  'topicId'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
}

/**
 * Names one partition.
 */
export interface PartitionRef__Output {
  /**
   * Id of the topic.
   */
  'topicId': (string);
  /**
   * Partition number.
   */
  'partition': (number);
}
