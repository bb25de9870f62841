/**
 * The write queue of one partition log: every file mutation (batch writes, rolls, truncations,
 * segment deletions, checkpoints) runs here one at a time, in the order it was requested, and
 * fsyncs are grouped.
 *
 * - Writes: consecutive writes to the same segment at contiguous positions are coalesced into
 *   one positional write (up to `coalesceBytesMax`), so many small appends cost one syscall.
 * - Group commit: `flush(target)` registers a waiter; after the queue's current run of
 *   operations the writer performs ONE fsync for all waiters whose data is written, so N
 *   concurrent appends+flushes cost about one fsync, not N (ARCHITECTURE.md, decision 6).
 *   Waiters that arrive while an fsync runs share the next one.
 * - Failure: the first failed operation fails the writer for good (the page cache can no longer
 *   be trusted after a failed write or fsync); every queued and later operation and every
 *   waiter is rejected with one STORAGE_ERROR. The log must be reopened.
 *
 * Must not: decide offsets or file layout (the partition log does, synchronously, before
 * queueing), or run two file operations at once.
 */
import { BrookError } from '../protocol/errors.js';
import { AssertionError } from '../util/assert.js';
import type { Reservation, Segment } from './segment.js';

/** Largest single coalesced write. */
export const coalesceBytesMax = 8 * 1024 * 1024;

interface WriteOperation {
  readonly kind: 'write';
  readonly segment: Segment;
  readonly bytes: Uint8Array;
  readonly reservation: Reservation;
  /** The log's next offset once this write lands. */
  readonly nextOffset: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface TaskOperation {
  readonly kind: 'task';
  readonly run: () => Promise<void>;
  readonly reject: (error: unknown) => void;
}

type Operation = WriteOperation | TaskOperation;

interface FlushWaiter {
  readonly target: number;
  readonly resolve: (durableEndOffset: number) => void;
  readonly reject: (error: unknown) => void;
}

/** What the writer needs from the log it serves. */
export interface WriterHost {
  readonly description: string;
  /** A write landed: everything below `nextOffset` is written. */
  onWritten(nextOffset: number): void;
  /** The offset below which everything is written. */
  writtenEndOffset(): number;
  /** fsyncs every segment with unsynced bytes; returns the new durable end offset. */
  syncWritten(): Promise<number>;
  onFailure(error: BrookError): void;
}

export class LogWriter {
  private queue: Operation[] = [];
  private waiters: FlushWaiter[] = [];
  private running = false;
  private failed: BrookError | undefined;

  constructor(private readonly host: WriterHost) {}

  get failure(): BrookError | undefined {
    return this.failed;
  }

  /** A method, not a field test, because every await in between may fail the writer. */
  private isHealthy(): boolean {
    return this.failed === undefined;
  }

  /** Queues the write of reserved bytes; resolves once they are in the file (not durable). */
  write(
    segment: Segment,
    bytes: Uint8Array,
    reservation: Reservation,
    nextOffset: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.failed !== undefined) return reject(this.failed);
      this.queue.push({ kind: 'write', segment, bytes, reservation, nextOffset, resolve, reject });
      this.kick();
    });
  }

  /** Queues a file task; it runs after everything queued before it. */
  run<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failed !== undefined) return reject(this.failed);
      const run = async (): Promise<void> => resolve(await task());
      this.queue.push({ kind: 'task', run, reject });
      this.kick();
    });
  }

  /** Resolves with the durable end offset once everything below `target` is fsynced. */
  flush(target: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.failed !== undefined) return reject(this.failed);
      this.waiters.push({ target, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once everything queued so far has run (rejects if the writer failed). */
  idle(): Promise<void> {
    return this.run(() => Promise.resolve());
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Start on a later microtask so that appends issued in the same tick are coalesced.
    void Promise.resolve().then(() => this.loop());
  }

  private async loop(): Promise<void> {
    try {
      while (this.isHealthy() && (this.queue.length > 0 || this.waiters.length > 0)) {
        const operations = this.queue;
        this.queue = [];
        await this.runOperations(operations);
        if (this.isHealthy() && this.waiters.length > 0) await this.syncRound();
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.running = false;
    }
    if (this.failed !== undefined) this.rejectEverything(this.failed);
  }

  private async runOperations(operations: Operation[]): Promise<void> {
    let index = 0;
    while (index < operations.length) {
      const operation = operations[index];
      if (operation === undefined) break;
      if (operation.kind === 'task') {
        index += 1;
        try {
          await operation.run();
        } catch (error) {
          const failure = this.fail(error);
          // A failed assertion reaches its caller as itself: it is a bug, not a disk problem.
          operation.reject(error instanceof AssertionError ? error : failure);
          this.rejectAll(operations.slice(index));
          return;
        }
        continue;
      }
      const run = this.coalescible(operations, index);
      index += run.length;
      try {
        await this.writeRun(run);
      } catch (error) {
        const failure = this.fail(error);
        for (const write of run) write.reject(failure);
        this.rejectAll(operations.slice(index));
        return;
      }
    }
  }

  /** The writes from `start` that can go out as one: same segment, back to back. */
  private coalescible(operations: Operation[], start: number): WriteOperation[] {
    const first = operations[start] as WriteOperation;
    const run = [first];
    let bytes = first.bytes.length;
    let end = first.reservation.position + bytes;
    for (let index = start + 1; index < operations.length; index++) {
      const next = operations[index];
      if (next?.kind !== 'write' || next.segment !== first.segment) break;
      if (next.reservation.position !== end || bytes + next.bytes.length > coalesceBytesMax) break;
      run.push(next);
      bytes += next.bytes.length;
      end += next.bytes.length;
    }
    return run;
  }

  private async writeRun(run: WriteOperation[]): Promise<void> {
    const first = run[0];
    const last = run[run.length - 1];
    if (first === undefined || last === undefined) return;
    const bytes = run.length === 1 ? first.bytes : Buffer.concat(run.map((write) => write.bytes));
    await first.segment.writeLog(bytes, first.reservation.position, last.reservation);
    this.host.onWritten(last.nextOffset);
    for (const write of run) write.resolve();
  }

  /**
   * One fsync for every waiter whose data is written. A waiter whose target lies beyond the
   * written end waits for the next round, unless nothing is queued (the log was truncated
   * below its target: there is nothing more to wait for).
   */
  private async syncRound(): Promise<void> {
    const written = this.host.writtenEndOffset();
    const queueEmpty = this.queue.length === 0;
    const ready = this.waiters.filter((waiter) => waiter.target <= written || queueEmpty);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    let durable: number;
    try {
      durable = await this.host.syncWritten();
    } catch (error) {
      const failure = this.fail(error);
      for (const waiter of ready) waiter.reject(failure);
      return;
    }
    for (const waiter of ready) waiter.resolve(durable);
  }

  private fail(error: unknown): BrookError {
    if (this.failed === undefined) {
      const message = error instanceof Error ? error.message : String(error);
      this.failed =
        error instanceof BrookError && error.code === 'STORAGE_ERROR'
          ? error
          : new BrookError('STORAGE_ERROR', `${this.host.description}: ${message}`, {
              cause: error,
            });
      this.host.onFailure(this.failed);
    }
    return this.failed;
  }

  private rejectAll(operations: readonly Operation[]): void {
    const failure = this.failed;
    if (failure === undefined) return;
    for (const operation of operations) operation.reject(failure);
  }

  private rejectEverything(failure: BrookError): void {
    const queued = this.queue;
    const waiters = this.waiters;
    this.queue = [];
    this.waiters = [];
    for (const operation of queued) operation.reject(failure);
    for (const waiter of waiters) waiter.reject(failure);
  }
}
