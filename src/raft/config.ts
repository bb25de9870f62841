/**
 * RaftConfig checks and the defaults of its optional bounds. The bounds keep a leader that
 * cannot reach a quorum (check-quorum off, or within the election timeout before it steps
 * down) from queueing without limit: etcd's MaxUncommittedEntriesSize, and a cap on pending
 * ReadIndex requests. Beyond them the leader answers BUSY (types.ts, ProposeError).
 */
import { assert } from '../util/assert.js';
import type { RaftConfig } from './types.js';

/** Default RaftConfig.readIndexPendingMax. */
export const READ_INDEX_PENDING_MAX_DEFAULT = 10_000;
/** Default RaftConfig.uncommittedBytesMax: 64 MiB. */
export const UNCOMMITTED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

/** The bounds in force, defaults applied. */
export interface RaftLimits {
  readonly readIndexPendingMax: number;
  readonly uncommittedBytesMax: number;
}

/** Asserts `config` is usable (a local programmer error otherwise) and resolves its bounds. */
export function resolveConfig(config: RaftConfig): RaftLimits {
  const { electionTicks, heartbeatTicks } = config;
  assert(Number.isSafeInteger(electionTicks) && electionTicks >= 1, 'electionTicks must be >= 1');
  assert(
    Number.isSafeInteger(heartbeatTicks) && heartbeatTicks >= 1 && heartbeatTicks < electionTicks,
    'heartbeatTicks must be >= 1 and < electionTicks',
  );
  assert(
    config.quiesceAfterTicks === undefined ||
      (Number.isSafeInteger(config.quiesceAfterTicks) && config.quiesceAfterTicks >= 1),
    'quiesceAfterTicks must be >= 1 when set',
  );
  assert(config.inflightMessagesMax >= 1, 'inflightMessagesMax must be >= 1');
  assert(config.inflightBytesMax >= 1, 'inflightBytesMax must be >= 1');
  assert(config.messageBytesMax >= 1, 'messageBytesMax must be >= 1');
  const limits: RaftLimits = {
    readIndexPendingMax: config.readIndexPendingMax ?? READ_INDEX_PENDING_MAX_DEFAULT,
    uncommittedBytesMax: config.uncommittedBytesMax ?? UNCOMMITTED_BYTES_MAX_DEFAULT,
  };
  assert(limits.readIndexPendingMax >= 1, 'readIndexPendingMax must be >= 1');
  assert(limits.uncommittedBytesMax >= 1, 'uncommittedBytesMax must be >= 1');
  return limits;
}
