// Original file: proto/brook/v1/records.proto

/**
 * When a produce request is answered.
 */
export const Acks = {
  /**
   * Same as ACKS_ALL.
   */
  ACKS_UNSPECIFIED: 'ACKS_UNSPECIFIED',
  /**
   * Answer as soon as the request is validated, before it is written.
   */
  ACKS_NONE: 'ACKS_NONE',
  /**
   * Answer once the partition leader has appended the records (not yet fsynced).
   */
  ACKS_LEADER: 'ACKS_LEADER',
  /**
   * Answer once the records are committed: fsynced on a quorum of replicas.
   */
  ACKS_ALL: 'ACKS_ALL',
} as const;

/**
 * When a produce request is answered.
 */
export type Acks =
  /**
   * Same as ACKS_ALL.
   */
  | 'ACKS_UNSPECIFIED'
  | 0
  /**
   * Answer as soon as the request is validated, before it is written.
   */
  | 'ACKS_NONE'
  | 1
  /**
   * Answer once the partition leader has appended the records (not yet fsynced).
   */
  | 'ACKS_LEADER'
  | 2
  /**
   * Answer once the records are committed: fsynced on a quorum of replicas.
   */
  | 'ACKS_ALL'
  | 3

/**
 * When a produce request is answered.
 */
export type Acks__Output = typeof Acks[keyof typeof Acks]
