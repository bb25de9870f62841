// Original file: proto/brook/v1/data.proto


/**
 * A broker and where to reach it.
 */
export interface BrokerInfo {
  /**
   * Broker id.
   */
  'id'?: (number);
  /**
   * host:port of its gRPC listener.
   */
  'address'?: (string);
}

/**
 * A broker and where to reach it.
 */
export interface BrokerInfo__Output {
  /**
   * Broker id.
   */
  'id': (number);
  /**
   * host:port of its gRPC listener.
   */
  'address': (string);
}
