/**
 * The same-command baseline for durable writes: how fast this disk takes sequential 1 MiB
 * appends with an fdatasync after each, in the directory the broker uses. Brook's produce
 * throughput is reported as a ratio to it, because the machine is shared and absolute figures
 * drift from run to run.
 */
import { openSync, closeSync, writeSync, fdatasyncSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function measureSyncedWriteMBps(directory: string, totalMiB = 64): number {
  const path = join(directory, 'disk-baseline.tmp');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const fd = openSync(path, 'w');
  const started = process.hrtime.bigint();
  try {
    for (let index = 0; index < totalMiB; index++) {
      writeSync(fd, chunk);
      fdatasyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(path, { force: true });
  return (totalMiB * 1.048576) / seconds;
}
