/**
 * The fetch loop of one assigned partition: while the prefetch buffer has room, long-poll the
 * partition's leader for raw batches from `fetchOffset`, decode them, and hand the records to the
 * consumer's queue.
 *
 * - A seek bumps the epoch and cancels the fetch in flight; anything fetched under an older
 *   epoch is discarded, so no record from before the seek is yielded after it.
 * - Retriable errors are retried with backoff (leader re-resolved after NOT_LEADER or an
 *   unreachable broker, or at once at the leader a NOT_LEADER names); anything else, or retries running out, stops this partition and is
 *   reported to the consumer, which throws it from the iterator. A later seek restarts it.
 * - OFFSET_OUT_OF_RANGE is reported like any error unless `onOutOfRange` says to jump to the
 *   earliest or latest offset, which then happens as if by seek.
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import type { FetchResponse__Output } from '../protocol/gen/brook/v1/FetchResponse.js';
import { rpc } from './connection.js';
import type { ClientContext } from './context.js';
import type { ResolvedConsumerOptions } from './consumer-options.js';
import { recordsFromBatches } from './fetch-decoder.js';
import { LeaderRetry } from './leader-retry.js';
import { listOffsets } from './offsets.js';
import type { PartitionCursor, RecordQueue } from './record-queue.js';
import { retrying, sleep } from './retry.js';

/** Pause after an empty answer that came back well before `maxWaitMs` (a broker that does not long-poll). */
const EMPTY_FETCH_PAUSE_MS = 100;

export interface FetcherDependencies {
  readonly context: ClientContext;
  readonly options: ResolvedConsumerOptions;
  readonly queue: RecordQueue;
  readonly onError: (fetcher: PartitionFetcher, error: BrookError) => void;
}

export class PartitionFetcher implements PartitionCursor {
  position: number;
  epoch = 0;
  /** Next offset to fetch; at or ahead of `position` by what is buffered. */
  private fetchOffset: number;
  private controller = new AbortController();
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    offset: number,
    private readonly deps: FetcherDependencies,
  ) {
    this.position = offset;
    this.fetchOffset = offset;
  }

  start(): void {
    if (this.stopped || this.running !== undefined) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Moves to `offset`: buffered and in-flight data of the old position is dropped. */
  seek(offset: number): void {
    this.jump(offset);
    this.controller.abort(new BrookError('BROKER_UNAVAILABLE', 'fetch cancelled by seek'));
    this.start();
  }

  /** Stops fetching for good and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort(new BrookError('BROKER_UNAVAILABLE', 'the consumer stopped fetching'));
    this.deps.queue.drop(this);
    await this.running;
  }

  /** False once a seek or a stop has overtaken work started under `epoch`. */
  private isCurrent(epoch: number): boolean {
    return !this.stopped && epoch === this.epoch;
  }

  private jump(offset: number): void {
    this.position = offset;
    this.fetchOffset = offset;
    this.epoch += 1;
    this.deps.queue.drop(this);
  }

  private async run(): Promise<void> {
    const { queue } = this.deps;
    while (!this.stopped) {
      await queue.waitForRoom();
      if (!this.isCurrent(this.epoch)) return;
      const controller = new AbortController();
      this.controller = controller;
      const epoch = this.epoch;
      const offset = this.fetchOffset;
      try {
        const startedMs = Date.now();
        const response = await this.fetchOnce(offset, controller.signal);
        const decoded = await recordsFromBatches(
          this.topic,
          this.partition,
          response.batches,
          offset,
        );
        if (!this.isCurrent(epoch)) continue;
        this.fetchOffset = decoded.nextOffset;
        queue.push(this, epoch, decoded.records, response.batches.length);
        if (response.batches.length === 0) await this.pauseIfEager(startedMs, controller.signal);
      } catch (error) {
        // Cancelled by a seek or a stop: the loop picks up the new state.
        if (!this.isCurrent(epoch)) continue;
        if (!(await this.recover(error, epoch))) return;
      }
    }
  }

  private fetchOnce(offset: number, signal: AbortSignal): Promise<FetchResponse__Output> {
    const { context, options } = this.deps;
    const routing = new LeaderRetry(context.metadata, this.topic, this.partition);
    return retrying(
      async () => {
        const address = await routing.leaderAddress();
        return rpc.fetch(
          context.pool.get(address),
          {
            topic: this.topic,
            partition: this.partition,
            offset,
            maxBytes: options.maxBytesPerPartition,
            maxWaitMs: options.maxWaitMs,
            minBytes: options.minBytes,
            format: 'RECORD_FORMAT_BATCHES',
          },
          { timeoutMs: options.requestTimeoutMs + options.maxWaitMs, signal },
        );
      },
      {
        policy: options.retry,
        random: context.random,
        signal,
        chooseDelayMs: (error, backoffMs) => routing.chooseDelayMs(error, backoffMs),
        onRetry: (error, attempt, delayMs) => {
          context.logger.warn(
            { topic: this.topic, partition: this.partition, code: error.code, attempt, delayMs },
            `fetch failed: ${error.message}; retrying`,
          );
        },
      },
    );
  }

  private async pauseIfEager(startedMs: number, signal: AbortSignal): Promise<void> {
    const elapsedMs = Date.now() - startedMs;
    if (elapsedMs * 2 < this.deps.options.maxWaitMs) {
      await sleep(Math.min(EMPTY_FETCH_PAUSE_MS, this.deps.options.maxWaitMs), signal);
    }
  }

  /** Handles a failed fetch; false when this partition stops. */
  private async recover(error: unknown, epoch: number): Promise<boolean> {
    let failure = toBrookError(error);
    const policy = this.deps.options.onOutOfRange;
    if (failure.code === 'OFFSET_OUT_OF_RANGE' && policy !== 'error') {
      try {
        const [entry] = await listOffsets(this.deps.context, this.topic, policy, [this.partition]);
        if (!this.isCurrent(epoch)) return true;
        if (entry !== undefined) {
          this.deps.context.logger.warn(
            {
              topic: this.topic,
              partition: this.partition,
              from: this.fetchOffset,
              to: entry.offset,
            },
            `offset out of range; jumping to the ${policy} offset`,
          );
          this.jump(entry.offset);
          return true;
        }
      } catch (resetError) {
        failure = toBrookError(resetError);
      }
    }
    this.deps.onError(this, failure);
    return false;
  }
}

function toBrookError(error: unknown): BrookError {
  if (isBrookError(error)) return error;
  return new BrookError('UNKNOWN', `fetch failed: ${String(error)}`, { cause: error });
}
