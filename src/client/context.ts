/**
 * What every part of one `Brook` client shares: its connections, its metadata cache, its logger
 * and its defaults. Producers, consumers and the admin receive it from `Brook`; none of them
 * owns it or closes it.
 */
import type { Logger } from '../util/ports.js';
import type { ConnectionPool } from './connection.js';
import type { MetadataCache } from './metadata.js';
import type { RetryPolicy } from './retry.js';

export interface ClientContext {
  readonly clientId: string;
  readonly pool: ConnectionPool;
  readonly metadata: MetadataCache;
  readonly logger: Logger;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  /** Uniform in [0, 1): jitter and sticky partition choice. Injected so tests can pin it. */
  readonly random: () => number;
}
