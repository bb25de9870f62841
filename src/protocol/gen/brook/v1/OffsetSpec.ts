// Original file: proto/brook/v1/data.proto

/**
 * What a ListOffsets query asks for.
 */
export const OffsetSpec = {
  /**
   * Not allowed.
   */
  OFFSET_SPEC_UNSPECIFIED: 'OFFSET_SPEC_UNSPECIFIED',
  /**
   * The log start offset.
   */
  OFFSET_SPEC_EARLIEST: 'OFFSET_SPEC_EARLIEST',
  /**
   * The high watermark (the offset the next committed record will take).
   */
  OFFSET_SPEC_LATEST: 'OFFSET_SPEC_LATEST',
  /**
   * The first offset whose record timestamp is at or after `timestamp_ms`.
   */
  OFFSET_SPEC_TIMESTAMP: 'OFFSET_SPEC_TIMESTAMP',
} as const;

/**
 * What a ListOffsets query asks for.
 */
export type OffsetSpec =
  /**
   * Not allowed.
   */
  | 'OFFSET_SPEC_UNSPECIFIED'
  | 0
  /**
   * The log start offset.
   */
  | 'OFFSET_SPEC_EARLIEST'
  | 1
  /**
   * The high watermark (the offset the next committed record will take).
   */
  | 'OFFSET_SPEC_LATEST'
  | 2
  /**
   * The first offset whose record timestamp is at or after `timestamp_ms`.
   */
  | 'OFFSET_SPEC_TIMESTAMP'
  | 3

/**
 * What a ListOffsets query asks for.
 */
export type OffsetSpec__Output = typeof OffsetSpec[keyof typeof OffsetSpec]
