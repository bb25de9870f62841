/**
 * The public value types of the client: what goes into a producer, what comes out of a consumer,
 * and how a partition and a starting position are named. Types only; no behaviour.
 */

/** Bytes as the client accepts them; strings are encoded as UTF-8, `null` means absent. */
export type BytesInput = Buffer | Uint8Array | string | null;

export interface HeaderInput {
  readonly key: string;
  readonly value: BytesInput;
}

/**
 * Record headers: a list (order and repeated names kept) or an object (one value per name, in
 * the object's key order).
 */
export type HeadersInput = readonly HeaderInput[] | Readonly<Record<string, BytesInput>>;

export interface ProducerRecord {
  readonly topic: string;
  /** Records with the same key go to the same partition (Kafka's murmur2 partitioner). */
  readonly key?: BytesInput;
  /** `null` is a tombstone for compacted topics. */
  readonly value: BytesInput;
  readonly headers?: HeadersInput;
  /** An explicit partition wins over the key and the partitioner. */
  readonly partition?: number;
  /** Milliseconds since the epoch (or a Date); defaults to the time of `send`. */
  readonly timestamp?: number | Date;
}

/** Where an acknowledged record went. `offset` is -1 with `acks: 'none'`. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface ConsumerHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface ConsumerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly ConsumerHeader[];
}

/**
 * Where a consumer starts reading a partition: the log start, the high watermark, an exact
 * offset, or the first record at or after a time (milliseconds since the epoch).
 */
export type StartFrom =
  'earliest' | 'latest' | { readonly offset: number } | { readonly timestamp: number };

export interface Assignment extends TopicPartition {
  /** Defaults to 'latest'. */
  readonly from?: StartFrom;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
  /** The record's timestamp for timestamp look-ups, otherwise -1. */
  readonly timestamp: number;
}

export type OffsetQuery = 'earliest' | 'latest' | { readonly timestamp: number };
