/**
 * Replica snapshots for the checker's divergence rule: for each key and each broker that holds
 * a replica of it, the sha256 of the record batches below the key's high watermark, read
 * straight from the replica's segment files (`<data>/topics/<topic>/<partition>/<base>.log`,
 * Kafka's layout; see src/cluster/partition-directory.ts and src/storage/segment.ts).
 *
 * The batches are hashed as stored, in offset order and regardless of how they are split into
 * segments: the partition log is the Raft log, so replicas that agree hold the same bytes
 * (terms included). Read after the brokers stopped cleanly, so no file is being written.
 * A replica whose log ends before the high watermark reports the offset it does reach.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BATCH_HEADER_BYTES,
  batchSizeAt,
  lastOffsetOf,
  readBatchHeader,
} from '../../src/protocol/record-batch.js';
import type { Key } from './history.js';
import { topicOfKey } from './history.js';

export interface ReplicaDigest {
  readonly key: number;
  readonly broker: number;
  readonly highWatermark: number;
  readonly digest: string;
}

/** Digests of every replica found under `dataDirs` (broker id → data directory). */
export function replicaDigests(
  dataDirs: ReadonlyMap<number, string>,
  highWatermarks: ReadonlyMap<Key, number>,
): ReplicaDigest[] {
  const digests: ReplicaDigest[] = [];
  for (const [key, highWatermark] of highWatermarks) {
    const { topic, partition } = topicOfKey(key);
    for (const [broker, dataDir] of dataDirs) {
      const directory = join(dataDir, 'topics', topic, String(partition));
      if (!existsSync(directory)) continue;
      const { digest, reached } = digestBelow(directory, highWatermark);
      digests.push({ key, broker, highWatermark: reached, digest });
    }
  }
  return digests;
}

function digestBelow(
  directory: string,
  highWatermark: number,
): { digest: string; reached: number } {
  const hash = createHash('sha256');
  const segments = readdirSync(directory)
    .filter((name) => /^\d{20}\.log$/.test(name))
    .sort();
  let reached = 0;
  for (const name of segments) {
    const bytes = readFileSync(join(directory, name));
    let position = 0;
    while (position < bytes.length) {
      const size = batchSizeAt(bytes, position);
      if (size === undefined || size < BATCH_HEADER_BYTES || position + size > bytes.length) break;
      const header = readBatchHeader(bytes, position);
      const last = lastOffsetOf(header);
      if (last >= highWatermark) return { digest: hash.digest('hex'), reached };
      if (header.baseOffset >= reached) {
        hash.update(bytes.subarray(position, position + size));
        reached = last + 1;
      }
      position += size;
    }
  }
  return { digest: hash.digest('hex'), reached: Math.min(reached, highWatermark) };
}
