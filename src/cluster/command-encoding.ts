/**
 * Metadata commands as a controller-log batch: one uncompressed data batch, one record per
 * command, the record value the command's JSON (the grammar metadata/commands.ts reads back).
 * Keys are null: the controller log is never compacted by key, it is snapshotted.
 *
 * Must not: compress (the state machine applies synchronously and cannot decompress).
 */
import { encodeBatch } from '../protocol/record-batch.js';
import { assert } from '../util/assert.js';
import type { MetadataCommand } from './types.js';

/** Commands per proposal; the controller proposes one at a time, liveness a few. */
export const COMMANDS_PER_BATCH_MAX = 1_000;

export function encodeCommands(
  commands: readonly MetadataCommand[],
  timestampMs: number,
): Promise<Buffer> {
  assert(commands.length > 0 && commands.length <= COMMANDS_PER_BATCH_MAX, 'command count');
  const encoder = new TextEncoder();
  return encodeBatch(
    commands.map((command) => ({ key: null, value: encoder.encode(JSON.stringify(command)) })),
    { defaultTimestamp: timestampMs },
  );
}
