// Original file: proto/brook/internal/v1/peer.proto


/**
 * A pre-vote or vote answer.
 */
export interface RaftVoteResponse {
  /**
   * Whether the vote is granted.
   */
  'granted'?: (boolean);
}

/**
 * A pre-vote or vote answer.
 */
export interface RaftVoteResponse__Output {
  /**
   * Whether the vote is granted.
   */
  'granted': (boolean);
}
