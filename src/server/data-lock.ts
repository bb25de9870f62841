/**
 * One broker per data directory: a `.lock` file holding the owner's PID. A lock left behind by a
 * killed broker (its PID no longer runs) is taken over, so `kill -9` and restart just works;
 * a lock held by a live process stops the second broker with a clear message.
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

export function acquireDataLock(dataDirectory: string): () => void {
  const path = join(dataDirectory, '.lock');
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(path, 'utf8').trim());
  } catch {
    holder = undefined;
  }
  if (holder !== undefined && holder !== process.pid && holder > 0 && isRunning(holder)) {
    throw new BrookError(
      'INVALID_CONFIG',
      `data directory ${dataDirectory} is in use by process ${holder}; stop it first ` +
        `(or remove ${path} if that process is not a Brook broker)`,
    );
  }
  writeFileSync(path, `${process.pid}\n`);
  return () => rmSync(path, { force: true });
}
