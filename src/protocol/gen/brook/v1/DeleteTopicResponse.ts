// Original file: proto/brook/v1/admin.proto


/**
 * Empty: the topic is gone.
 */
export interface DeleteTopicResponse {
}

/**
 * Empty: the topic is gone.
 */
export interface DeleteTopicResponse__Output {
}
