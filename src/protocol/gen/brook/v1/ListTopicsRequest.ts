// Original file: proto/brook/v1/admin.proto


/**
 * List every topic.
 */
export interface ListTopicsRequest {
}

/**
 * List every topic.
 */
export interface ListTopicsRequest__Output {
}
