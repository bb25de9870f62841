/**
 * Turns whatever a handler threw into the status a client receives. Expected failures are
 * BrookErrors and pass through with their code; anything else is a bug or an environment fault:
 * it is logged with its stack and reported as UNKNOWN, and the broker keeps serving (one bad
 * request must never take the broker down).
 */
import { BrookError } from '../protocol/errors.js';
import type { Logger } from '../util/ports.js';

export function asBrookError(error: unknown, logger: Logger, method: string): BrookError {
  if (error instanceof BrookError) {
    if (error.code === 'UNKNOWN' || error.code === 'STORAGE_ERROR') {
      logger.error({ err: error, method }, 'request failed');
    }
    return error;
  }
  logger.error({ err: error, method }, 'unexpected error while serving a request');
  const message = error instanceof Error ? error.message : String(error);
  return new BrookError('UNKNOWN', `internal error: ${message}`, { cause: error });
}
