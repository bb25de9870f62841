/**
 * Broker liveness as the controller leader sees it: when it last heard each broker, and which
 * metadata command a heartbeat or a silence calls for. Pure (time is an argument), so the
 * decisions are tested with plain numbers.
 *
 * Rules:
 * - A heartbeat from a broker that is not registered, or registered at another address, calls
 *   for `registerBroker` (which also unfences); from a fenced broker, `unfenceBroker`.
 * - A registered, unfenced broker not heard for longer than the session timeout is fenced. A
 *   new controller leader counts silence from its own start, not from what the previous
 *   leader heard (which it cannot know): every broker gets a full session to reach it.
 *
 * - New replicas go preferably to brokers this leader has itself heard within the session
 *   timeout (`placeable`): a broker that died just before a controller failover is still
 *   unfenced for a full session, but it is never heard, so new partitions avoid it.
 *
 * Must not: read a clock (the caller passes monotonic milliseconds).
 */
import type { BrokerId } from '../util/brand.js';
import type { BrokerRegistration, MetadataCommand } from './types.js';

export class BrokerLiveness {
  private readonly lastHeardMs = new Map<BrokerId, number>();

  constructor(
    private readonly sessionTimeoutMs: number,
    /** When this leader started counting (monotonic ms). */
    private readonly startedMs: number,
  ) {}

  heard(broker: BrokerId, nowMs: number): void {
    this.lastHeardMs.set(broker, nowMs);
  }

  /** When the broker was last heard by this leader (its start when never). */
  lastHeard(broker: BrokerId): number {
    return this.lastHeardMs.get(broker) ?? this.startedMs;
  }

  /** True when this leader itself heard `broker` within the session timeout. */
  placeable(broker: BrokerId, nowMs: number): boolean {
    const heard = this.lastHeardMs.get(broker);
    return heard !== undefined && nowMs - heard <= this.sessionTimeoutMs;
  }

  /** The registered, unfenced brokers this leader has never heard, by id. */
  unheard(brokers: readonly BrokerRegistration[]): BrokerId[] {
    return brokers
      .filter((broker) => !broker.fenced && !this.lastHeardMs.has(broker.id))
      .map((broker) => broker.id)
      .sort((a, b) => a - b);
  }

  /** Registered, unfenced brokers silent for longer than the session timeout, by id. */
  expired(brokers: readonly BrokerRegistration[], nowMs: number): BrokerId[] {
    return brokers
      .filter((broker) => !broker.fenced)
      .filter((broker) => nowMs - this.lastHeard(broker.id) > this.sessionTimeoutMs)
      .map((broker) => broker.id)
      .sort((a, b) => a - b);
  }
}

/** The command a heartbeat from `broker` at `address` calls for, or null when none. */
export function commandForHeartbeat(
  registration: BrokerRegistration | undefined,
  broker: BrokerId,
  address: string,
): MetadataCommand | null {
  if (registration === undefined || registration.address !== address) {
    return { type: 'registerBroker', broker, address };
  }
  if (registration.fenced) return { type: 'unfenceBroker', broker };
  return null;
}
