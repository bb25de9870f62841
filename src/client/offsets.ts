/**
 * Offset look-ups (earliest, latest, first at a time) for some or all partitions of a topic.
 * Only a partition's leader knows its high watermark for sure, so the partitions are grouped by
 * leader and each leader is asked about its own; the answers are merged in partition order.
 * Shared by the admin API and the consumer's start positions.
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import type { OffsetSpec } from '../protocol/gen/brook/v1/OffsetSpec.js';
import { rpc } from './connection.js';
import type { ClientContext } from './context.js';
import { unknownTopic, isMetadataStale } from './metadata.js';
import { describe } from './options.js';
import { retrying } from './retry.js';
import type { OffsetQuery, PartitionOffset } from './types.js';

interface SpecRequest {
  readonly spec: OffsetSpec;
  readonly timestampMs: number;
}

function toSpec(query: OffsetQuery): SpecRequest {
  if (query === 'earliest') return { spec: 'OFFSET_SPEC_EARLIEST', timestampMs: 0 };
  if (query === 'latest') return { spec: 'OFFSET_SPEC_LATEST', timestampMs: 0 };
  if (typeof query === 'object' && Number.isSafeInteger(query.timestamp) && query.timestamp >= 0) {
    return { spec: 'OFFSET_SPEC_TIMESTAMP', timestampMs: query.timestamp };
  }
  throw new BrookError(
    'INVALID_REQUEST',
    `an offset query is 'earliest', 'latest' or { timestamp: milliseconds >= 0 }, got ${describe(query)}`,
  );
}

export async function listOffsets(
  context: ClientContext,
  topic: string,
  query: OffsetQuery,
  partitions?: readonly number[],
): Promise<PartitionOffset[]> {
  const spec = toSpec(query);
  return retrying(
    async () => {
      const wanted = await partitionsByLeader(context, topic, partitions);
      const answers = await Promise.all(
        [...wanted].map(async ([address, leaderPartitions]) => {
          const response = await rpc.listOffsets(
            context.pool.get(address),
            { topic, partitions: leaderPartitions, spec: spec.spec, timestampMs: spec.timestampMs },
            { timeoutMs: context.requestTimeoutMs },
          );
          return response.offsets;
        }),
      );
      return answers
        .flat()
        .map((entry) => ({
          partition: entry.partition,
          offset: entry.offset,
          timestamp: entry.timestampMs,
        }))
        .sort((left, right) => left.partition - right.partition);
    },
    {
      policy: context.retry,
      random: context.random,
      onRetry: (error) => {
        if (isMetadataStale(error.code)) context.metadata.invalidate(topic);
      },
    },
  ).catch((error: unknown) => {
    if (isBrookError(error, 'UNKNOWN_TOPIC')) {
      context.metadata.invalidate(topic);
      throw unknownTopic(topic, error);
    }
    throw error;
  });
}

/** Leader address → the partitions (of those wanted; all when none given) it leads. */
async function partitionsByLeader(
  context: ClientContext,
  topic: string,
  partitions: readonly number[] | undefined,
): Promise<Map<string, number[]>> {
  const info = await context.metadata.topic(topic);
  const wanted = partitions ?? info.partitions.map((partition) => partition.partition);
  const byLeader = new Map<string, number[]>();
  for (const partition of wanted) {
    const address = await context.metadata.leaderAddress(topic, partition);
    const list = byLeader.get(address) ?? [];
    list.push(partition);
    byLeader.set(address, list);
  }
  return byLeader;
}
