// Original file: proto/brook/internal/v1/peer.proto


/**
 * Campaign now.
 */
export interface RaftTimeoutNow {
}

/**
 * Campaign now.
 */
export interface RaftTimeoutNow__Output {
}
