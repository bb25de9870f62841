// Original file: proto/brook/v1/admin.proto


/**
 * A configuration key and its value.
 */
export interface ConfigEntry {
  /**
   * Key, e.g. "retention.ms".
   */
  'name'?: (string);
  /**
   * Value as a string.
   */
  'value'?: (string);
  /**
   * True when the value is the broker default rather than a topic override.
   */
  'isDefault'?: (boolean);
}

/**
 * A configuration key and its value.
 */
export interface ConfigEntry__Output {
  /**
   * Key, e.g. "retention.ms".
   */
  'name': (string);
  /**
   * Value as a string.
   */
  'value': (string);
  /**
   * True when the value is the broker default rather than a topic override.
   */
  'isDefault': (boolean);
}
