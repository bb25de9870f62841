/**
 * Turns the raw batches of a fetch (RECORD_FORMAT_BATCHES) into consumer records.
 *
 * - The first batch may start before the requested offset (the broker returns whole batches):
 *   records below `fromOffset` are skipped.
 * - Control batches (Raft configuration, transaction markers) take offsets but are not records:
 *   they are skipped, and the next offset moves past them.
 * - A batch cut short at the end of the buffer is ignored (it will be fetched again whole);
 *   a buffer with no whole batch at all is corrupt, since the broker always returns the first
 *   batch whole.
 * - Every batch that is used is CRC-checked once, by `decodeBatch`.
 *
 * Pure: no I/O, no state.
 */
import { BrookError } from '../protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  batchSizeAt,
  decodeBatch,
  isControl,
  lastOffsetOf,
  readBatchHeader,
} from '../protocol/record-batch.js';
import { nullableBuffer, toConsumerHeaders } from './bytes.js';
import type { ConsumerRecord } from './types.js';

export interface DecodedFetch {
  readonly records: ConsumerRecord[];
  /** The offset to fetch next: past the last whole batch, or `fromOffset` if there was none. */
  readonly nextOffset: number;
}

export async function recordsFromBatches(
  topic: string,
  partition: number,
  batches: Uint8Array,
  fromOffset: number,
): Promise<DecodedFetch> {
  const records: ConsumerRecord[] = [];
  let nextOffset = fromOffset;
  let position = 0;
  while (position < batches.length) {
    const size = batchSizeAt(batches, position);
    if (size === undefined || size < BATCH_HEADER_BYTES || position + size > batches.length) break;
    const header = readBatchHeader(batches, position);
    const lastOffset = lastOffsetOf(header);
    if (!isControl(header) && lastOffset >= fromOffset) {
      const decoded = await decodeBatch(batches, position);
      for (const record of decoded.records) {
        if (record.offset < fromOffset) continue;
        records.push({
          topic,
          partition,
          offset: record.offset,
          timestamp: record.timestamp,
          key: nullableBuffer(record.key),
          value: nullableBuffer(record.value),
          headers: toConsumerHeaders(record.headers),
        });
      }
    }
    nextOffset = Math.max(nextOffset, lastOffset + 1);
    position += size;
  }
  if (position === 0 && batches.length > 0) {
    throw new BrookError(
      'CORRUPT_MESSAGE',
      `fetch of ${topic}/${partition} at ${fromOffset} returned ${batches.length} bytes without a whole batch`,
    );
  }
  return { records, nextOffset };
}
