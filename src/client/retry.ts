/**
 * Retries with exponential backoff and jitter, for retriable Brook errors only.
 *
 * Backoff for attempt n (0-based) is drawn from [ceiling/2, ceiling] with
 * ceiling = min(maxBackoffMs, initialBackoffMs * 2^n) ("equal jitter"): clients that failed
 * together spread out instead of hammering a recovering broker in lockstep, while the wait never
 * collapses to zero. Non-retriable errors and anything that is not a BrookError (a bug) propagate
 * at once. The randomness is injected so that tests can pin it.
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import { integerOption, optionBag } from './options.js';

export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly retries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 10,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
};

/** Validates a user's `retry` option; missing fields come from `fallback`. */
export function retryPolicyOption(
  value: unknown,
  what: string,
  fallback: RetryPolicy,
): RetryPolicy {
  const bag = optionBag(value, `${what} retry`, ['retries', 'initialBackoffMs', 'maxBackoffMs']);
  const retries = integerOption(bag, 'retries', what, { min: 0, max: 1_000 }, fallback.retries);
  const initialBackoffMs = integerOption(
    bag,
    'initialBackoffMs',
    what,
    { min: 1, max: 60_000 },
    fallback.initialBackoffMs,
  );
  const maxBackoffMs = integerOption(
    bag,
    'maxBackoffMs',
    what,
    { min: initialBackoffMs, max: 300_000 },
    Math.max(fallback.maxBackoffMs, initialBackoffMs),
  );
  return { retries, initialBackoffMs, maxBackoffMs };
}

/** Milliseconds to wait before retry `attempt` (0 = the first retry); `random01` in [0, 1). */
export function backoffMs(attempt: number, policy: RetryPolicy, random01: number): number {
  const ceiling = Math.min(
    policy.maxBackoffMs,
    policy.initialBackoffMs * 2 ** Math.min(attempt, 30),
  );
  return Math.round(ceiling / 2 + (random01 * ceiling) / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why a signal aborted, as an Error (a bare `abort()` gives a DOMException, also an Error). */
export function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new BrookError('BROKER_UNAVAILABLE', 'the operation was cancelled');
}

export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  /**
   * Wall-clock time (Date.now() scale) after which no new attempt starts: a retry whose wait
   * would end past it is not made, and the last error is thrown instead.
   */
  readonly deadlineMs?: number;
  /**
   * Chooses the wait before the next attempt, given the backoff the policy would wait (0: retry
   * at once, as after a NOT_LEADER naming the new leader). Called before `onRetry`.
   */
  readonly chooseDelayMs?: (error: BrookError, backoffMs: number) => number;
  /** Called before each wait, e.g. to invalidate metadata or log. */
  readonly onRetry?: (error: BrookError, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds, fails with a non-retriable error, has failed
 * `policy.retries + 1` times, or would retry past `deadlineMs` (then the last error is thrown).
 */
export async function retrying<T>(
  operation: (attempt: number) => Promise<T>,
  context: RetryContext,
): Promise<T> {
  const random = context.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isBrookError(error) || !error.retriable || attempt >= context.policy.retries) {
        throw error;
      }
      if (context.signal?.aborted === true) throw abortReason(context.signal);
      const backoff = backoffMs(attempt, context.policy, random());
      const delayMs = Math.max(0, context.chooseDelayMs?.(error, backoff) ?? backoff);
      if (context.deadlineMs !== undefined && Date.now() + delayMs >= context.deadlineMs) {
        throw error;
      }
      context.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, context.signal);
    }
  }
}
