/**
 * The log-start-offset checkpoint of a partition directory: a small checksummed file that
 * remembers a log start offset which is not a segment base (after DeleteRecords or a Raft
 * snapshot cut the log in the middle of a segment), so it survives a restart.
 *
 * The effective log start on open is max(checkpoint, first segment base): a checkpoint older
 * than the segments (retention deleted segments since) is harmless.
 *
 * Must not: be trusted when damaged; a damaged file is reported and ignored, which can only
 * expose records the log still holds, never invent any.
 */
import { posix } from 'node:path';
import { isBrookError } from '../protocol/errors.js';
import type { FileSystem, Logger } from '../util/ports.js';
import { readChecksummedJson, writeChecksummedJson } from './atomic-file.js';

export const LOG_START_OFFSET_FILE = 'log-start-offset';

export async function writeLogStartCheckpoint(
  fs: FileSystem,
  directory: string,
  logStartOffset: number,
): Promise<void> {
  await writeChecksummedJson(fs, posix.join(directory, LOG_START_OFFSET_FILE), { logStartOffset });
}

/** The checkpointed offset; undefined when there is none or it is damaged (logged). */
export async function readLogStartCheckpoint(
  fs: FileSystem,
  directory: string,
  logger: Logger,
): Promise<number | undefined> {
  const path = posix.join(directory, LOG_START_OFFSET_FILE);
  let value: unknown;
  try {
    value = await readChecksummedJson(fs, path);
  } catch (error) {
    if (!isBrookError(error, 'CORRUPT_MESSAGE')) throw error;
    logger.error({ err: error, path }, 'ignoring a damaged log start offset checkpoint');
    return undefined;
  }
  if (value === undefined) return undefined;
  const offset =
    typeof value === 'object' && value !== null && 'logStartOffset' in value
      ? value.logStartOffset
      : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    logger.error({ path }, 'ignoring a log start offset checkpoint of the wrong shape');
    return undefined;
  }
  return offset;
}
