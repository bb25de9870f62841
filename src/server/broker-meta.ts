/**
 * `<data>/meta.json`: which broker a data directory belongs to and, once this broker has learnt
 * it from the metadata, which cluster. Written atomically (checksummed); the broker id is
 * written once, the cluster id once more when first known.
 *
 * A directory of another broker id is refused at start; a directory of another cluster is
 * refused once the metadata this broker follows names its cluster (run.ts).
 */
import { join } from 'node:path';
import { BrookError } from '../protocol/errors.js';
import { readChecksummedJson, writeChecksummedJson } from '../storage/atomic-file.js';
import type { FileSystem } from '../util/ports.js';

export const META_FILE = 'meta.json';

export interface BrokerMeta {
  readonly brokerId: number;
  /** Null until this broker learnt its cluster's id. */
  readonly clusterId: string | null;
}

/** The directory's meta.json, created for `brokerId` when missing; refuses another broker's. */
export async function loadBrokerMeta(
  fs: FileSystem,
  dataDirectory: string,
  brokerId: number,
): Promise<BrokerMeta> {
  const path = join(dataDirectory, META_FILE);
  const stored = (await readChecksummedJson(fs, path)) as Partial<BrokerMeta> | undefined;
  if (stored === undefined) {
    const meta: BrokerMeta = { brokerId, clusterId: null };
    await writeChecksummedJson(fs, path, meta);
    return meta;
  }
  if (stored.brokerId !== brokerId) {
    const cluster =
      typeof stored.clusterId === 'string'
        ? `its cluster id is ${stored.clusterId}`
        : 'it has not joined a cluster yet';
    throw new BrookError(
      'INVALID_CONFIG',
      `data directory ${dataDirectory} belongs to broker ${String(stored.brokerId)}, ` +
        `not broker ${brokerId} (${cluster})`,
    );
  }
  const clusterId = typeof stored.clusterId === 'string' ? stored.clusterId : null;
  return { brokerId, clusterId };
}

export async function saveClusterId(
  fs: FileSystem,
  dataDirectory: string,
  brokerId: number,
  clusterId: string,
): Promise<void> {
  const meta: BrokerMeta = { brokerId, clusterId };
  await writeChecksummedJson(fs, join(dataDirectory, META_FILE), meta);
}

/** The error a broker whose data belongs to another cluster stops with. */
export function otherClusterError(dataDirectory: string, ours: string, theirs: string): BrookError {
  return new BrookError(
    'INVALID_CONFIG',
    `data directory ${dataDirectory} belongs to cluster ${ours}, but this broker's peers form ` +
      `cluster ${theirs}; refusing to run (start it on an empty data directory to join ${theirs})`,
  );
}
