/**
 * `Brook`, the client's entry point: it owns the connections and the metadata cache, and makes
 * the admin, producers and consumers that share them.
 *
 * `close()` closes every producer (flushing what they hold) and consumer it made, then the
 * connections; afterwards nothing keeps the process alive. The client never logs unless given a
 * logger.
 */
import { BrookError } from '../protocol/errors.js';
import { silentLogger, type Logger } from '../util/ports.js';
import { Admin } from './admin.js';
import { ConnectionPool } from './connection.js';
import type { ClientContext } from './context.js';
import { Consumer } from './consumer.js';
import type { ConsumerOptions } from './consumer-options.js';
import { MetadataCache } from './metadata.js';
import { describe, integerOption, invalidOptions, optionBag, stringOption } from './options.js';
import { Producer } from './producer.js';
import type { ProducerOptions } from './producer-options.js';
import { defaultRetryPolicy, retryPolicyOption, type RetryPolicy } from './retry.js';

export interface BrookOptions {
  /** host:port of one or more brokers to learn the cluster from. */
  readonly bootstrap: string | readonly string[];
  /** Names this client in broker logs (default "brook-client"). */
  readonly clientId?: string;
  /** A pino(-compatible) logger; the client is silent without one. */
  readonly logger?: Logger;
  /** Deadline of each request (default 30 s; fetches add their wait on top). */
  readonly requestTimeoutMs?: number;
  /** Retries of retriable failures (default 10 retries, 100 ms doubling to 2 s, with jitter). */
  readonly retry?: Partial<RetryPolicy>;
  /** How long cached metadata is trusted when nothing says it is stale (default 5 min). */
  readonly metadataMaxAgeMs?: number;
}

const WHAT = 'client';
const KEYS = ['bootstrap', 'clientId', 'logger', 'requestTimeoutMs', 'retry', 'metadataMaxAgeMs'];

export class Brook {
  private readonly context: ClientContext;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private adminClient: Admin | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: BrookOptions) {
    const bag = optionBag(options, WHAT, KEYS);
    const bootstrap = parseBootstrap(bag['bootstrap']);
    const clientId = stringOption(bag, 'clientId', WHAT) ?? 'brook-client';
    const logger = loggerOption(bag['logger']).child({ clientId });
    const requestTimeoutMs = integerOption(
      bag,
      'requestTimeoutMs',
      WHAT,
      { min: 1, max: 3_600_000 },
      30_000,
    );
    const retry = retryPolicyOption(bag['retry'], WHAT, defaultRetryPolicy);
    const metadataMaxAgeMs = integerOption(
      bag,
      'metadataMaxAgeMs',
      WHAT,
      { min: 0, max: 86_400_000 },
      300_000,
    );
    const pool = new ConnectionPool();
    const random = Math.random;
    const metadata = new MetadataCache({
      pool,
      bootstrap,
      requestTimeoutMs,
      retry,
      maxAgeMs: metadataMaxAgeMs,
      logger,
      random,
    });
    this.context = { clientId, pool, metadata, logger, requestTimeoutMs, retry, random };
  }

  admin(): Admin {
    this.assertOpen();
    this.adminClient ??= new Admin(this.context);
    return this.adminClient;
  }

  producer(options?: ProducerOptions): Producer {
    this.assertOpen();
    const producer = new Producer(this.context, options);
    this.producers.add(producer);
    return producer;
  }

  consumer(options?: ConsumerOptions): Consumer {
    this.assertOpen();
    const consumer: Consumer = new Consumer(this.context, options, () =>
      this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /** Flushes and closes producers, closes consumers, then the connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await Promise.all([
          ...[...this.producers].map((producer) => producer.close()),
          ...[...this.consumers].map((consumer) => consumer.close()),
        ]);
      } finally {
        this.context.pool.close();
      }
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new BrookError('INVALID_REQUEST', 'the client is closed');
  }
}

/** host:port, hostname or IPv4 or [IPv6], port 1-65535. */
const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function parseBootstrap(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((entry) => entry.trim()) : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidOptions(
      WHAT,
      `"bootstrap" must be "host:port" or a non-empty list of them, got ${describe(value)}`,
    );
  }
  return list.map((entry: unknown) => {
    const match = typeof entry === 'string' ? ADDRESS.exec(entry) : null;
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65_535) {
      throw invalidOptions(WHAT, `bootstrap address ${describe(entry)} is not host:port`);
    }
    return entry as string;
  });
}

function loggerOption(value: unknown): Logger {
  if (value === undefined) return silentLogger;
  const methods = ['debug', 'info', 'warn', 'error', 'child'] as const;
  if (
    typeof value !== 'object' ||
    value === null ||
    !methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function')
  ) {
    throw invalidOptions(
      WHAT,
      `"logger" must have debug, info, warn, error and child methods (a pino logger does)`,
    );
  }
  return value as Logger;
}
