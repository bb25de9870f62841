/**
 * Opening a partition directory after a clean stop or a crash: find the segments, check them,
 * cut whatever a crash left half-written, and hand back a consistent list of segments.
 *
 * Steps:
 * 1. Create the directory if missing (durably: its parent is fsynced). Remove stray temporary
 *    files and index files without a log; ignore (and log) any other file.
 * 2. Drop the segments that lie entirely below the log-start-offset checkpoint (a crash in the
 *    middle of `truncatePrefix` can leave them).
 * 3. Verify every segment in full (segment-verify.ts): every batch from the start of the file,
 *    its CRC-32C, contiguous offsets, one leader epoch per segment. Cost: one sequential read
 *    of the whole log at every open, at about the disk's sequential read speed plus CRC-32C
 *    (roughly 1 s per GB on a laptop SSD), paid once per open: this is what finds damage to
 *    data fsynced long ago, before the replica votes, leads or serves from it. Then load each
 *    segment's indexes; what is missing or misshapen in an index file (a partial or
 *    out-of-order entry, a position past the valid log, and everything after it) is rebuilt
 *    from the log.
 * 4. Where verification stops early:
 *    - in the active (last) segment, with no valid batch after the stop: a torn tail left by a
 *      crash (never acknowledged: acknowledgements follow fsync); it is cut (logged as a warn);
 *    - in a sealed segment, or in the active one with valid batches after the stop, or where a
 *      segment does not continue its predecessor: damage to written data. The log is cut at
 *      the first bad offset and every later segment deleted (logged as an error naming the
 *      file and offset); before the cut, the damage marker (damage-marker.ts) records how far
 *      the log reached (offsets are contiguous: the cut offset plus the records the batches
 *      past it can hold, counted by framing, never by their unchecksummed base offset
 *      fields; and the removed segments' contents), so the replica abstains from elections until it is repaired
 *      (RaftConfig.abstain) even across another restart. The replica re-fetches what it lost.
 *    Residual: a cut at a batch boundary of the active segment looks exactly like a clean
 *    end, and a torn tail like a crash's; only the stored commit offset bounds those
 *    (replica/raft-storage.ts).
 * 5. The active segment is fsynced, so the recovered end is durable (a process crash leaves
 *    unsynced data in the page cache that a later power loss could still take away).
 *
 * Must not: keep a batch that failed its CRC, or leave a gap or an overlap between segments.
 */
import { posix } from 'node:path';
import type { Clock, FileSystem, Logger } from '../util/ports.js';
import { assert } from '../util/assert.js';
import { TEMPORARY_SUFFIX } from './atomic-file.js';
import {
  DAMAGE_MARKER_FILE,
  mergeDamage,
  readDamageMarker,
  writeDamageMarker,
} from './damage-marker.js';
import type { DamageRecord } from './damage-marker.js';
import { LOG_START_OFFSET_FILE, readLogStartCheckpoint } from './log-start-checkpoint.js';
import {
  OFFSET_INDEX_ENTRY_BYTES,
  RELATIVE_OFFSET_MAX,
  validateOffsetIndex,
} from './offset-index.js';
import { LOG_SUFFIX, Segment, parseSegmentFileName, segmentFileName } from './segment.js';
import { tailExtent } from './segment-verify.js';
import type { VerifiedBatch, VerifyResult } from './segment-verify.js';
import type { IndexCheck } from './index-entries.js';
import { TIME_INDEX_ENTRY_BYTES, validateTimeIndex } from './time-index.js';

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
  /** What the damage marker records (this open's findings included); undefined: none. */
  readonly damage?: DamageRecord;
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
  const { segments, damage: found } = await loadSegments(options, kept);
  const damage =
    found ??
    (await readDamageMarker(fs, directory, logger, (segments.at(-1)?.nextOffset ?? 0) - 1));
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
  return damage === undefined ? { segments, logStartOffset } : { segments, logStartOffset, damage };
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
      name !== DAMAGE_MARKER_FILE &&
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

/** A damage found while loading: where the log is cut and what lay beyond. */
interface FoundDamage {
  /** Index (in `bases`) of the first segment removed whole. */
  readonly removeFrom: number;
  /** The first offset no longer in the log. */
  readonly cutOffset: number;
  /** The highest offset the damaged segment still names past the cut, if any. */
  readonly highestInDamaged: number | undefined;
}

/**
 * Opens and fully verifies the segments in order, stopping at the first damage: a sealed
 * segment that is not whole and valid, a segment that does not continue its predecessor, or a
 * bad batch in the active segment that valid batches follow (a crash only tears the tail of
 * the active segment; a bad batch with valid ones after it is damage to written data).
 */
async function loadSegments(
  options: RecoveryOptions,
  bases: number[],
): Promise<{ segments: Segment[]; damage: DamageRecord | undefined }> {
  const segments: Segment[] = [];
  const fileSizes: number[] = [];
  let found: FoundDamage | undefined;
  for (let index = 0; index < bases.length && found === undefined; index++) {
    const isLast = index === bases.length - 1;
    const base = bases[index] ?? 0;
    const previous = segments[segments.length - 1];
    if (previous !== undefined && base !== previous.nextOffset) {
      options.logger.error(
        { segment: segmentPath(options, base), expectedBaseOffset: previous.nextOffset },
        'segment does not continue the log; cutting the log there',
      );
      found = { removeFrom: index, cutOffset: previous.nextOffset, highestInDamaged: undefined };
      break;
    }
    const loaded = await loadSegment(options, base);
    const { segment, verified, fileBytes } = loaded;
    const nextBase = bases[index + 1];
    if (!isLast && segment.isEmpty && fileBytes === 0 && nextBase === base) {
      options.logger.warn({ segment: segment.logPath }, 'removing an empty sealed segment');
      await segment.removeFiles(options.fs);
      continue;
    }
    segments.push(segment);
    fileSizes.push(fileBytes);
    const damaged = isDamaged(verified, fileBytes, isLast);
    if (damaged) {
      options.logger.error(
        {
          file: segment.logPath,
          offset: verified.nextOffset,
          position: verified.position,
          reason: verified.reason,
          detail: verified.detail,
          removedBytes: fileBytes - verified.position,
        },
        'damaged record batch in a segment: cutting the log at this offset and deleting every later segment',
      );
      const bound = nextBase === undefined ? base + RELATIVE_OFFSET_MAX : nextBase - 1;
      const after = verified.highestOffsetAfter;
      found = {
        removeFrom: index + 1,
        cutOffset: verified.nextOffset,
        highestInDamaged: after === undefined ? undefined : Math.min(after, bound),
      };
    } else if (verified.position < fileBytes) {
      options.logger.warn(
        {
          segment: segment.logPath,
          reason: verified.reason,
          detail: verified.detail,
          validBytes: verified.position,
          removedBytes: fileBytes - verified.position,
        },
        'cutting a torn or corrupt tail off a segment',
      );
    }
  }
  const damage =
    found === undefined ? undefined : await lostDataOf(options, bases, found, segments);
  await settleSegments(options, segments, fileSizes, bases, found);
  return { segments, damage };
}

/**
 * A stop before the end of the file is damage in a sealed segment (fsynced when it was
 * sealed), and in the active one only when a valid batch follows the bad one.
 */
function isDamaged(verified: VerifyResult, fileBytes: number, isLast: boolean): boolean {
  if (verified.position >= fileBytes) return false;
  return !isLast || verified.highestOffsetAfter !== undefined;
}

/**
 * How far the log reached before the damage: the cut offset itself (the damaged batch was
 * written whole and fsynced, so it may have been acknowledged), the records the batches past
 * the cut can hold (segment-verify.ts, tailExtent), and every removed segment's base plus its
 * records, capped below the next segment's base (a segment is created by a roll at the offset
 * after its predecessor's last).
 */
async function lostDataOf(
  options: RecoveryOptions,
  bases: number[],
  found: FoundDamage,
  segments: Segment[],
): Promise<DamageRecord> {
  let lostEndOffset = Math.max(found.cutOffset, found.highestInDamaged ?? -1);
  for (let index = found.removeFrom; index < bases.length; index++) {
    const base = bases[index] ?? 0;
    const nextBase = bases[index + 1];
    const bound = nextBase === undefined ? base + RELATIVE_OFFSET_MAX : nextBase - 1;
    const handle = await options.fs.open(segmentPath(options, base), 'read');
    try {
      const { recordsMax } = await tailExtent(handle, 0, await handle.size());
      lostEndOffset = Math.max(lostEndOffset, Math.min(base - 1 + recordsMax, bound));
    } finally {
      await handle.close();
    }
  }
  const last = segments[segments.length - 1];
  const existing = await readDamageMarker(
    options.fs,
    options.directory,
    options.logger,
    Math.max(lostEndOffset, (last?.nextOffset ?? 0) - 1),
  );
  const damage = mergeDamage(existing, { lostEndOffset, hardStateLost: false });
  // Durable before the cut: a crash after it must still know what was lost.
  await writeDamageMarker(options.fs, options.directory, damage);
  options.logger.error(
    { directory: options.directory, cutOffset: found.cutOffset, lostEndOffset },
    'the log lost data it may have acknowledged; the replica abstains from elections until it has caught up',
  );
  return damage;
}

/** Cuts every kept segment to its valid size, marks sealed ones durable, removes the rest. */
async function settleSegments(
  options: RecoveryOptions,
  segments: Segment[],
  fileSizes: number[],
  bases: number[],
  found: FoundDamage | undefined,
): Promise<void> {
  for (const [index, segment] of segments.entries()) {
    await segment.cutToSize(fileSizes[index]);
    // The active segment is fsynced by recoverLog.
    if (index < segments.length - 1) segment.markDurable();
  }
  if (found === undefined) return;
  const removed = bases
    .slice(found.removeFrom)
    .map((base) => new Segment(options.directory, base, 0));
  await removeSegments(options, removed);
}

function segmentPath(options: RecoveryOptions, base: number): string {
  return posix.join(options.directory, segmentFileName(base, LOG_SUFFIX));
}

interface LoadedSegment {
  readonly segment: Segment;
  readonly verified: VerifyResult;
  readonly fileBytes: number;
}

/**
 * Opens one segment, verifies its whole log (verifySegmentLog), loads the sound leading
 * entries of its indexes and re-derives the rest by walking the headers up to the end of the
 * valid batches.
 */
async function loadSegment(options: RecoveryOptions, baseOffset: number): Promise<LoadedSegment> {
  const segment = new Segment(options.directory, baseOffset, options.clock.monotonicMs());
  const { logBytes } = await segment.openFiles(options.fs);
  const batches = new Map<number, VerifiedBatch>();
  const verified = await segment.verify(logBytes, batches);
  const validBytes = verified.position;
  const images = await segment.readIndexImages();
  // Index files carry no checksum of their own: an entry counts only if the verified log
  // confirms it, so a flipped bit that still looks well-formed is found and re-derived too.
  const offsetCheck = confirmedByLog(
    validateOffsetIndex(images.offsetIndex, validBytes),
    images.offsetIndex,
    OFFSET_INDEX_ENTRY_BYTES,
    (view, at) => batches.get(baseOffset + view.getInt32(at))?.position === view.getUint32(at + 4),
  );
  const timeCheck = confirmedByLog(
    validateTimeIndex(images.timeIndex),
    images.timeIndex,
    TIME_INDEX_ENTRY_BYTES,
    (view, at) =>
      batches.get(baseOffset + view.getInt32(at + 8))?.maxTimestampSoFar ===
      view.getInt32(at) * 2 ** 32 + view.getUint32(at + 4),
  );
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
  const walk = { mode: 'headers' as const, endPosition: validBytes };
  const result = await segment.rescan(walk, options.indexIntervalBytes);
  // The verified prefix is whole, contiguous batches: the header walk must end where it did.
  assert(
    result.position === validBytes && segment.nextOffset === verified.nextOffset,
    `segment ${segment.logPath}: header walk ended at ${result.position}, verified ${validBytes}`,
  );
  return { segment, verified, fileBytes: logBytes };
}

/**
 * An index check narrowed to the leading entries the verified log confirms (`confirms` reads
 * the entry at byte `at` of the image).
 */
function confirmedByLog(
  check: IndexCheck,
  image: Uint8Array,
  entryBytes: number,
  confirms: (view: DataView, at: number) => boolean,
): IndexCheck {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let entry = 0; entry < check.soundEntries; entry++) {
    if (!confirms(view, entry * entryBytes)) {
      return { soundEntries: entry, problem: `entry ${entry} does not match the log` };
    }
  }
  return check;
}

async function removeSegments(options: RecoveryOptions, segments: Segment[]): Promise<void> {
  // Newest first, so that a crash in the middle leaves a log without a gap.
  for (const segment of [...segments].reverse()) await segment.removeFiles(options.fs);
}
