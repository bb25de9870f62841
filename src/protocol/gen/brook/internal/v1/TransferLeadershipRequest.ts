// Original file: proto/brook/internal/v1/controller.proto


/**
 * A leadership transfer to ask for.
 */
export interface TransferLeadershipRequest {
  /**
   * Id of the partition's topic.
   */
  'topicId'?: (string);
  /**
   * Partition number.
   */
  'partition'?: (number);
  /**
   * Broker id of the replica that should lead.
   */
  'target'?: (number);
  /**
   * Broker id of the controller leader asking (for the receiver's log).
   */
  'controllerId'?: (number);
}

/**
 * A leadership transfer to ask for.
 */
export interface TransferLeadershipRequest__Output {
  /**
   * Id of the partition's topic.
   */
  'topicId': (string);
  /**
   * Partition number.
   */
  'partition': (number);
  /**
   * Broker id of the replica that should lead.
   */
  'target': (number);
  /**
   * Broker id of the controller leader asking (for the receiver's log).
   */
  'controllerId': (number);
}
