/**
 * Atomic writes of small files (topic metadata, the log-start-offset checkpoint, later Raft
 * term and vote): after a crash the file holds either the old or the new content, never a mix.
 *
 * How: write `<path>.tmp`, fsync it, close it, rename it over `<path>`, fsync the directory.
 * The rename is atomic; the file fsync makes sure the renamed file has its data; the directory
 * fsync makes the rename itself durable before `writeFileAtomic` resolves, so a caller may act
 * on the new content (send a vote, delete segments) once it has.
 *
 * The checksummed envelope detects media damage: the file is the line
 * `crc32c=<8 hex digits>\n` followed by JSON, the CRC-32C covering the JSON bytes. A damaged
 * file is reported (CORRUPT_MESSAGE), never trusted.
 *
 * Must not: be used for large or frequently written data (every write costs two fsyncs), or
 * be called twice concurrently for the same path (both would share one temporary file).
 */
import { posix } from 'node:path';
import { crc32c } from '../protocol/crc32c.js';
import { BrookError } from '../protocol/errors.js';
import { isNotFound } from '../util/ports.js';
import type { FileSystem } from '../util/ports.js';

export const TEMPORARY_SUFFIX = '.tmp';

export async function writeFileAtomic(
  fs: FileSystem,
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  const temporary = path + TEMPORARY_SUFFIX;
  const handle = await fs.open(temporary, 'create');
  try {
    // 'create' does not truncate: a longer leftover temporary file must not leave a tail.
    await handle.truncate(0);
    await handle.write(bytes, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, path);
  await fs.syncDirectory(posix.dirname(path));
}

/** The whole file, or undefined when it does not exist. */
export async function readFileIfExists(
  fs: FileSystem,
  path: string,
): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const HEADER_PREFIX = 'crc32c=';
const HEADER_BYTES = HEADER_PREFIX.length + 8 + 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes `value` as JSON under a CRC-32C header line (see the module comment). */
export function encodeChecksummedJson(value: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(value));
  const header = encoder.encode(`${HEADER_PREFIX}${crc32c(body).toString(16).padStart(8, '0')}\n`);
  const bytes = new Uint8Array(header.length + body.length);
  bytes.set(header);
  bytes.set(body, header.length);
  return bytes;
}

/** Decodes what `encodeChecksummedJson` wrote; throws CORRUPT_MESSAGE when damaged. */
export function decodeChecksummedJson(bytes: Uint8Array, path: string): unknown {
  const damaged = (reason: string, cause?: unknown): BrookError =>
    new BrookError('CORRUPT_MESSAGE', `metadata file ${path} is damaged: ${reason}`, {
      cause,
      details: { path },
    });
  if (bytes.length < HEADER_BYTES) throw damaged(`only ${bytes.length} bytes`);
  let header: string;
  let body: string;
  try {
    header = decoder.decode(bytes.subarray(0, HEADER_BYTES));
    body = decoder.decode(bytes.subarray(HEADER_BYTES));
  } catch (error) {
    throw damaged('not UTF-8', error);
  }
  const match = /^crc32c=([0-9a-f]{8})\n$/.exec(header);
  if (match?.[1] === undefined) throw damaged('no checksum header');
  const expected = Number.parseInt(match[1], 16);
  const actual = crc32c(bytes.subarray(HEADER_BYTES));
  if (actual !== expected) throw damaged('checksum mismatch');
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw damaged('not JSON', error);
  }
}

export async function writeChecksummedJson(
  fs: FileSystem,
  path: string,
  value: unknown,
): Promise<void> {
  await writeFileAtomic(fs, path, encodeChecksummedJson(value));
}

/**
 * The JSON value, or undefined when the file does not exist. Throws CORRUPT_MESSAGE when the
 * file is damaged; the caller checks the value's shape.
 */
export async function readChecksummedJson(fs: FileSystem, path: string): Promise<unknown> {
  const bytes = await readFileIfExists(fs, path);
  return bytes === undefined ? undefined : decodeChecksummedJson(bytes, path);
}
