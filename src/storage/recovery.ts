/**
 * Opening a partition directory after a clean stop or a crash: find the segments, check them,
 * cut whatever a crash left half-written, and hand back a consistent list of segments.
 *
 * Steps:
 * 1. Create the directory if missing (durably: its parent is fsynced). Remove stray temporary
 *    files and index files without a log; ignore (and log) any other file.
 * 2. Drop the segments that lie entirely below the log-start-offset checkpoint (a crash in the
 *    middle of `truncatePrefix` can leave them).
 * 3. Load every segment's indexes; what is missing or misshapen in an index file (a partial or
 *    out-of-order entry, a position past the log, and everything after it) is rebuilt from
 *    the log. Sealed segments (all but the last) were fsynced when they were sealed, so their
 *    content is trusted and only walked from their last time index entry (cheap). The last,
 *    active segment is walked in 'verify' mode (CRC of every batch from its last confirmed
 *    index entry) and cut at the first torn, corrupt or out-of-sequence batch: this is what
 *    makes a torn tail, or random bytes appended to the newest .log, safe.
 * 4. A sealed segment that turns out damaged, or that does not continue its predecessor,
 *    ends the log: it is verified and cut like the active one and every later segment is
 *    deleted (logged as an error). The replica re-fetches what it lost from the leader.
 * 5. The active segment is fsynced, so the recovered end is durable (a process crash leaves
 *    unsynced data in the page cache that a later power loss could still take away).
 *
 * Must not: keep a batch that failed its CRC in the active segment, or leave a gap or an
 * overlap between segments.
 */
import { posix } from 'node:path';
import type { Clock, FileSystem, Logger } from '../util/ports.js';
import { TEMPORARY_SUFFIX } from './atomic-file.js';
import { LOG_START_OFFSET_FILE, readLogStartCheckpoint } from './log-start-checkpoint.js';
import { validateOffsetIndex } from './offset-index.js';
import { LOG_SUFFIX, Segment, parseSegmentFileName } from './segment.js';
import type { RescanResult } from './segment.js';
import { validateTimeIndex } from './time-index.js';

export interface RecoveryOptions {
  readonly fs: FileSystem;
  readonly directory: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly indexIntervalBytes: number;
  /** Files other components keep in the directory (see PartitionLogOptions). */
  readonly companionFiles?: readonly string[];
}

export interface RecoveredLog {
  /** At least one segment, contiguous, the last one active. */
  readonly segments: Segment[];
  readonly logStartOffset: number;
}

interface LoadedSegment {
  readonly segment: Segment;
  readonly result: RescanResult;
  readonly fileBytes: number;
}

/** Creates `directory` and any missing parents, each made durable in its parent. */
export async function ensureDirectory(fs: FileSystem, directory: string): Promise<void> {
  if (await fs.exists(directory)) return;
  const parent = posix.dirname(directory);
  if (parent !== directory) await ensureDirectory(fs, parent);
  await fs.makeDirectory(directory);
  await fs.syncDirectory(parent);
}

export async function recoverLog(options: RecoveryOptions): Promise<RecoveredLog> {
  const { fs, directory, logger } = options;
  await ensureDirectory(fs, directory);
  const bases = await listSegmentBases(options);
  const checkpoint = await readLogStartCheckpoint(fs, directory, logger);
  const kept = await dropSegmentsBelow(options, bases, checkpoint ?? 0);
  const segments = await loadSegments(options, kept);
  while (segments[0] !== undefined && checkpoint !== undefined) {
    if (segments[0].nextOffset > checkpoint) break;
    await segments[0].removeFiles(fs);
    segments.shift();
  }
  if (segments.length === 0) {
    const fresh = new Segment(directory, checkpoint ?? 0, options.clock.monotonicMs());
    await fresh.createFiles(fs);
    segments.push(fresh);
  }
  const active = segments[segments.length - 1];
  if (active !== undefined) await active.sync();
  await fs.syncDirectory(directory);
  const first = segments[0];
  const logStartOffset = Math.max(checkpoint ?? 0, first?.baseOffset ?? 0);
  return { segments, logStartOffset };
}

/** Base offsets of the `.log` files, ascending; removes leftovers nothing refers to. */
async function listSegmentBases(options: RecoveryOptions): Promise<number[]> {
  const { fs, directory, logger } = options;
  const names = await fs.list(directory);
  const logs = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.suffix === LOG_SUFFIX) logs.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    const orphanIndex = parsed !== undefined && !logs.has(parsed.baseOffset);
    if (name.endsWith(TEMPORARY_SUFFIX) || orphanIndex) {
      logger.info({ file: name }, 'removing a leftover file');
      await fs.removeFile(posix.join(directory, name));
    } else if (
      parsed === undefined &&
      name !== LOG_START_OFFSET_FILE &&
      options.companionFiles?.includes(name) !== true
    ) {
      logger.warn({ file: name }, 'ignoring an unknown file in a partition directory');
    }
  }
  return [...logs].sort((left, right) => left - right);
}

/**
 * Removes, without loading them, the segments whose successor starts at or below the log start
 * (so they hold nothing at or above it). Returns the remaining bases.
 */
async function dropSegmentsBelow(
  options: RecoveryOptions,
  bases: number[],
  logStartOffset: number,
): Promise<number[]> {
  let first = 0;
  while (first + 1 < bases.length && (bases[first + 1] ?? 0) <= logStartOffset) {
    const segment = new Segment(options.directory, bases[first] ?? 0, 0);
    options.logger.info({ segment: segment.logPath }, 'removing a segment below the log start');
    await segment.removeFiles(options.fs);
    first += 1;
  }
  return bases.slice(first);
}

async function loadSegments(options: RecoveryOptions, bases: number[]): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (let index = 0; index < bases.length; index++) {
    const isLast = index === bases.length - 1;
    const loaded = await loadSegment(options, bases[index] ?? 0, isLast ? 'verify' : 'headers');
    const { segment } = loaded;
    const previous = segments[segments.length - 1];
    if (previous !== undefined && segment.baseOffset !== previous.nextOffset) {
      options.logger.error(
        { segment: segment.logPath, expectedBaseOffset: previous.nextOffset },
        'segment does not continue the log; deleting it and every later segment',
      );
      await removeSegments(options, [segment, ...segmentsAfter(options, bases, index)]);
      break;
    }
    if (!isLast && loaded.result.reason !== 'end') {
      options.logger.error(
        { segment: segment.logPath, ...loaded.result },
        'sealed segment is damaged; cutting it and deleting every later segment',
      );
      segments.push(await verifyAndCut(options, loaded, false));
      await removeSegments(options, segmentsAfter(options, bases, index));
      break;
    }
    if (!isLast && segment.isEmpty) {
      options.logger.warn({ segment: segment.logPath }, 'removing an empty sealed segment');
      await segment.removeFiles(options.fs);
      continue;
    }
    if (isLast) {
      segments.push(await verifyAndCut(options, loaded, true));
    } else {
      await segment.cutToSize(loaded.fileBytes);
      segment.markDurable();
      segments.push(segment);
    }
  }
  return segments;
}

async function loadSegment(
  options: RecoveryOptions,
  baseOffset: number,
  mode: 'headers' | 'verify',
): Promise<LoadedSegment> {
  const segment = new Segment(options.directory, baseOffset, options.clock.monotonicMs());
  const { logBytes } = await segment.openFiles(options.fs);
  const images = await segment.readIndexImages();
  // Keep the sound leading entries of each index; the walk re-derives the rest from the log.
  const offsetCheck = validateOffsetIndex(images.offsetIndex, logBytes);
  const timeCheck = validateTimeIndex(images.timeIndex);
  segment.offsetIndex.load(images.offsetIndex, offsetCheck.soundEntries);
  segment.timeIndex.load(images.timeIndex, timeCheck.soundEntries);
  if (offsetCheck.problem !== undefined || timeCheck.problem !== undefined) {
    options.logger.warn(
      {
        segment: segment.logPath,
        offsetProblem: offsetCheck.problem,
        timeProblem: timeCheck.problem,
        offsetEntriesKept: offsetCheck.soundEntries,
        timeEntriesKept: timeCheck.soundEntries,
      },
      'index file is damaged; rebuilding it from the log past its last sound entry',
    );
  }
  const result = await segment.rescan({ mode, endPosition: logBytes }, options.indexIntervalBytes);
  return { segment, result, fileBytes: logBytes };
}

/**
 * Cuts the file after the last valid batch; a segment loaded in 'headers' mode is walked again
 * with CRC checks first.
 */
async function verifyAndCut(
  options: RecoveryOptions,
  loaded: LoadedSegment,
  alreadyVerified: boolean,
): Promise<Segment> {
  const { segment, fileBytes } = loaded;
  const result = alreadyVerified
    ? loaded.result
    : await segment.rescan({ mode: 'verify', endPosition: fileBytes }, options.indexIntervalBytes);
  if (result.position < fileBytes) {
    options.logger.warn(
      {
        segment: segment.logPath,
        reason: result.reason,
        detail: result.detail,
        validBytes: result.position,
        removedBytes: fileBytes - result.position,
      },
      'cutting a torn or corrupt tail off a segment',
    );
  }
  await segment.cutToSize(fileBytes);
  return segment;
}

/** Unopened handles on the segments after `index`, for removal. */
function segmentsAfter(options: RecoveryOptions, bases: number[], index: number): Segment[] {
  return bases.slice(index + 1).map((base) => new Segment(options.directory, base, 0));
}

async function removeSegments(options: RecoveryOptions, segments: Segment[]): Promise<void> {
  // Newest first, so that a crash in the middle leaves a log without a gap.
  for (const segment of [...segments].reverse()) await segment.removeFiles(options.fs);
}
