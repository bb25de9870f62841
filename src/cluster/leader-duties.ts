/**
 * What the replica manager does for the partitions whose replica on this broker leads: sample
 * followers' progress for the ISR (isr-tracker.ts), report partition states (for the heartbeat
 * to the controller and for the broker's own answers), converge the group's membership to the
 * assigned replica set (membership-plan.ts), and apply retention on every hosted replica.
 *
 * Retention goes through the replica's compaction, never around it: the replica snapshots its
 * (stateless) state machine at the last offset retention would delete, the core learns the new
 * log start (followers behind it get InstallSnapshot), and the log drops the segments. Only the
 * applied (committed) prefix may go.
 *
 * Must not: wait for a membership change inside a tick (changes run in the background, one per
 * partition at a time), or throw out of a round because one partition failed.
 */
import { members } from '../raft/index.js';
import type { Replica } from '../replica/replica.js';
import { asOffset } from '../util/brand.js';
import type { BrokerId } from '../util/brand.js';
import type { Clock, Logger } from '../util/ports.js';
import type { HostedPartition } from './hosted-partition.js';
import { nextMembershipStep } from './membership-plan.js';
import type { ClusterTiming, MetadataView, PartitionState } from './types.js';

export interface LeaderDutiesOptions {
  readonly brokerId: BrokerId;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metadata: MetadataView;
  readonly timing: ClusterTiming;
}

export class LeaderDuties {
  constructor(private readonly options: LeaderDutiesOptions) {}

  /**
   * One ISR sample of every partition led here (once per tick). Returns how many of them this
   * broker began to lead since the last sample.
   */
  sampleIsr(hosted: Iterable<HostedPartition>, sampleQuiesced = true): number {
    const nowMs = this.options.clock.monotonicMs();
    let gained = 0;
    for (const partition of hosted) {
      // A quiesced leader's followers hold its every entry until it wakes: sampling it now and
      // then keeps them caught up; a quiesced follower has nothing to sample.
      if (!sampleQuiesced && partition.replica.isQuiesced()) continue;
      const status = partition.replica.status();
      if (status.role === 'leader') {
        if (partition.isr.sample(status.term, nowMs, status.lastOffset, status.progress)) {
          gained += 1;
          this.options.logger.info(
            { topic: partition.topic, partition: partition.partition, leaderEpoch: status.term },
            'leading the partition',
          );
        }
      } else {
        partition.isr.reset();
      }
    }
    return gained;
  }

  states(hosted: Iterable<HostedPartition>): PartitionState[] {
    const states: PartitionState[] = [];
    for (const partition of hosted) {
      const state = this.stateOf(partition);
      if (state !== undefined) states.push(state);
    }
    return states;
  }

  /** The partition's state when its replica here leads; undefined otherwise. */
  stateOf(partition: HostedPartition): PartitionState | undefined {
    if (partition.closed) return undefined;
    const status = partition.replica.status();
    if (status.role !== 'leader' || status.failure !== null) return undefined;
    const self = this.options.brokerId;
    const replicas = members(status.membership);
    const nowMs = this.options.clock.monotonicMs();
    return {
      topicId: partition.topicId,
      topic: partition.topic,
      partition: partition.partition,
      leader: self,
      leaderEpoch: status.term,
      replicas,
      isr: partition.isr.inSync(self, replicas, nowMs, this.options.timing.replicaLagTimeMs),
      highWatermark: status.applied + 1,
      logStartOffset: status.logStartOffset,
      sizeBytes: partition.replica.partitionLog.sizeBytes,
    };
  }

  /** One step toward the assignment for every led partition with no change in flight. */
  convergeMemberships(hosted: Iterable<HostedPartition>): void {
    for (const partition of hosted) {
      if (partition.changeInFlight || partition.closed) continue;
      const status = partition.replica.status();
      if (status.role !== 'leader' || status.failure !== null) continue;
      const topic = this.options.metadata.topicById(partition.topicId);
      const target = topic?.partitions[partition.partition]?.replicas;
      if (target === undefined) continue;
      const step = nextMembershipStep(
        this.options.brokerId,
        status.membership,
        target,
        status.progress,
      );
      if (step.kind === 'transfer') {
        const result = partition.replica.transferLeadership(step.target);
        this.options.logger.info(
          { group: partition.group, target: step.target, result },
          'handing leadership to a target replica before leaving the group',
        );
      } else if (step.kind === 'change') {
        this.change(partition, step.change);
      }
    }
  }

  private change(
    partition: HostedPartition,
    change: Parameters<HostedPartition['replica']['changeMembership']>[0],
  ): void {
    partition.changeInFlight = true;
    partition.replica.changeMembership(change).then(
      () => {
        partition.changeInFlight = false;
        this.options.logger.info({ group: partition.group, change }, 'membership changed');
      },
      (error: unknown) => {
        partition.changeInFlight = false;
        // Expected while a learner catches up or the previous change commits: retried later.
        this.options.logger.debug(
          { group: partition.group, change, reason: describe(error) },
          'membership change not made yet',
        );
      },
    );
  }

  /**
   * Retention on every replica (leader or follower, each on its own log, within its applied
   * prefix); returns the number of segments deleted. A replica that fails is logged and skipped.
   */
  async applyRetention(hosted: readonly HostedPartition[]): Promise<number> {
    let deleted = 0;
    for (const partition of hosted) {
      if (partition.closed) continue;
      try {
        deleted += await this.retain(partition);
      } catch (error) {
        this.options.logger.warn(
          { err: error, topic: partition.topic, partition: partition.partition },
          'retention skipped a partition',
        );
      }
    }
    return deleted;
  }

  private async retain(partition: HostedPartition): Promise<number> {
    const { replica } = partition;
    const status = replica.status();
    if (status.failure !== null) throw new Error(`the replica failed: ${status.failure}`);
    const log = replica.partitionLog;
    const point = log.retentionPoint({ upToOffset: status.applied + 1 });
    if (point === null || point <= log.logStartOffset) return 0;
    const before = log.segmentCount;
    await replica.compact({ upTo: asOffset(point - 1) });
    return Math.max(0, before - log.segmentCount);
  }
}

/**
 * Hands a leading replica's leadership to its most caught-up other voter (a clean shutdown:
 * clients then do not wait an election timeout). False when it does not lead or has no voter
 * to hand to.
 */
export function handOffLeadership(replica: Replica): boolean {
  const status = replica.status();
  if (status.role !== 'leader') return false;
  let target: { id: BrokerId; match: number } | null = null;
  for (const follower of status.progress) {
    if (!status.membership.voters.includes(follower.id)) continue;
    if (target === null || follower.match > target.match) {
      target = { id: follower.id, match: follower.match };
    }
  }
  return target !== null && replica.transferLeadership(target.id).ok;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
