/**
 * One broker per data directory: a `.lock` file holding the owner's PID, created exclusively
 * (O_CREAT|O_EXCL), so two brokers starting at the same moment cannot both take it. A lock left
 * behind by a killed broker (its PID no longer runs) is removed and taken over, so `kill -9` and
 * restart just works; a lock held by a live process stops the second broker with a clear
 * message. (Two brokers inside one process are not told apart: tests run that way on purpose,
 * each on its own directory.)
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrookError } from '../protocol/errors.js';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataLock(dataDirectory: string): () => void {
  const path = join(dataDirectory, '.lock');
  const release = (): void => rmSync(path, { force: true });
  // Two attempts: the second after removing a stale lock (a dead or unreadable holder).
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) return release;
    const holder = holderOf(path);
    if (holder === process.pid) return release;
    if (holder !== undefined && isRunning(holder)) {
      throw new BrookError(
        'INVALID_CONFIG',
        `data directory ${dataDirectory} is in use by process ${holder}; stop it first ` +
          `(or remove ${path} if that process is not a Brook broker)`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new BrookError(
    'INVALID_CONFIG',
    `could not take the lock ${path}; another broker races for it`,
  );
}
