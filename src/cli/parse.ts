/**
 * Parsers for flag values. Each throws commander's InvalidArgumentError, which commander reports
 * as a usage error naming the flag (exit code 2), so `--partitions abc` never reaches a command.
 */
import { InvalidArgumentError } from 'commander';

/** A parser for an integer flag in [min, max]. */
export function integerIn(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string): number => {
    const parsed = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
      throw new InvalidArgumentError(`expected an integer ${range}.`);
    }
    return parsed;
  };
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** Collects repeated `key=value` flags into a list (split at the first "="). */
export function collectKeyValue(
  value: string,
  previous: readonly KeyValue[] | undefined,
): KeyValue[] {
  const separator = value.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError('expected key=value.');
  return [
    ...(previous ?? []),
    { key: value.slice(0, separator), value: value.slice(separator + 1) },
  ];
}

/** host:port[,host:port...], as the client accepts it. */
export function bootstrapList(value: string): string[] {
  const list = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const address = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
  if (list.length === 0 || !list.every((entry) => address.test(entry))) {
    throw new InvalidArgumentError('expected HOST:PORT[,HOST:PORT...].');
  }
  return list;
}

/** HOST:PORT for a listener (port 0 = any free port). */
export function listenAddress(value: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.test(value)) {
    throw new InvalidArgumentError('expected HOST:PORT.');
  }
  return value;
}

/** An ISO-8601 date-time, or milliseconds since the epoch. */
export function timePoint(value: string): number {
  const trimmed = value.trim();
  const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError(
      'expected an ISO-8601 time (e.g. 2024-05-01T12:00:00Z) or epoch milliseconds.',
    );
  }
  return parsed;
}
