// Original file: proto/brook/internal/v1/peer.proto

import type { RaftSnapshotMeta as _brook_internal_v1_RaftSnapshotMeta, RaftSnapshotMeta__Output as _brook_internal_v1_RaftSnapshotMeta__Output } from '../../../brook/internal/v1/RaftSnapshotMeta.js';

/**
 * The leader's snapshot (its state bytes travel in the payload).
 */
export interface RaftInstallSnapshot {
  /**
   * What the snapshot covers.
   */
  'snapshot'?: (_brook_internal_v1_RaftSnapshotMeta | null);
}

/**
 * The leader's snapshot (its state bytes travel in the payload).
 */
export interface RaftInstallSnapshot__Output {
  /**
   * What the snapshot covers.
   */
  'snapshot': (_brook_internal_v1_RaftSnapshotMeta__Output | null);
}
