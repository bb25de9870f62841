// Original file: proto/brook/internal/v1/controller.proto


/**
 * Whether the transfer started.
 */
export interface TransferLeadershipResponse {
  /**
   * True when the receiver's replica leads the partition and began the transfer.
   */
  'accepted'?: (boolean);
  /**
   * Why not, when not accepted.
   */
  'reason'?: (string);
}

/**
 * Whether the transfer started.
 */
export interface TransferLeadershipResponse__Output {
  /**
   * True when the receiver's replica leads the partition and began the transfer.
   */
  'accepted': (boolean);
  /**
   * Why not, when not accepted.
   */
  'reason': (string);
}
