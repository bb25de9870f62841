// Original file: proto/brook/internal/v1/peer.proto


/**
 * A Raft configuration.
 */
export interface RaftMembership {
  /**
   * Broker ids of the voters.
   */
  'voters'?: (number)[];
  /**
   * Broker ids of the learners (non-voting members).
   */
  'learners'?: (number)[];
}

/**
 * A Raft configuration.
 */
export interface RaftMembership__Output {
  /**
   * Broker ids of the voters.
   */
  'voters': (number)[];
  /**
   * Broker ids of the learners (non-voting members).
   */
  'learners': (number)[];
}
