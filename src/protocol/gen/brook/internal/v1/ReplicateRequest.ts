// Original file: proto/brook/internal/v1/peer.proto

import type { GroupMessage as _brook_internal_v1_GroupMessage, GroupMessage__Output as _brook_internal_v1_GroupMessage__Output } from '../../../brook/internal/v1/GroupMessage.js';
import type { QuiescedGroup as _brook_internal_v1_QuiescedGroup, QuiescedGroup__Output as _brook_internal_v1_QuiescedGroup__Output } from '../../../brook/internal/v1/QuiescedGroup.js';

/**
 * One frame: the messages one broker queued for another within one event-loop turn.
 */
export interface ReplicateRequest {
  /**
   * The sender's broker id.
   */
  'fromBroker'?: (number);
  /**
   * The cluster the sender belongs to; empty while it does not know one yet.
   */
  'clusterId'?: (string);
  /**
   * The messages, in the order they were sent.
   */
  'messages'?: (_brook_internal_v1_GroupMessage)[];
  /**
   * Set on the liveness frame a broker sends each peer every heartbeat interval (also when the
   * list is empty: the frame itself says the sender is alive). Each entry is a group the sender
   * leads quiesced, of which the receiver is a member: it counts as a heartbeat of that leader.
   */
  'quiescedLeaders'?: (_brook_internal_v1_QuiescedGroup)[];
  /**
   * Random per sender process, the same in all its frames: a new value means the sender
   * restarted (its replicas may have lost state), which wakes the groups quiesced with it.
   */
  'incarnation'?: (number);
}

/**
 * One frame: the messages one broker queued for another within one event-loop turn.
 */
export interface ReplicateRequest__Output {
  /**
   * The sender's broker id.
   */
  'fromBroker': (number);
  /**
   * The cluster the sender belongs to; empty while it does not know one yet.
   */
  'clusterId': (string);
  /**
   * The messages, in the order they were sent.
   */
  'messages': (_brook_internal_v1_GroupMessage__Output)[];
  /**
   * Set on the liveness frame a broker sends each peer every heartbeat interval (also when the
   * list is empty: the frame itself says the sender is alive). Each entry is a group the sender
   * leads quiesced, of which the receiver is a member: it counts as a heartbeat of that leader.
   */
  'quiescedLeaders': (_brook_internal_v1_QuiescedGroup__Output)[];
  /**
   * Random per sender process, the same in all its frames: a new value means the sender
   * restarted (its replicas may have lost state), which wakes the groups quiesced with it.
   */
  'incarnation': (number);
}
