// Original file: proto/brook/v1/data.proto


/**
 * Marker: the earliest position.
 */
export interface Earliest {
}

/**
 * Marker: the earliest position.
 */
export interface Earliest__Output {
}
