/**
 * The damage marker of a partition directory: a small checksummed file that says this copy of
 * the log lost data it may already have acknowledged (media damage found at open: a bad batch
 * in fsynced data, a damaged Raft state or snapshot file), and how far the lost data reached.
 *
 * Why a file: recovery cuts the damaged log at once, and afterwards the directory looks like
 * a shorter, healthy log. If the broker stopped again before the replica caught up from its
 * leader, the next open would no longer know that anything was lost, and the replica would
 * vote as if its log held everything it once acknowledged. So the marker is written (durably)
 * before the cut, merged with any marker already there, and removed only once the replica has
 * caught up (Replica, RaftConfig.abstain).
 *
 * Shape: `{ lostEndOffset, hardStateLost }`:
 * - `lostEndOffset`: the highest offset the log held (or may have held) before the damage; -1
 *   when no log data was lost;
 * - `hardStateLost`: the Raft term and vote were lost (the replica may have voted in a term it
 *   no longer knows).
 *
 * Must not: be read as "healthy" when damaged itself: a damaged marker is reported as the
 * worst case the caller can bound (`damagedMarker`).
 */
import { posix } from 'node:path';
import { isBrookError } from '../protocol/errors.js';
import type { FileSystem, Logger } from '../util/ports.js';
import { readChecksummedJson, writeChecksummedJson } from './atomic-file.js';

export const DAMAGE_MARKER_FILE = 'damage-marker';

export interface DamageRecord {
  readonly lostEndOffset: number;
  readonly hardStateLost: boolean;
}

/** The union of two records: the later of the lost ends, either loss of the hard state. */
export function mergeDamage(left: DamageRecord | undefined, right: DamageRecord): DamageRecord {
  if (left === undefined) return right;
  return {
    lostEndOffset: Math.max(left.lostEndOffset, right.lostEndOffset),
    hardStateLost: left.hardStateLost || right.hardStateLost,
  };
}

export async function writeDamageMarker(
  fs: FileSystem,
  directory: string,
  record: DamageRecord,
): Promise<void> {
  const value = { lostEndOffset: record.lostEndOffset, hardStateLost: record.hardStateLost };
  await writeChecksummedJson(fs, posix.join(directory, DAMAGE_MARKER_FILE), value);
}

/** Removes the marker (durably); nothing when there is none. */
export async function removeDamageMarker(fs: FileSystem, directory: string): Promise<void> {
  const path = posix.join(directory, DAMAGE_MARKER_FILE);
  if (!(await fs.exists(path))) return;
  await fs.removeFile(path);
  await fs.syncDirectory(directory);
}

/**
 * The recorded damage, undefined when there is no marker. A damaged marker (or one of the
 * wrong shape) is logged and read as the worst case: the hard state lost and the log lost up
 * to `fallbackLostEndOffset` (the caller's highest known offset).
 */
export async function readDamageMarker(
  fs: FileSystem,
  directory: string,
  logger: Logger,
  fallbackLostEndOffset: number,
): Promise<DamageRecord | undefined> {
  const path = posix.join(directory, DAMAGE_MARKER_FILE);
  const worst: DamageRecord = { lostEndOffset: fallbackLostEndOffset, hardStateLost: true };
  let value: unknown;
  try {
    value = await readChecksummedJson(fs, path);
  } catch (error) {
    if (!isBrookError(error, 'CORRUPT_MESSAGE')) throw error;
    logger.error({ err: error, path }, 'the damage marker is damaged; assuming the worst');
    return worst;
  }
  if (value === undefined) return undefined;
  const record = typeof value === 'object' && value !== null ? value : {};
  const lostEndOffset = 'lostEndOffset' in record ? record.lostEndOffset : undefined;
  const hardStateLost = 'hardStateLost' in record ? record.hardStateLost : undefined;
  if (
    typeof lostEndOffset !== 'number' ||
    !Number.isSafeInteger(lostEndOffset) ||
    lostEndOffset < -1 ||
    typeof hardStateLost !== 'boolean'
  ) {
    logger.error({ path }, 'the damage marker has the wrong shape; assuming the worst');
    return worst;
  }
  return { lostEndOffset, hardStateLost };
}
