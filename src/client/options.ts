/**
 * Validation of the option objects users hand to the client (`new Brook(...)`, `producer(...)`,
 * `consumer(...)`). Options come from untyped JavaScript as often as from TypeScript, so every
 * field is checked at the boundary and unknown keys are refused: a misspelt `lingerMS` must fail
 * loudly instead of silently running with the default.
 *
 * Failures are `BrookError`s with code INVALID_REQUEST whose message names the object, the key,
 * what was expected and what was given. Nothing here performs I/O or keeps state.
 */
import { BrookError } from '../protocol/errors.js';

export type OptionBag = Readonly<Record<string, unknown>>;

export function invalidOptions(what: string, problem: string): BrookError {
  return new BrookError('INVALID_REQUEST', `invalid ${what} options: ${problem}`);
}

/** Checks that `value` is a plain object (or undefined, read as empty) with only known keys. */
export function optionBag(value: unknown, what: string, knownKeys: readonly string[]): OptionBag {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidOptions(what, `expected an object, got ${describe(value)}`);
  }
  const bag = value as OptionBag;
  const unknown = Object.keys(bag).filter((key) => !knownKeys.includes(key));
  if (unknown.length > 0) {
    const names = unknown.map((key) => `"${key}"`).join(', ');
    throw invalidOptions(what, `unknown key ${names} (known keys: ${knownKeys.join(', ')})`);
  }
  return bag;
}

export interface IntegerRange {
  readonly min: number;
  readonly max?: number;
}

/** An integer field within `range`, or `fallback` when absent. */
export function integerOption(
  bag: OptionBag,
  key: string,
  what: string,
  range: IntegerRange,
  fallback: number,
): number {
  const value = bag[key];
  if (value === undefined) return fallback;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    value < range.min ||
    value > max
  ) {
    const bounds = range.max === undefined ? `>= ${range.min}` : `in [${range.min}, ${max}]`;
    throw invalidOptions(what, `"${key}" must be an integer ${bounds}, got ${describe(value)}`);
  }
  return value;
}

/** A string field that must be one of `allowed`, or `fallback` when absent. */
export function choiceOption<T extends string>(
  bag: OptionBag,
  key: string,
  what: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = bag[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidOptions(
      what,
      `"${key}" must be one of ${allowed.map((choice) => `"${choice}"`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** An optional string field; `undefined` when absent. */
export function stringOption(bag: OptionBag, key: string, what: string): string | undefined {
  const value = bag[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalidOptions(what, `"${key}" must be a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** A short, safe rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'object':
      return 'an object';
  }
  return 'a value';
}
