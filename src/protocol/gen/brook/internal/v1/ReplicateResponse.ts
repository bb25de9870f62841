// Original file: proto/brook/internal/v1/peer.proto


/**
 * Sent only when the stream ends normally; refusals end it with a status instead.
 */
export interface ReplicateResponse {
}

/**
 * Sent only when the stream ends normally; refusals end it with a status instead.
 */
export interface ReplicateResponse__Output {
}
