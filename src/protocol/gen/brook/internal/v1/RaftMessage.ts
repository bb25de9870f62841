// Original file: proto/brook/internal/v1/peer.proto

import type { RaftVoteRequest as _brook_internal_v1_RaftVoteRequest, RaftVoteRequest__Output as _brook_internal_v1_RaftVoteRequest__Output } from '../../../brook/internal/v1/RaftVoteRequest.js';
import type { RaftVoteResponse as _brook_internal_v1_RaftVoteResponse, RaftVoteResponse__Output as _brook_internal_v1_RaftVoteResponse__Output } from '../../../brook/internal/v1/RaftVoteResponse.js';
import type { RaftAppend as _brook_internal_v1_RaftAppend, RaftAppend__Output as _brook_internal_v1_RaftAppend__Output } from '../../../brook/internal/v1/RaftAppend.js';
import type { RaftAppendResponse as _brook_internal_v1_RaftAppendResponse, RaftAppendResponse__Output as _brook_internal_v1_RaftAppendResponse__Output } from '../../../brook/internal/v1/RaftAppendResponse.js';
import type { RaftHeartbeat as _brook_internal_v1_RaftHeartbeat, RaftHeartbeat__Output as _brook_internal_v1_RaftHeartbeat__Output } from '../../../brook/internal/v1/RaftHeartbeat.js';
import type { RaftHeartbeatResponse as _brook_internal_v1_RaftHeartbeatResponse, RaftHeartbeatResponse__Output as _brook_internal_v1_RaftHeartbeatResponse__Output } from '../../../brook/internal/v1/RaftHeartbeatResponse.js';
import type { RaftInstallSnapshot as _brook_internal_v1_RaftInstallSnapshot, RaftInstallSnapshot__Output as _brook_internal_v1_RaftInstallSnapshot__Output } from '../../../brook/internal/v1/RaftInstallSnapshot.js';
import type { RaftTimeoutNow as _brook_internal_v1_RaftTimeoutNow, RaftTimeoutNow__Output as _brook_internal_v1_RaftTimeoutNow__Output } from '../../../brook/internal/v1/RaftTimeoutNow.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A Raft message (src/raft/types.ts, `Message`): the envelope and one body per message type.
 */
export interface RaftMessage {
  /**
   * Broker id of the sender.
   */
  'from'?: (number);
  /**
   * Broker id of the receiver.
   */
  'to'?: (number);
  /**
   * The sender's term (for a pre-vote: the term the sender would campaign in).
   */
  'term'?: (number | string | Long);
  /**
   * Would you vote for me (nothing changes yet)?
   */
  'preVote'?: (_brook_internal_v1_RaftVoteRequest | null);
  /**
   * Vote for me in `term`.
   */
  'vote'?: (_brook_internal_v1_RaftVoteRequest | null);
  /**
   * The answer to a pre-vote.
   */
  'preVoteResponse'?: (_brook_internal_v1_RaftVoteResponse | null);
  /**
   * The answer to a vote.
   */
  'voteResponse'?: (_brook_internal_v1_RaftVoteResponse | null);
  /**
   * Entries (or a probe) from the leader.
   */
  'append'?: (_brook_internal_v1_RaftAppend | null);
  /**
   * The answer to an append.
   */
  'appendResponse'?: (_brook_internal_v1_RaftAppendResponse | null);
  /**
   * The leader's heartbeat.
   */
  'heartbeat'?: (_brook_internal_v1_RaftHeartbeat | null);
  /**
   * The answer to a heartbeat.
   */
  'heartbeatResponse'?: (_brook_internal_v1_RaftHeartbeatResponse | null);
  /**
   * The leader's snapshot, for a follower behind the leader's log start.
   */
  'installSnapshot'?: (_brook_internal_v1_RaftInstallSnapshot | null);
  /**
   * Campaign now (a leadership transfer).
   */
  'timeoutNow'?: (_brook_internal_v1_RaftTimeoutNow | null);
  /**
   * What the message says; exactly one is set.
   */
  'body'?: "preVote"|"vote"|"preVoteResponse"|"voteResponse"|"append"|"appendResponse"|"heartbeat"|"heartbeatResponse"|"installSnapshot"|"timeoutNow";
}

/**
 * A Raft message (src/raft/types.ts, `Message`): the envelope and one body per message type.
 */
export interface RaftMessage__Output {
  /**
   * Broker id of the sender.
   */
  'from': (number);
  /**
   * Broker id of the receiver.
   */
  'to': (number);
  /**
   * The sender's term (for a pre-vote: the term the sender would campaign in).
   */
  'term': (number);
  /**
   * Would you vote for me (nothing changes yet)?
   */
  'preVote'?: (_brook_internal_v1_RaftVoteRequest__Output | null);
  /**
   * Vote for me in `term`.
   */
  'vote'?: (_brook_internal_v1_RaftVoteRequest__Output | null);
  /**
   * The answer to a pre-vote.
   */
  'preVoteResponse'?: (_brook_internal_v1_RaftVoteResponse__Output | null);
  /**
   * The answer to a vote.
   */
  'voteResponse'?: (_brook_internal_v1_RaftVoteResponse__Output | null);
  /**
   * Entries (or a probe) from the leader.
   */
  'append'?: (_brook_internal_v1_RaftAppend__Output | null);
  /**
   * The answer to an append.
   */
  'appendResponse'?: (_brook_internal_v1_RaftAppendResponse__Output | null);
  /**
   * The leader's heartbeat.
   */
  'heartbeat'?: (_brook_internal_v1_RaftHeartbeat__Output | null);
  /**
   * The answer to a heartbeat.
   */
  'heartbeatResponse'?: (_brook_internal_v1_RaftHeartbeatResponse__Output | null);
  /**
   * The leader's snapshot, for a follower behind the leader's log start.
   */
  'installSnapshot'?: (_brook_internal_v1_RaftInstallSnapshot__Output | null);
  /**
   * Campaign now (a leadership transfer).
   */
  'timeoutNow'?: (_brook_internal_v1_RaftTimeoutNow__Output | null);
  /**
   * What the message says; exactly one is set.
   */
  'body'?: "preVote"|"vote"|"preVoteResponse"|"voteResponse"|"append"|"appendResponse"|"heartbeat"|"heartbeatResponse"|"installSnapshot"|"timeoutNow";
}
