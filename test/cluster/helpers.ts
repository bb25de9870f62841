/**
 * What the cluster tests share besides the launcher: reading a whole topic back, and the
 * committed bytes of one replica's log files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Brook } from '../../src/client/index.js';
import { batchSizeAt, checkBatch, lastOffsetOf } from '../../src/protocol/record-batch.js';

export interface ReadRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
}

/** How long `readAll` waits for one more record before it decides a partition is read. */
const IDLE_MS = 3_000;

/**
 * Every record of every partition of `topic`, from the log start up to the high watermark as
 * it is now. A partition counts as read once its record just below the high watermark has
 * come, or once nothing has come for `IDLE_MS` (the offsets just below the mark may belong to
 * control batches, which consumers never see).
 */
export async function readAll(brook: Brook, topic: string): Promise<ReadRecord[]> {
  const ends = await brook.admin().listOffsets(topic, 'latest');
  const wanted = ends.filter((end) => end.offset > 0);
  const records: ReadRecord[] = [];
  if (wanted.length === 0) return records;
  const consumer = brook.consumer({ maxWaitMs: 200 });
  await consumer.assign(
    wanted.map(({ partition }) => ({ topic, partition, from: 'earliest' as const })),
  );
  const remaining = new Map(wanted.map((end) => [end.partition, end.offset]));
  const iterator = consumer[Symbol.asyncIterator]();
  try {
    while (remaining.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const idle = new Promise<'idle'>((resolve) => {
        timer = setTimeout(() => resolve('idle'), IDLE_MS);
      });
      const next = await Promise.race([iterator.next(), idle]);
      clearTimeout(timer);
      if (next === 'idle' || next.done === true) break;
      const record = next.value;
      const end = remaining.get(record.partition);
      if (end === undefined || record.offset >= end) continue;
      records.push({
        partition: record.partition,
        offset: record.offset,
        key: record.key?.toString() ?? null,
        value: record.value?.toString() ?? '',
      });
      if (record.offset >= end - 1) remaining.delete(record.partition);
    }
  } finally {
    await consumer.close();
  }
  return records;
}

/**
 * The bytes of the batches of one replica's partition log that lie wholly below
 * `highWatermark`, read straight from its segment files (the broker stopped), with the offset
 * range they cover. Reading stops at the first position that does not hold a valid batch (a
 * preallocated or torn tail).
 */
export function committedLogBytes(
  partitionDirectory: string,
  highWatermark: number,
): { bytes: Buffer; firstOffset: number; endOffset: number } {
  const segments = readdirSync(partitionDirectory)
    .filter((name) => name.endsWith('.log'))
    .sort();
  const kept: Buffer[] = [];
  let firstOffset = -1;
  let endOffset = -1;
  for (const name of segments) {
    const file = readFileSync(join(partitionDirectory, name));
    let position = 0;
    while (position < file.length) {
      const size = batchSizeAt(file, position);
      if (size === undefined || size <= 0) break;
      let last: number;
      try {
        const header = checkBatch(file, position);
        last = lastOffsetOf(header);
        if (firstOffset < 0) firstOffset = header.baseOffset;
      } catch {
        break;
      }
      if (last < highWatermark) {
        kept.push(file.subarray(position, position + size));
        endOffset = last + 1;
      }
      position += size;
    }
  }
  return { bytes: Buffer.concat(kept), firstOffset, endOffset };
}
