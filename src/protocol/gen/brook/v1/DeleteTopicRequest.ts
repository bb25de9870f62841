// Original file: proto/brook/v1/admin.proto


/**
 * A topic to delete.
 */
export interface DeleteTopicRequest {
  /**
   * Topic name.
   */
  'name'?: (string);
}

/**
 * A topic to delete.
 */
export interface DeleteTopicRequest__Output {
  /**
   * Topic name.
   */
  'name': (string);
}
