// Original file: proto/brook/internal/v1/peer.proto

import type { RaftEntry as _brook_internal_v1_RaftEntry, RaftEntry__Output as _brook_internal_v1_RaftEntry__Output } from '../../../brook/internal/v1/RaftEntry.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Entries from the leader; their bytes travel in the payload.
 */
export interface RaftAppend {
  /**
   * Offset of the entry just before `entries`.
   */
  'prevLastOffset'?: (number | string | Long);
  /**
   * Term of that entry.
   */
  'prevTerm'?: (number | string | Long);
  /**
   * Contiguous entries; empty for a probe.
   */
  'entries'?: (_brook_internal_v1_RaftEntry)[];
  /**
   * The leader's commit offset.
   */
  'commit'?: (number | string | Long);
}

/**
 * Entries from the leader; their bytes travel in the payload.
 */
export interface RaftAppend__Output {
  /**
   * Offset of the entry just before `entries`.
   */
  'prevLastOffset': (number);
  /**
   * Term of that entry.
   */
  'prevTerm': (number);
  /**
   * Contiguous entries; empty for a probe.
   */
  'entries': (_brook_internal_v1_RaftEntry__Output)[];
  /**
   * The leader's commit offset.
   */
  'commit': (number);
}
