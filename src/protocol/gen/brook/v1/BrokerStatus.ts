// Original file: proto/brook/v1/admin.proto


/**
 * A broker's identity and liveness.
 */
export interface BrokerStatus {
  /**
   * Broker id.
   */
  'id'?: (number);
  /**
   * host:port of its gRPC listener.
   */
  'address'?: (string);
  /**
   * Whether the broker is reachable.
   */
  'alive'?: (boolean);
}

/**
 * A broker's identity and liveness.
 */
export interface BrokerStatus__Output {
  /**
   * Broker id.
   */
  'id': (number);
  /**
   * host:port of its gRPC listener.
   */
  'address': (string);
  /**
   * Whether the broker is reachable.
   */
  'alive': (boolean);
}
