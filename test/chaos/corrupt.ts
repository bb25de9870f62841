/**
 * Media damage for the `corrupt` nemesis: applied to the files of one stopped broker, in one
 * partition directory of a workload topic (`<data>/topics/chaos-N/<partition>/`, see
 * src/cluster/partition-directory.ts; never `<data>/controller`). The layout, from
 * src/storage/segment.ts and src/replica/raft-storage.ts:
 *
 *   <base offset, 20 digits>.log        record batches back to back (CRC-32C each)
 *   <base offset>.index / .timeindex    sparse indexes, no checksum
 *   raft-state, raft-snapshot           checksummed JSON (atomic-file.ts)
 *
 * Kinds (chosen by the seeded generator):
 * - `log-bitflip`: 1–3 bit flips inside one record batch that is not the last batch of the
 *   partition (a valid batch follows, so it is damage to written data, not a torn tail);
 * - `index-bitflip`: 1–3 bit flips in a non-empty `.index` or `.timeindex` file;
 * - `log-truncate`: a `.log` file cut at a random position between 20% and 90% of its size
 *   (a sealed segment: damage; the newest segment: indistinguishable from a torn tail unless
 *   the stored commit offset says otherwise);
 * - `raft-state` / `raft-snapshot`: a bit flip in the file, or the file cut in half.
 *
 * A kind whose file does not exist (or has nothing to damage) falls back to the next kind that
 * applies. Everything done is returned (file, byte position, batch offsets) for the history.
 */
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import {
  BATCH_HEADER_BYTES,
  batchSizeAt,
  lastOffsetOf,
  readBatchHeader,
} from '../../src/protocol/record-batch.js';
import type { Key } from './history.js';
import { topicOfKey } from './history.js';
import { between, choose, shuffled } from './random.js';

export const DAMAGE_KINDS = [
  'log-bitflip',
  'index-bitflip',
  'log-truncate',
  'raft-state',
  'raft-snapshot',
] as const;
export type DamageKind = (typeof DAMAGE_KINDS)[number];

/** Relative weights of the kinds (the log is most of the data, so most of the damage). */
const KIND_WEIGHTS: Readonly<Record<DamageKind, number>> = {
  'log-bitflip': 3,
  'index-bitflip': 2,
  'log-truncate': 2,
  'raft-state': 1.5,
  'raft-snapshot': 1.5,
};

/** The damage-marker file of a partition directory (src/storage/damage-marker.ts). */
export const DAMAGE_MARKER_FILE = 'damage-marker';

export interface Damage {
  readonly kind: DamageKind;
  readonly key: Key;
  readonly topic: string;
  readonly partition: number;
  /** The partition directory (absolute). */
  readonly directory: string;
  /** The damaged file, relative to the broker's data directory. */
  readonly file: string;
  /** Byte position of the damage (the first flipped byte, or the new size after a cut). */
  readonly position: number;
  readonly fileBytes: number;
  /** Bit flips: `position:bit` each. */
  readonly flips?: readonly string[];
  /** log-bitflip: the damaged batch's offsets; log-truncate: the first offset cut away. */
  readonly baseOffset?: number;
  readonly lastOffset?: number;
  readonly detail: string;
}

interface BatchSpan {
  readonly file: string;
  readonly position: number;
  readonly size: number;
  readonly baseOffset: number;
  readonly lastOffset: number;
}

/** The workload partition directories broker data dir `dataDir` holds, with their keys. */
export function partitionDirectories(
  dataDir: string,
  keys: readonly Key[],
): { key: Key; directory: string }[] {
  return keys
    .map((key) => {
      const { topic, partition } = topicOfKey(key);
      return { key, directory: join(dataDir, 'topics', topic, String(partition)) };
    })
    .filter(({ directory }) => existsSync(directory));
}

/** Damages one workload partition of the (stopped) broker whose data is in `dataDir`. */
export function damageBroker(
  random: () => number,
  dataDir: string,
  keys: readonly Key[],
): Damage | undefined {
  const directories = partitionDirectories(dataDir, keys);
  if (directories.length === 0) return undefined;
  const { key, directory } = choose(random, directories);
  const first = weightedKind(random);
  const order = [first, ...shuffled(random, DAMAGE_KINDS).filter((kind) => kind !== first)];
  for (const kind of order) {
    const damage = apply(random, kind, dataDir, key, directory);
    if (damage !== undefined) return damage;
  }
  return undefined;
}

function weightedKind(random: () => number): DamageKind {
  const total = DAMAGE_KINDS.reduce((sum, kind) => sum + KIND_WEIGHTS[kind], 0);
  let pick = random() * total;
  for (const kind of DAMAGE_KINDS) {
    pick -= KIND_WEIGHTS[kind];
    if (pick < 0) return kind;
  }
  return 'log-bitflip';
}

function apply(
  random: () => number,
  kind: DamageKind,
  dataDir: string,
  key: Key,
  directory: string,
): Damage | undefined {
  const { topic, partition } = topicOfKey(key);
  const base = { kind, key, topic, partition, directory };
  const rel = (path: string): string => relative(dataDir, path);
  switch (kind) {
    case 'log-bitflip': {
      const batches = batchesOf(directory);
      // Never the last batch of the partition: a bad batch followed by nothing is a torn tail.
      const eligible = batches.slice(0, -1);
      if (eligible.length === 0) return undefined;
      const batch = choose(random, eligible);
      const flips = flipBits(random, batch.file, batch.position, batch.size);
      return {
        ...base,
        file: rel(batch.file),
        position: firstPosition(flips),
        fileBytes: statSync(batch.file).size,
        flips,
        baseOffset: batch.baseOffset,
        lastOffset: batch.lastOffset,
        detail: `flipped ${flips.length} bit(s) in the batch of offsets ${batch.baseOffset}..${batch.lastOffset} (bytes ${batch.position}..${batch.position + batch.size - 1})`,
      };
    }
    case 'index-bitflip': {
      const files = filesOf(directory, /^\d{20}\.(index|timeindex)$/).filter(
        (file) => statSync(file).size > 0,
      );
      if (files.length === 0) return undefined;
      const file = choose(random, files);
      const size = statSync(file).size;
      const flips = flipBits(random, file, 0, size);
      return {
        ...base,
        file: rel(file),
        position: firstPosition(flips),
        fileBytes: size,
        flips,
        detail: `flipped ${flips.length} bit(s) in a ${size}-byte index file`,
      };
    }
    case 'log-truncate': {
      const files = filesOf(directory, /^\d{20}\.log$/).filter((file) => statSync(file).size > 0);
      if (files.length === 0) return undefined;
      const file = choose(random, files);
      const size = statSync(file).size;
      const cut = between(random, Math.floor(size * 0.2), Math.floor(size * 0.9));
      const lost = batchesOf(directory).find(
        (batch) => batch.file === file && batch.position + batch.size > cut,
      );
      truncateSync(file, cut);
      const sealed = files.indexOf(file) < files.length - 1;
      return {
        ...base,
        file: rel(file),
        position: cut,
        fileBytes: size,
        ...(lost === undefined ? {} : { baseOffset: lost.baseOffset }),
        detail: `cut a ${sealed ? 'sealed' : 'newest'} segment from ${size} to ${cut} bytes${lost === undefined ? '' : ` (from offset ${lost.baseOffset} on)`}`,
      };
    }
    case 'raft-state':
    case 'raft-snapshot': {
      const file = join(directory, kind);
      if (!existsSync(file)) return undefined;
      const size = statSync(file).size;
      if (size === 0) return undefined;
      if (random() < 0.5) {
        const cut = Math.floor(size / 2);
        truncateSync(file, cut);
        return {
          ...base,
          file: rel(file),
          position: cut,
          fileBytes: size,
          detail: `cut from ${size} to ${cut} bytes`,
        };
      }
      const flips = flipBits(random, file, 0, size, 1);
      return {
        ...base,
        file: rel(file),
        position: firstPosition(flips),
        fileBytes: size,
        flips,
        detail: `flipped 1 bit in a ${size}-byte file`,
      };
    }
  }
}

/** Flips 1–`max` random bits in bytes [from, from + length) of `file`; returns `pos:bit`. */
function flipBits(
  random: () => number,
  file: string,
  from: number,
  length: number,
  max = 3,
): string[] {
  const bytes = readFileSync(file);
  const count = between(random, 1, max);
  const flips: string[] = [];
  for (let index = 0; index < count; index++) {
    const position = from + Math.floor(random() * length);
    const bit = Math.floor(random() * 8);
    bytes[position] = (bytes[position] ?? 0) ^ (1 << bit);
    flips.push(`${position}:${bit}`);
  }
  writeFileSync(file, bytes);
  return flips;
}

function firstPosition(flips: readonly string[]): number {
  return Math.min(...flips.map((flip) => Number(flip.split(':')[0])));
}

function filesOf(directory: string, pattern: RegExp): string[] {
  return readdirSync(directory)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => join(directory, name));
}

/** Every whole batch of the partition's segments, in offset order. */
function batchesOf(directory: string): BatchSpan[] {
  const spans: BatchSpan[] = [];
  for (const file of filesOf(directory, /^\d{20}\.log$/)) {
    const bytes = readFileSync(file);
    let position = 0;
    while (position < bytes.length) {
      const size = batchSizeAt(bytes, position);
      if (size === undefined || size < BATCH_HEADER_BYTES || position + size > bytes.length) break;
      const header = readBatchHeader(bytes, position);
      spans.push({
        file,
        position,
        size,
        baseOffset: header.baseOffset,
        lastOffset: lastOffsetOf(header),
      });
      position += size;
    }
  }
  return spans;
}

/** One parsed broker log line (pino JSON), or undefined. */
interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly topic?: string;
  readonly partition?: number;
}

function parseLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as {
      level?: unknown;
      msg?: unknown;
      topic?: unknown;
      partition?: unknown;
    };
    const { level, msg, topic, partition } = value;
    if (typeof level !== 'number' || typeof msg !== 'string') return undefined;
    return {
      level,
      msg,
      ...(typeof topic === 'string' ? { topic } : {}),
      ...(typeof partition === 'number' ? { partition } : {}),
    };
  } catch {
    return undefined;
  }
}

const DETECTION = /damage|corrupt|torn|lost|rebuild|discard|cutting|checksum/i;

/**
 * What the restarted broker logged about the damaged partition: every warn or error line
 * (pino level ≥ 40) of that topic-partition (recovery logs through a logger bound to it, see
 * replica-manager.ts), distinct messages, and whether one of them reports damage.
 */
export function detectionIn(
  output: string,
  damage: Pick<Damage, 'topic' | 'partition'>,
): { detected: boolean; messages: string[]; errors: number; warnings: number } {
  const messages = new Set<string>();
  let errors = 0;
  let warnings = 0;
  let detected = false;
  for (const raw of output.split('\n')) {
    const line = parseLine(raw.trim());
    if (line === undefined || line.level < 40) continue;
    if (line.topic !== damage.topic || line.partition !== damage.partition) continue;
    if (line.level >= 50) errors += 1;
    else warnings += 1;
    messages.add(line.msg);
    if (DETECTION.test(line.msg)) detected = true;
  }
  return { detected, messages: [...messages], errors, warnings };
}
