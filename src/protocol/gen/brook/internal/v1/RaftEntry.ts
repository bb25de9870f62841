// Original file: proto/brook/internal/v1/peer.proto

import type { RaftMembership as _brook_internal_v1_RaftMembership, RaftMembership__Output as _brook_internal_v1_RaftMembership__Output } from '../../../brook/internal/v1/RaftMembership.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Metadata of one log entry (one record batch).
 */
export interface RaftEntry {
  /**
   * First offset of the entry.
   */
  'baseOffset'?: (number | string | Long);
  /**
   * Last offset of the entry.
   */
  'lastOffset'?: (number | string | Long);
  /**
   * The entry's term (its batch's partition leader epoch).
   */
  'term'?: (number | string | Long);
  /**
   * Size of the batch in bytes (the leader's budget figure).
   */
  'sizeBytes'?: (number | string | Long);
  /**
   * Set for a configuration entry: the membership it carries.
   */
  'config'?: (_brook_internal_v1_RaftMembership | null);
  /**
   * True for the no-op a new leader appends in its term.
   */
  'noop'?: (boolean);
}

/**
 * Metadata of one log entry (one record batch).
 */
export interface RaftEntry__Output {
  /**
   * First offset of the entry.
   */
  'baseOffset': (number);
  /**
   * Last offset of the entry.
   */
  'lastOffset': (number);
  /**
   * The entry's term (its batch's partition leader epoch).
   */
  'term': (number);
  /**
   * Size of the batch in bytes (the leader's budget figure).
   */
  'sizeBytes': (number);
  /**
   * Set for a configuration entry: the membership it carries.
   */
  'config': (_brook_internal_v1_RaftMembership__Output | null);
  /**
   * True for the no-op a new leader appends in its term.
   */
  'noop': (boolean);
}
