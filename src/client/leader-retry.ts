/**
 * Routing and retry decisions for a request that only a partition's leader can serve (produce,
 * fetch): which address to send the next attempt to, and how long to wait before it.
 *
 * After a NOT_LEADER that names the new leader, the next attempt goes straight there without
 * waiting (the metadata cache keeps the hint, and the topic's metadata is refreshed on the next
 * look-up). At most `IMMEDIATE_RETRIES_IN_A_ROW` attempts in a row skip the backoff, so two
 * brokers that name each other during a leader change cannot make the client spin.
 */
import type { BrookError } from '../protocol/errors.js';
import type { MetadataCache } from './metadata.js';

export const IMMEDIATE_RETRIES_IN_A_ROW = 2;

export class LeaderRetry {
  private lastAddress: string | undefined;
  private immediateInARow = 0;

  constructor(
    private readonly metadata: MetadataCache,
    private readonly topic: string,
    private readonly partition: number,
  ) {}

  /** The address to send the next attempt to (remembered to judge the answer). */
  async leaderAddress(): Promise<string> {
    this.lastAddress = undefined;
    const address = await this.metadata.leaderAddress(this.topic, this.partition);
    this.lastAddress = address;
    return address;
  }

  /** For RetryContext.chooseDelayMs: 0 to retry at once after a leader hint, else `backoffMs`. */
  chooseDelayMs(error: BrookError, backoffMs: number): number {
    const hinted = this.metadata.noteLeaderFailure(
      this.topic,
      this.partition,
      error,
      this.lastAddress,
    );
    if (hinted && this.immediateInARow < IMMEDIATE_RETRIES_IN_A_ROW) {
      this.immediateInARow += 1;
      return 0;
    }
    this.immediateInARow = 0;
    return backoffMs;
  }
}
