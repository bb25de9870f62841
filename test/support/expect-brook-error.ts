/**
 * Assertions for coded failures: the error must be a BrookError with exactly the expected code,
 * not merely "something threw" (a TypeError from a decoder bug must fail these tests).
 */
import { expect } from 'vitest';
import { BrookError, type ErrorCode } from '../../src/protocol/errors.js';

function checked(caught: unknown, code: ErrorCode): BrookError {
  expect(caught, 'expected a BrookError').toBeInstanceOf(BrookError);
  const error = caught as BrookError;
  expect(error.code, error.message).toBe(code);
  return error;
}

export function expectBrookError(action: () => unknown, code: ErrorCode): BrookError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  return checked(caught, code);
}

export async function expectBrookErrorAsync(
  action: () => Promise<unknown>,
  code: ErrorCode,
): Promise<BrookError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  return checked(caught, code);
}
