/**
 * One partition replica hosted by this broker: its Replica (src/replica), where it lives, who
 * listens to its progress (the broker's Partition wakes its readers from here), and the soft
 * state the replica manager keeps for it while it leads (ISR samples, the membership change in
 * flight).
 *
 * Listeners are told after every processed Ready (commit, applied offset, role or membership
 * may have moved) and once more when the replica closes; they must not throw and should only
 * look (status) or schedule work.
 */
import type { Replica } from '../replica/replica.js';
import type { BrokerId } from '../util/brand.js';
import type { Logger } from '../util/ports.js';
import { IsrTracker } from './isr-tracker.js';
import type { GroupId } from './types.js';

export type HostedListener = () => void;

export class HostedPartition {
  private readonly listeners = new Set<HostedListener>();
  private closedValue = false;
  readonly isr = new IsrTracker();
  /** A membership change or leadership transfer this leader started and awaits. */
  changeInFlight = false;
  /** When this broker left the partition's assignment (monotonic ms), or null while in it. */
  leftAssignmentAtMs: number | null = null;

  constructor(
    readonly group: GroupId,
    readonly topicId: string,
    readonly topic: string,
    readonly partition: number,
    readonly directory: string,
    readonly replica: Replica,
    private readonly logger: Logger,
  ) {}

  get closed(): boolean {
    return this.closedValue;
  }

  /** True while this replica leads its group (and has not failed). */
  isLeader(): boolean {
    const status = this.replica.status();
    return !this.closedValue && status.role === 'leader' && status.failure === null;
  }

  /** The leader this replica knows of (itself included), or null. */
  knownLeader(): BrokerId | null {
    return this.closedValue ? null : this.replica.status().leader;
  }

  onChange(listener: HostedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error, group: this.group }, 'a partition listener threw');
      }
    }
  }

  /** The replica is going away: listeners hear it once more, then are dropped. */
  markClosed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    this.notify();
    this.listeners.clear();
  }
}
