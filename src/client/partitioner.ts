/**
 * Choosing a partition for a record, compatible with Kafka's Java client so that the same key
 * lands in the same partition whichever client wrote it:
 *
 * - keyed records: `toPositive(murmur2(keyBytes)) % numPartitions`, with Kafka's murmur2 variant
 *   (seed 0x9747b28c, signed 32-bit result) and toPositive = `& 0x7fffffff`;
 * - records without a key: sticky partitioning (KIP-480): every keyless record of a topic goes
 *   to one partition until a new batch would have to be opened there, then the topic moves on to
 *   another partition picked at random. Batches fill up instead of a record trickling into each
 *   partition, which is what makes keyless produce efficient.
 *
 * Pure apart from the injected random source; no I/O.
 */

const MURMUR_SEED = 0x9747b28c;
const MURMUR_MULTIPLIER = 0x5bd1e995;
const MURMUR_SHIFT = 24;

/** Kafka's `Utils.murmur2`: a signed 32-bit hash of `data`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let hash = (MURMUR_SEED ^ length) | 0;
  const wholeWords = length & ~3;
  for (let index = 0; index < wholeWords; index += 4) {
    let word =
      (data[index] ?? 0) |
      ((data[index + 1] ?? 0) << 8) |
      ((data[index + 2] ?? 0) << 16) |
      ((data[index + 3] ?? 0) << 24);
    word = Math.imul(word, MURMUR_MULTIPLIER);
    word ^= word >>> MURMUR_SHIFT;
    word = Math.imul(word, MURMUR_MULTIPLIER);
    hash = Math.imul(hash, MURMUR_MULTIPLIER) ^ word;
  }
  // The tail bytes fold in from the highest down, as Java's switch fall-through does.
  const tail = length - wholeWords;
  if (tail > 0) {
    if (tail >= 3) hash ^= (data[wholeWords + 2] ?? 0) << 16;
    if (tail >= 2) hash ^= (data[wholeWords + 1] ?? 0) << 8;
    hash ^= data[wholeWords] ?? 0;
    hash = Math.imul(hash, MURMUR_MULTIPLIER);
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, MURMUR_MULTIPLIER);
  hash ^= hash >>> 15;
  return hash | 0;
}

/** Kafka's `toPositive(murmur2(key)) % numPartitions`. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/** A user-supplied partitioner: returns a partition in [0, partitionCount). */
export type PartitionerFunction = (input: {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly partitionCount: number;
}) => number;

/**
 * The sticky partition of each topic. `current` answers the partition keyless records go to;
 * `next` moves away from a partition whose batch is full or gone, choosing uniformly among the
 * others (or staying when there is only one).
 */
export class StickyPartitioner {
  private readonly sticky = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  current(topic: string, partitionCount: number): number {
    const partition = this.sticky.get(topic);
    if (partition !== undefined && partition < partitionCount) return partition;
    return this.choose(topic, partitionCount, -1);
  }

  next(topic: string, partitionCount: number, previous: number): number {
    return this.choose(topic, partitionCount, previous);
  }

  private choose(topic: string, partitionCount: number, previous: number): number {
    let partition = Math.floor(this.random() * partitionCount) % partitionCount;
    if (partitionCount > 1 && partition === previous) {
      // Draw among the other partitions: shift past `previous` instead of drawing again, so one
      // draw always suffices.
      partition =
        (previous + 1 + (Math.floor(this.random() * (partitionCount - 1)) % (partitionCount - 1))) %
        partitionCount;
    }
    this.sticky.set(topic, partition);
    return partition;
  }
}
