/**
 * One produce request: encode a partition's drained batches back to back, send them to the
 * partition's leader, retry retriable failures until the delivery deadline (re-resolving the
 * leader after NOT_LEADER or an unreachable broker, and going straight to the leader a
 * NOT_LEADER names), then report every record's outcome to its sink.
 *
 * The delivery deadline is the oldest batch's creation plus `deliveryTimeoutMs`; no attempt
 * waits for the broker past it (the broker's own timeout is cut to what is left). When retries
 * end with a retriable error, the records fail with that error's code and a message that says
 * what it means for the partition (no quorum, no reachable leader) and how long it was tried.
 *
 * The broker appends the batches of one request contiguously, so batch i starts at
 * `baseOffset + (records in batches before i)`. The promise returned never rejects: failures are
 * delivered to the sinks.
 */
import { BrookError, isBrookError, type ErrorCode } from '../protocol/errors.js';
import type { ProduceResponse__Output } from '../protocol/gen/brook/v1/ProduceResponse.js';
import { encodeBatch } from '../protocol/record-batch.js';
import type { PartitionQueue, ProducerBatch } from './accumulator.js';
import { rpc } from './connection.js';
import type { ClientContext } from './context.js';
import { LeaderRetry } from './leader-retry.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import { retrying } from './retry.js';

/** Extra time the client grants beyond the broker's own produce timeout before giving up. */
const DEADLINE_GRACE_MS = 5_000;
/** How far past the delivery deadline a call may still run (the broker's answer is on its way). */
const DELIVERY_SLACK_MS = 1_000;

/** Sends one request's batches and settles their sinks; never rejects. */
export async function sendProduceRequest(
  context: ClientContext,
  options: ResolvedProducerOptions,
  queue: PartitionQueue,
  batches: readonly ProducerBatch[],
): Promise<void> {
  const { topic, partition } = queue;
  let attempts = 0;
  try {
    const encoded = await Promise.all(
      batches.map((batch) =>
        encodeBatch(batch.records, {
          compression: options.compression,
          defaultTimestamp: batch.createdAtMs,
        }),
      ),
    );
    const payload =
      encoded.length === 1 && encoded[0] !== undefined ? encoded[0] : Buffer.concat(encoded);
    const deadlineMs =
      Math.min(...batches.map((batch) => batch.createdAtMs)) + options.deliveryTimeoutMs;
    const routing = new LeaderRetry(context.metadata, topic, partition);
    const response = await retrying(
      async () => {
        attempts += 1;
        const address = await routing.leaderAddress();
        const remainingMs = Math.max(1, deadlineMs - Date.now());
        const timeoutMs = Math.min(options.requestTimeoutMs, remainingMs);
        return rpc.produce(
          context.pool.get(address),
          { topic, partition, acks: options.acks, timeoutMs, batches: payload },
          { timeoutMs: Math.min(timeoutMs + DEADLINE_GRACE_MS, remainingMs + DELIVERY_SLACK_MS) },
        );
      },
      {
        policy: options.retry,
        random: context.random,
        deadlineMs,
        chooseDelayMs: (error, backoffMs) => routing.chooseDelayMs(error, backoffMs),
        onRetry: (error, attempt, delayMs) => {
          context.logger.warn(
            { topic, partition, code: error.code, attempt, delayMs },
            `produce failed: ${error.message}; retrying`,
          );
        },
      },
    );
    complete(batches, partition, response);
  } catch (error) {
    const failure = isBrookError(error)
      ? gaveUp(error, topic, partition, attempts, options)
      : new BrookError('UNKNOWN', `produce to ${topic}/${partition} failed: ${String(error)}`, {
          cause: error,
        });
    context.metadata.noteLeaderFailure(topic, partition, failure, undefined);
    for (const batch of batches) for (const sink of new Set(batch.sinks)) sink.fail(failure);
  }
}

/**
 * The error records fail with once retrying stopped: a non-retriable error as it came; a
 * retriable one (the deadline passed) with the same code, rephrased as what it means.
 */
function gaveUp(
  error: BrookError,
  topic: string,
  partition: number,
  attempts: number,
  options: ResolvedProducerOptions,
): BrookError {
  if (!error.retriable || attempts === 0) return error;
  const meaning = meaningOf(error.code, `partition ${topic}-${partition}`, options);
  return new BrookError(
    error.code,
    `${meaning}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (last error ${error.code}: ${error.message})`,
    { cause: error, details: { ...error.details, topic, partition: String(partition) } },
  );
}

function complete(
  batches: readonly ProducerBatch[],
  partition: number,
  response: ProduceResponse__Output,
): void {
  const appendTimeMs = response.logAppendTimeMs;
  let baseOffset = response.baseOffset;
  for (const batch of batches) {
    const { records, sinks, indexes } = batch;
    for (let index = 0; index < records.length; index++) {
      const sink = sinks[index];
      const record = records[index];
      if (sink === undefined || record === undefined) continue;
      const offset = baseOffset < 0 ? -1 : baseOffset + index;
      const timestamp = appendTimeMs >= 0 ? appendTimeMs : (record.timestamp ?? batch.createdAtMs);
      sink.succeed(indexes[index] ?? index, batch.topic, partition, offset, timestamp);
    }
    if (baseOffset >= 0) baseOffset += records.length;
  }
}

/** What giving up on `code` means for the partition `name`. */
function meaningOf(code: ErrorCode, name: string, options: ResolvedProducerOptions): string {
  const within = `within ${options.deliveryTimeoutMs} ms`;
  if (code === 'NOT_ENOUGH_REPLICAS') {
    return `${name} could not reach a quorum of its replicas ${within}`;
  }
  if (code === 'REQUEST_TIMED_OUT' && options.acks === 'ACKS_ALL') {
    return `${name} could not reach a quorum of its replicas ${within} (no commit in time)`;
  }
  if (code === 'NOT_LEADER' || code === 'BROKER_UNAVAILABLE') {
    return `${name} had no reachable leader ${within} (a majority of its replicas may be down)`;
  }
  return `produce to ${name} failed ${within}`;
}
