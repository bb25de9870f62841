/**
 * One partition replica hosted by this broker, as the data path sees it: its Raft replica
 * (cluster/hosted-partition.ts), the high watermark, and the readers waiting for it to move.
 *
 * Only the leader serves: produce, fetch, subscribe and offset lookups on a replica that does
 * not lead fail with NOT_LEADER, naming the leader (`leader-id`, `leader-address`) when known so
 * the client can go there. A leader that loses its leadership ends its waiting readers the same
 * way.
 *
 * The high watermark is one past the last committed entry this replica has applied (everything
 * below it is committed, written, and readable); it never moves back while the replica is
 * open. Produce proposes one Raft entry per batch, synchronously back to back, so a request's
 * batches get contiguous offsets; the caller waits for what its acks ask (written on the
 * leader, or committed).
 *
 * After a disk error the replica stops for good: every request gets STORAGE_ERROR until the
 * broker restarts (which recovers the log).
 */
import { BrookError, isBrookError } from '../protocol/errors.js';
import type { PartitionLog } from '../storage/partition-log.js';
import { assert } from '../util/assert.js';
import type { BrokerId } from '../util/brand.js';
import type { ReplicaStatus } from '../replica/replica.js';
import { isReplicaError } from '../replica/errors.js';
import type { HostedPartition } from '../cluster/hosted-partition.js';

export interface AppendedRange {
  readonly baseOffset: number;
  readonly lastOffset: number;
}

/** What produce waits on, by acks. */
export interface Appended extends AppendedRange {
  /** Written to the leader's log (acks=leader). */
  readonly written: Promise<void>;
  /** Committed by a quorum and applied here (acks=all). */
  readonly committed: Promise<void>;
}

/** Who leads, for NOT_LEADER details. */
export type LeaderLookup = (leader: BrokerId | null) => { id: number; address: string | null };

interface Waiter {
  readonly offset: number;
  readonly resolve: () => void;
  readonly reject: (error: BrookError) => void;
}

export class Partition {
  private readonly waiters = new Set<Waiter>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly topic: string,
    readonly index: number,
    private readonly hosted: HostedPartition,
    private readonly leaderOf: LeaderLookup,
    /** Whether the topic still exists (a closed replica means deleted, or moved away). */
    private readonly topicExists: () => boolean,
  ) {
    this.unsubscribe = hosted.onChange(() => this.changed());
  }

  get log(): PartitionLog {
    return this.hosted.replica.partitionLog;
  }

  get hostedPartition(): HostedPartition {
    return this.hosted;
  }

  get highWatermark(): number {
    return this.hosted.replica.status().applied + 1;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Readers waiting for the high watermark to move (a leak would show here). */
  get waiterCount(): number {
    return this.waiters.size;
  }

  /** Throws unless this replica leads, runs and is open (see the module comment). */
  checkLeader(): ReplicaStatus {
    if (this.hosted.closed) throw this.closedError();
    const status = this.hosted.replica.status();
    if (status.failure !== null) throw this.storageError(status.failure);
    if (status.role !== 'leader') throw this.notLeader(status.leader);
    return status;
  }

  /**
   * Proposes `batches` (each one whole batch that passed the produce checks) as one entry each,
   * back to back in the current term. Throws when nothing was appended (NOT_LEADER and
   * friends); when a later batch is refused after earlier ones were appended, throws
   * REQUEST_TIMED_OUT: the request's outcome is indeterminate.
   */
  append(batches: readonly Uint8Array[]): Appended {
    assert(batches.length > 0, 'append needs a batch');
    const status = this.checkLeader();
    const replications = [];
    for (const [index, batch] of batches.entries()) {
      try {
        replications.push(
          this.hosted.replica.replicate(batch, { expectedTerm: status.term, copy: false }),
        );
      } catch (error) {
        if (index === 0) throw this.translate(error);
        throw new BrookError(
          'REQUEST_TIMED_OUT',
          `partition ${this.topic}-${this.index} refused batch ${index + 1} of the request ` +
            `after appending the ${index} before it, which may still commit: ${describe(error)}`,
          { cause: error },
        );
      }
    }
    const first = replications[0];
    const last = replications[replications.length - 1];
    assert(first !== undefined && last !== undefined, 'one replication per batch');
    const translate = (error: unknown): never => {
      throw this.translate(error);
    };
    const written = Promise.all(replications.map((r) => r.appended)).then(
      () => undefined,
      translate,
    );
    const committed = Promise.all(replications.map((r) => r.committed)).then(
      () => undefined,
      translate,
    );
    // acks decides which of the two anyone waits for.
    written.catch(() => undefined);
    committed.catch(() => undefined);
    return {
      baseOffset: first.entry.baseOffset,
      lastOffset: last.entry.lastOffset,
      written,
      committed,
    };
  }

  /** Throws OFFSET_OUT_OF_RANGE unless logStartOffset <= offset <= logEndOffset. */
  checkOffset(offset: number): void {
    this.checkLeader();
    if (offset < this.logStartOffset || offset > this.logEndOffset) {
      throw new BrookError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is out of range for ${this.topic}-${this.index}: the log holds ` +
          `[${this.logStartOffset}, ${this.highWatermark})`,
        {
          details: {
            topic: this.topic,
            partition: String(this.index),
            'log-start-offset': String(this.logStartOffset),
            'high-watermark': String(this.highWatermark),
          },
        },
      );
    }
  }

  /** The first record at or after `timestampMs`, from the log's time index. */
  async offsetForTimestamp(
    timestampMs: number,
  ): Promise<{ offset: number; timestamp: number } | undefined> {
    this.checkLeader();
    return this.log.offsetForTimestamp(timestampMs);
  }

  /** Whole batches from the one holding `offset`, below the high watermark. */
  async read(offset: number, bytesMax: number): Promise<{ data: Buffer; nextOffset: number }> {
    this.checkOffset(offset);
    const result = await this.log.read(offset, bytesMax, this.highWatermark);
    return { data: result.data, nextOffset: Math.max(result.nextOffset, offset) };
  }

  /**
   * Resolves once the high watermark passes `offset` (at once if it already has), or when
   * `signal` aborts; rejects when the replica stops leading, closes or fails. Timeouts are the
   * caller's job, through the signal.
   */
  waitForData(offset: number, signal: AbortSignal): Promise<void> {
    this.checkLeader();
    if (offset < this.highWatermark || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        offset,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** The replica moved (a Ready was processed) or closed: wake or end the waiting readers. */
  private changed(): void {
    if (this.waiters.size === 0) {
      if (this.hosted.closed) this.unsubscribe();
      return;
    }
    let failure: BrookError | null = null;
    try {
      this.checkLeader();
    } catch (error) {
      failure = isBrookError(error) ? error : this.translate(error);
    }
    if (failure !== null) {
      for (const waiter of this.waiters) waiter.reject(failure);
      this.waiters.clear();
      if (this.hosted.closed) this.unsubscribe();
      return;
    }
    const highWatermark = this.highWatermark;
    for (const waiter of this.waiters) {
      if (waiter.offset < highWatermark) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** A replica error as the client should see it (NOT_LEADER with where to go instead). */
  private translate(error: unknown): BrookError {
    if (isReplicaError(error, 'NOT_LEADER') || isReplicaError(error, 'TERM_MISMATCH')) {
      return this.notLeader(error.leader ?? this.hosted.knownLeader());
    }
    if (isReplicaError(error, 'TRANSFER_IN_PROGRESS')) return this.notLeader(null);
    if (isReplicaError(error, 'REPLICA_CLOSED')) return this.closedError();
    if (isReplicaError(error, 'REPLICA_FAILED')) return this.storageError(error.message);
    if (isBrookError(error)) return error;
    return new BrookError('UNKNOWN', `partition ${this.topic}-${this.index}: ${describe(error)}`, {
      cause: error,
    });
  }

  private notLeader(leader: BrokerId | null): BrookError {
    const known = this.leaderOf(leader);
    const details: Record<string, string> = {
      topic: this.topic,
      partition: String(this.index),
      'leader-id': String(known.id),
    };
    if (known.address !== null) details['leader-address'] = known.address;
    const where =
      known.id < 0
        ? 'no leader is known yet'
        : `broker ${known.id} leads it (${known.address ?? 'address unknown'})`;
    return new BrookError(
      'NOT_LEADER',
      `this broker does not lead partition ${this.topic}-${this.index}: ${where}`,
      { details },
    );
  }

  private closedError(): BrookError {
    if (!this.topicExists()) {
      return new BrookError('UNKNOWN_TOPIC', `topic ${this.topic} was deleted or is closing`, {
        details: { topic: this.topic },
      });
    }
    return this.notLeader(null);
  }

  private storageError(failure: string): BrookError {
    return new BrookError(
      'STORAGE_ERROR',
      `partition ${this.topic}-${this.index} is offline after a disk error: ${failure}`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
