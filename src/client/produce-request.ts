/**
 * One produce request: encode a partition's drained batches back to back, send them to the
 * partition's leader, retry retriable failures (re-resolving the leader after NOT_LEADER or an
 * unreachable broker), then report every record's outcome to its sink.
 *
 * The broker appends the batches of one request contiguously, so batch i starts at
 * `baseOffset + (records in batches before i)`. The promise returned never rejects: failures are
 * delivered to the sinks.
 */
import { isMetadataStale } from './metadata.js';
import { BrookError, isBrookError } from '../protocol/errors.js';
import type { ProduceResponse__Output } from '../protocol/gen/brook/v1/ProduceResponse.js';
import { encodeBatch } from '../protocol/record-batch.js';
import type { PartitionQueue, ProducerBatch } from './accumulator.js';
import { rpc } from './connection.js';
import type { ClientContext } from './context.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import { retrying } from './retry.js';

/** Extra time the client grants beyond the broker's own produce timeout before giving up. */
const DEADLINE_GRACE_MS = 5_000;

/** Codes after which the cached leader may be wrong. */
export async function sendProduceRequest(
  context: ClientContext,
  options: ResolvedProducerOptions,
  queue: PartitionQueue,
  batches: readonly ProducerBatch[],
): Promise<void> {
  const { topic, partition } = queue;
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
    const response = await retrying(
      async () => {
        const address = await context.metadata.leaderAddress(topic, partition);
        const connection = context.pool.get(address);
        return rpc.produce(
          connection,
          {
            topic,
            partition,
            acks: options.acks,
            timeoutMs: options.requestTimeoutMs,
            batches: payload,
          },
          { timeoutMs: options.requestTimeoutMs + DEADLINE_GRACE_MS },
        );
      },
      {
        policy: options.retry,
        random: context.random,
        onRetry: (error, attempt, delayMs) => {
          if (isMetadataStale(error.code)) context.metadata.invalidate(topic);
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
      ? error
      : new BrookError('UNKNOWN', `produce to ${topic}/${partition} failed: ${String(error)}`, {
          cause: error,
        });
    if (isMetadataStale(failure.code)) context.metadata.invalidate(topic);
    for (const batch of batches) for (const sink of new Set(batch.sinks)) sink.fail(failure);
  }
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
