/**
 * Ports: the interfaces through which the deterministic modules reach time, randomness, files
 * and logging. runtime/ holds the Node implementations; the tests and the simulator hold fakes
 * (a manual clock, a seeded random source, an in-memory file system that loses unsynced writes
 * on a simulated crash). Nothing here performs I/O.
 */

export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (record timestamps, retention by time). */
  nowMs(): number;
  /** Monotonic milliseconds (timeouts, segment age); never goes backwards. */
  monotonicMs(): number;
}

/**
 * Timers as a port, for the modules that run periodic work (the controller, the heartbeat
 * agent) without touching Node timers, so tests drive them with a manual clock. Tasks run on
 * their own turn of the event loop (never synchronously inside `after` or `every`).
 */
export interface Scheduler {
  /** Runs `task` once after `delayMs`; the returned function cancels it (no-op once run). */
  after(delayMs: number, task: () => void): () => void;
  /** Runs `task` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, task: () => void): () => void;
}

export interface Random {
  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number;
}

/**
 * An open file. Positions are absolute byte offsets; there is no shared cursor, so concurrent
 * reads never disturb each other.
 */
export interface FileHandle {
  /** Reads up to `length` bytes at `position` into `buffer` at `offset`; returns bytes read. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Writes all of `data` at `position` (not yet durable: see `sync`). */
  write(data: Uint8Array, position: number): Promise<void>;
  /** Makes every write so far durable (fdatasync). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export type OpenMode =
  /** Read only; the file must exist. */
  | 'read'
  /** Read and write; the file must exist. */
  | 'readWrite'
  /** Read and write; the file is created empty if missing (not truncated if present). */
  | 'create';

/**
 * The file operations storage needs. Errors for a missing path carry `code: 'ENOENT'`
 * (see `isNotFound`), as Node's do. Directory entries (create, rename, remove) are durable
 * only after `syncDirectory` on their parent.
 */
export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  readFile(path: string): Promise<Uint8Array>;
  /** Names (not paths) of the entries in a directory, in no particular order. */
  list(directory: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  makeDirectory(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  removeFile(path: string): Promise<void>;
  /** Removes a directory and everything under it; no error if it is missing. */
  removeTree(path: string): Promise<void>;
  syncDirectory(path: string): Promise<void>;
}

export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/** The logging surface library code uses; a pino logger satisfies it. */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
