// Original file: proto/brook/v1/admin.proto


/**
 * A topic to describe.
 */
export interface DescribeTopicRequest {
  /**
   * Topic name.
   */
  'name'?: (string);
}

/**
 * A topic to describe.
 */
export interface DescribeTopicRequest__Output {
  /**
   * Topic name.
   */
  'name': (string);
}
