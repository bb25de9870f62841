/**
 * Broker configuration: defaults, an optional JSON file, then command-line flags, in that order
 * of precedence (flags win). Every key is validated and unknown keys are refused, so a typo is
 * an error at start-up rather than a setting silently ignored.
 *
 * Example file:
 *   { "id": 1, "dataDir": "/var/lib/brook", "listen": "0.0.0.0:9092",
 *     "advertisedAddress": "brook-0.brook:9092", "logLevel": "info",
 *     "peers": "1@brook-0.brook:9092,2@brook-1.brook:9092,3@brook-2.brook:9092",
 *     "timing": { "tickMs": 50, "replicaLagTimeMs": 10000 },
 *     "topicDefaults": { "retention.ms": "86400000" }, "limits": { "requestBytesMax": 16777216 } }
 *
 * `peers` (the controller voters, Kafka's `id@host:port` list, or an array of { id, address })
 * left out makes a cluster of one: this broker is its own controller. `timing` holds the keys
 * of ClusterTiming (cluster/types.ts); the ones left out keep their defaults.
 */
import { readFileSync } from 'node:fs';
import { BrookError } from '../protocol/errors.js';
import { assertLimits, defaultLimits, type Limits } from '../util/limits.js';
import { LOG_LEVELS, type LogLevel } from '../runtime/logger.js';
import { topicDefaultsFrom } from '../broker/topic-config.js';
import { DEFAULT_CLUSTER_TIMING } from '../cluster/types.js';
import type { ClusterTiming, PeerAddress } from '../cluster/types.js';
import { asBrokerId } from '../util/brand.js';

export interface BrokerConfig {
  readonly id: number;
  readonly dataDir: string;
  readonly listen: string;
  /** What clients are told to connect to; defaults to `listen` with its bound port. */
  readonly advertisedAddress: string | undefined;
  readonly logLevel: LogLevel;
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  /** Replicas per partition when a topic is created with replication factor 0. */
  readonly defaultReplicationFactor: number;
  /** The controller voters; undefined: a cluster of one (this broker). */
  readonly peers: readonly PeerAddress[] | undefined;
  readonly timing: ClusterTiming;
  readonly retentionCheckIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  /** Topic configuration defaults, with the topic keys (`retention.ms`, ...). */
  readonly topicDefaults: Readonly<Record<string, string>>;
  readonly limits: Limits;
}

export const DEFAULT_BROKER_CONFIG: BrokerConfig = {
  id: 1,
  dataDir: './data',
  listen: '127.0.0.1:9092',
  advertisedAddress: undefined,
  logLevel: 'info',
  autoCreateTopics: false,
  defaultPartitions: 1,
  defaultReplicationFactor: 1,
  peers: undefined,
  timing: DEFAULT_CLUSTER_TIMING,
  retentionCheckIntervalMs: 60_000,
  shutdownTimeoutMs: 10_000,
  topicDefaults: {},
  limits: { ...defaultLimits },
};

function configError(message: string): BrookError {
  return new BrookError('INVALID_CONFIG', message);
}

function expectInteger(key: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw configError(`config ${key} must be an integer >= ${min}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function expectString(key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw configError(`config ${key} must be a non-empty string`);
  }
  return value;
}

export function checkAddress(key: string, value: string): string {
  const match = /^(\[[0-9a-fA-F:]+\]|[a-zA-Z0-9.-]+):(\d{1,5})$/.exec(value);
  if (match === null || Number(match[2]) > 65535) {
    throw configError(`${key} must be HOST:PORT, not ${JSON.stringify(value)}`);
  }
  return value;
}

function parseLimits(value: unknown): Limits {
  if (typeof value !== 'object' || value === null)
    throw configError('config limits must be an object');
  const limits: Limits = { ...defaultLimits };
  for (const [key, raw] of Object.entries(value)) {
    if (!(key in defaultLimits)) {
      throw configError(`unknown limit ${key}; known: ${Object.keys(defaultLimits).join(', ')}`);
    }
    limits[key as keyof Limits] = expectInteger(`limits.${key}`, raw, 0);
  }
  try {
    assertLimits(limits);
  } catch (error) {
    throw configError(`limits are inconsistent: ${(error as Error).message}`);
  }
  return limits;
}

function parseTopicDefaults(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) {
    throw configError('config topicDefaults must be an object');
  }
  const defaults = Object.fromEntries(
    Object.entries(value).map(([key, raw]) => [key, String(raw as string | number)]),
  );
  topicDefaultsFrom(defaults);
  return defaults;
}

/** `1@host:port,2@host:port` or [{ id, address }]: distinct ids and addresses. */
export function parsePeers(value: unknown, key = 'peers'): PeerAddress[] {
  const entries: unknown[] =
    typeof value === 'string'
      ? value.split(',').map((entry) => entry.trim())
      : (value as unknown[]);
  if (!Array.isArray(entries) || entries.length === 0) {
    throw configError(`config ${key} must list the controller voters as ID@HOST:PORT,...`);
  }
  const peers = entries.map((entry) => {
    if (typeof entry === 'string') {
      const at = entry.indexOf('@');
      if (at <= 0 || !/^\d+$/.test(entry.slice(0, at))) {
        throw configError(`config ${key}: "${entry}" is not ID@HOST:PORT`);
      }
      return { id: Number(entry.slice(0, at)), address: entry.slice(at + 1) };
    }
    const record = (entry ?? {}) as Record<string, unknown>;
    return { id: record['id'], address: record['address'] };
  });
  const result = peers.map((peer) => ({
    id: asBrokerId(expectInteger(`${key}.id`, peer.id, 0)),
    address: checkAddress(`${key}.address`, expectString(`${key}.address`, peer.address)),
  }));
  if (new Set(result.map((peer) => peer.id)).size !== result.length) {
    throw configError(`config ${key}: a broker id appears twice`);
  }
  if (new Set(result.map((peer) => peer.address)).size !== result.length) {
    throw configError(`config ${key}: an address appears twice`);
  }
  return result;
}

function parseTiming(value: unknown): ClusterTiming {
  if (typeof value !== 'object' || value === null)
    throw configError('config timing must be an object');
  const timing: Record<string, number> = { ...DEFAULT_CLUSTER_TIMING };
  for (const [key, raw] of Object.entries(value)) {
    if (!(key in DEFAULT_CLUSTER_TIMING)) {
      throw configError(
        `unknown timing key ${key}; known: ${Object.keys(DEFAULT_CLUSTER_TIMING).join(', ')}`,
      );
    }
    timing[key] = expectInteger(`timing.${key}`, raw, 1);
  }
  const result = timing as unknown as ClusterTiming;
  if (result.heartbeatTicks >= result.electionTicks) {
    throw configError('timing.heartbeatTicks must be below timing.electionTicks');
  }
  return result;
}

type Parser = (value: unknown, key: string) => unknown;
const PARSERS: Record<keyof BrokerConfig, Parser> = {
  id: (value, key) => expectInteger(key, value, 0),
  dataDir: (value, key) => expectString(key, value),
  listen: (value, key) => checkAddress(key, expectString(key, value)),
  advertisedAddress: (value, key) => checkAddress(key, expectString(key, value)),
  logLevel: (value, key) => {
    if (!LOG_LEVELS.includes(value as LogLevel)) {
      throw configError(`config ${key} must be one of ${LOG_LEVELS.join(', ')}`);
    }
    return value;
  },
  autoCreateTopics: (value, key) => {
    if (typeof value !== 'boolean') throw configError(`config ${key} must be true or false`);
    return value;
  },
  defaultPartitions: (value, key) => expectInteger(key, value, 1),
  defaultReplicationFactor: (value, key) => expectInteger(key, value, 1),
  peers: (value, key) => parsePeers(value, key),
  timing: parseTiming,
  retentionCheckIntervalMs: (value, key) => expectInteger(key, value, 1),
  shutdownTimeoutMs: (value, key) => expectInteger(key, value, 0),
  topicDefaults: parseTopicDefaults,
  limits: parseLimits,
};

/** Validates a partial configuration object (from a file or flags) onto `base`. */
export function applyConfig(
  base: BrokerConfig,
  values: Readonly<Record<string, unknown>>,
): BrokerConfig {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const parser = (PARSERS as Record<string, Parser | undefined>)[key];
    if (parser === undefined) {
      throw configError(`unknown config key ${key}; known: ${Object.keys(PARSERS).join(', ')}`);
    }
    result[key] = parser(value, key);
  }
  return result as unknown as BrokerConfig;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw configError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw configError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw configError(`config file ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
