// Original file: proto/brook/v1/admin.proto


/**
 * More partitions for a topic.
 */
export interface CreatePartitionsRequest {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * The new total number of partitions; must be larger than the current one.
   */
  'count'?: (number);
}

/**
 * More partitions for a topic.
 */
export interface CreatePartitionsRequest__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * The new total number of partitions; must be larger than the current one.
   */
  'count': (number);
}
