// Original file: proto/brook/v1/admin.proto


/**
 * A new topic.
 */
export interface CreateTopicRequest {
  /**
   * Letters, digits, ".", "_" and "-"; at most 249 characters; not "." or "..".
   */
  'name'?: (string);
  /**
   * Number of partitions; 0 = the broker default (1).
   */
  'partitions'?: (number);
  /**
   * Replicas per partition; 0 = the broker default (1).
   */
  'replicationFactor'?: (number);
  /**
   * Topic configuration overrides, e.g. "retention.ms" -> "86400000". Unknown keys are refused.
   */
  'configs'?: ({[key: string]: string});
}

/**
 * A new topic.
 */
export interface CreateTopicRequest__Output {
  /**
   * Letters, digits, ".", "_" and "-"; at most 249 characters; not "." or "..".
   */
  'name': (string);
  /**
   * Number of partitions; 0 = the broker default (1).
   */
  'partitions': (number);
  /**
   * Replicas per partition; 0 = the broker default (1).
   */
  'replicationFactor': (number);
  /**
   * Topic configuration overrides, e.g. "retention.ms" -> "86400000". Unknown keys are refused.
   */
  'configs': ({[key: string]: string});
}
