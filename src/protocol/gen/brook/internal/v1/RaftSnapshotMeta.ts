// Original file: proto/brook/internal/v1/peer.proto

import type { RaftMembership as _brook_internal_v1_RaftMembership, RaftMembership__Output as _brook_internal_v1_RaftMembership__Output } from '../../../brook/internal/v1/RaftMembership.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The discarded prefix of a log.
 */
export interface RaftSnapshotMeta {
  /**
   * Last offset the snapshot covers.
   */
  'lastOffset'?: (number | string | Long);
  /**
   * Term of the entry at last_offset.
   */
  'term'?: (number | string | Long);
  /**
   * The configuration in force at last_offset.
   */
  'membership'?: (_brook_internal_v1_RaftMembership | null);
}

/**
 * The discarded prefix of a log.
 */
export interface RaftSnapshotMeta__Output {
  /**
   * Last offset the snapshot covers.
   */
  'lastOffset': (number);
  /**
   * Term of the entry at last_offset.
   */
  'term': (number);
  /**
   * The configuration in force at last_offset.
   */
  'membership': (_brook_internal_v1_RaftMembership__Output | null);
}
