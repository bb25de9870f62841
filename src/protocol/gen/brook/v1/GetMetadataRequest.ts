// Original file: proto/brook/v1/data.proto


/**
 * Which topics to describe.
 */
export interface GetMetadataRequest {
  /**
   * Topic names; empty means every topic.
   */
  'topics'?: (string)[];
}

/**
 * Which topics to describe.
 */
export interface GetMetadataRequest__Output {
  /**
   * Topic names; empty means every topic.
   */
  'topics': (string)[];
}
