/**
 * One partition hosted by this broker: its log, its high watermark and the readers waiting for
 * it to move.
 *
 * On a single broker the high watermark is the log's durable end: a record becomes visible to
 * consumers, and `acks=all` is answered, only once it is fsynced (ARCHITECTURE.md, decision 6).
 * Every append asks for a flush; the log's group commit makes one fsync serve all appends
 * waiting, so this costs one fsync per burst, not one per request.
 *
 * Invariants: logStartOffset <= highWatermark <= logEndOffset; the high watermark never moves
 * back while the partition is open. After a disk error the partition refuses every request
 * with STORAGE_ERROR instead of serving data it cannot vouch for.
 */
import { BrookError } from '../protocol/errors.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { assert } from '../util/assert.js';
import type { Logger } from '../util/ports.js';

export interface AppendedRange {
  readonly baseOffset: number;
  readonly lastOffset: number;
}

interface Waiter {
  readonly offset: number;
  readonly resolve: () => void;
  readonly reject: (error: BrookError) => void;
}

export class Partition {
  private readonly waiters = new Set<Waiter>();
  private failure: BrookError | undefined;
  private closed = false;
  private highWatermarkSeen: number;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
    private readonly logger: Logger,
  ) {
    this.highWatermarkSeen = log.durableEndOffset;
  }

  get highWatermark(): number {
    return this.highWatermarkSeen;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Readers waiting for the high watermark to move (a leak would show here). */
  get waiterCount(): number {
    return this.waiters.size;
  }

  private checkUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) {
      throw new BrookError('UNKNOWN_TOPIC', `topic ${this.topic} was deleted or is closing`, {
        details: { topic: this.topic },
      });
    }
  }

  /**
   * Appends validated batches (each exactly one batch that passed checkBatch) in order. Offsets
   * are assigned synchronously, so batches of concurrent requests never interleave within one
   * call. Resolves once written (not yet durable); `durable` resolves once fsynced.
   */
  append(
    batches: readonly Uint8Array[],
    term: number,
  ): {
    written: Promise<AppendedRange>;
    durable: Promise<void>;
  } {
    this.checkUsable();
    assert(batches.length > 0, 'append needs a batch');
    const appends = batches.map((batch) => this.log.append(batch, { term }));
    const durable = this.flush();
    // A caller may not wait for durability (acks=leader) or may stop at a failed write: the
    // failure is already handled (the partition goes offline), so an unobserved rejection must
    // not reach Node's unhandled-rejection handler, which would end the whole broker.
    durable.catch(() => undefined);
    const written = Promise.all(appends).then(
      (results) => {
        const first = results[0];
        const last = results[results.length - 1];
        assert(first !== undefined && last !== undefined, 'one result per batch');
        return { baseOffset: first.baseOffset, lastOffset: last.lastOffset };
      },
      (error: unknown) => {
        throw this.fail(error);
      },
    );
    written.catch(() => undefined);
    return { written, durable };
  }

  private flush(): Promise<void> {
    return this.log.flush().then(
      (durableEndOffset) => this.advanceHighWatermark(durableEndOffset),
      (error: unknown) => {
        throw this.fail(error);
      },
    );
  }

  private advanceHighWatermark(durableEndOffset: number): void {
    if (durableEndOffset <= this.highWatermarkSeen) return;
    this.highWatermarkSeen = durableEndOffset;
    for (const waiter of this.waiters) {
      if (waiter.offset < durableEndOffset) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Marks the partition failed after a disk error; returns the error to report. */
  private fail(error: unknown): BrookError {
    if (error instanceof BrookError && error.code !== 'STORAGE_ERROR') return error;
    if (this.failure === undefined) {
      this.logger.error(
        { err: error, topic: this.topic, partition: this.index },
        'partition storage failed; the partition is offline until the broker restarts',
      );
      this.failure = new BrookError(
        'STORAGE_ERROR',
        `partition ${this.topic}-${this.index} is offline after a disk error`,
        { cause: error },
      );
      this.rejectWaiters(this.failure);
    }
    return this.failure;
  }

  /** Throws OFFSET_OUT_OF_RANGE unless logStartOffset <= offset <= logEndOffset. */
  checkOffset(offset: number): void {
    this.checkUsable();
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new BrookError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is out of range for ${this.topic}-${this.index}: the log holds ` +
          `[${this.logStartOffset}, ${this.highWatermark})`,
        {
          details: {
            topic: this.topic,
            partition: String(this.index),
            'log-start-offset': String(this.logStartOffset),
            'high-watermark': String(this.highWatermark),
          },
        },
      );
    }
  }

  /**
   * Deletes whole segments past retention, never above the high watermark (records not yet
   * visible to consumers are never removed). Returns the number of segments deleted.
   */
  async applyRetention(): Promise<number> {
    this.checkUsable();
    const result = await this.log.applyRetention({ upToOffset: this.highWatermark });
    return result.deletedSegments;
  }

  /** The first record at or after `timestampMs`, from the log's time index. */
  async offsetForTimestamp(
    timestampMs: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    this.checkUsable();
    return this.log.offsetForTimestamp(timestampMs);
  }

  /** Whole batches from the one holding `offset`, below the high watermark. */
  async read(offset: number, bytesMax: number): Promise<{ data: Buffer; nextOffset: number }> {
    this.checkOffset(offset);
    const result = await this.log.read(offset, bytesMax, this.highWatermark);
    return { data: result.data, nextOffset: Math.max(result.nextOffset, offset) };
  }

  /**
   * Resolves once the high watermark passes `offset` (at once if it already has), or when
   * `signal` aborts; rejects when the partition closes or fails. Timeouts are the caller's
   * job, through the signal.
   */
  waitForData(offset: number, signal: AbortSignal): Promise<void> {
    this.checkUsable();
    if (offset < this.highWatermark || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  private rejectWaiters(error: BrookError): void {
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters.clear();
  }

  /** Stops serving: waiting readers get `reason`; then the log is flushed and closed. */
  async close(reason: BrookError): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectWaiters(reason);
    await this.log.close();
  }
}
