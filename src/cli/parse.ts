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

/** A controller voter named on the command line. */
export interface PeerSpec {
  readonly id: number;
  readonly address: string;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const BROKER_ID_MAX = 2_147_483_647;

function isPort(text: string | undefined): boolean {
  const port = Number(text);
  return Number.isInteger(port) && port >= 1 && port <= 65_535;
}

/**
 * The controller voters, in Kafka's `id@host:port[,id@host:port...]` form: ids are distinct
 * integers, addresses distinct HOST:PORT with a port from 1 to 65535.
 */
export function peerList(value: string): PeerSpec[] {
  const expected =
    'expected ID@HOST:PORT[,ID@HOST:PORT...], e.g. 1@127.0.0.1:9092,2@127.0.0.1:9093';
  const entries = value.split(',').map((entry) => entry.trim());
  const peers = entries.map((entry) => {
    const at = entry.indexOf('@');
    const id = entry.slice(0, at);
    const address = entry.slice(at + 1);
    const match = HOST_PORT.exec(address);
    if (at <= 0 || !/^\d+$/.test(id) || Number(id) > BROKER_ID_MAX || !isPort(match?.[2])) {
      throw new InvalidArgumentError(`"${entry}" is not ID@HOST:PORT; ${expected}.`);
    }
    return { id: Number(id), address };
  });
  const ids = new Set(peers.map((peer) => peer.id));
  const addresses = new Set(peers.map((peer) => peer.address));
  if (ids.size !== peers.length) throw new InvalidArgumentError(`a broker id appears twice.`);
  if (addresses.size !== peers.length) throw new InvalidArgumentError(`an address appears twice.`);
  return peers;
}

/** Distinct broker ids, `1,2,4`. */
export function brokerIdList(value: string): number[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (!entries.every((entry) => /^\d+$/.test(entry) && Number(entry) <= BROKER_ID_MAX)) {
    throw new InvalidArgumentError('expected broker ids, e.g. 1,2,4.');
  }
  const ids = entries.map(Number);
  if (new Set(ids).size !== ids.length)
    throw new InvalidArgumentError('a broker id appears twice.');
  return ids;
}
