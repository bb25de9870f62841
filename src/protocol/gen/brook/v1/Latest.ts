// Original file: proto/brook/v1/data.proto


/**
 * Marker: the latest position.
 */
export interface Latest {
}

/**
 * Marker: the latest position.
 */
export interface Latest__Output {
}
