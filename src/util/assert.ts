/**
 * Assertions for programmer errors. A failed assertion means the code is wrong, not that the
 * input was bad: it throws `AssertionError`, which nothing catches on purpose, so the process
 * stops instead of running on with corrupt state. Expected operating conditions (unknown topic,
 * offset out of range, ...) are `BrookError`s from protocol/errors.ts instead.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: boolean, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** For `switch` defaults over closed unions: the compiler proves this is unreachable. */
export function assertNever(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}

export function unreachable(message = 'unreachable'): never {
  throw new AssertionError(message);
}
