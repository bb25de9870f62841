// Original file: proto/brook/v1/admin.proto


/**
 * Configuration changes for a topic.
 */
export interface AlterTopicConfigRequest {
  /**
   * Topic name.
   */
  'name'?: (string);
  /**
   * Keys to set (override).
   */
  'set'?: ({[key: string]: string});
  /**
   * Keys to reset to their defaults.
   */
  'remove'?: (string)[];
}

/**
 * Configuration changes for a topic.
 */
export interface AlterTopicConfigRequest__Output {
  /**
   * Topic name.
   */
  'name': (string);
  /**
   * Keys to set (override).
   */
  'set': ({[key: string]: string});
  /**
   * Keys to reset to their defaults.
   */
  'remove': (string)[];
}
