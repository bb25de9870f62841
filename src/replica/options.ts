/**
 * How a replica is built: its options, its named limits (with defaults; the relations between
 * them are asserted at start-up, TigerBeetle style) and the shape of its status.
 *
 * Must not: hold behaviour beyond that validation (replica.ts does the work).
 */
import type { Membership, NodeId, RaftConfig, RaftNodeFactory, RaftStatus } from '../raft/types.js';
import type { LogConfig } from '../storage/log-config.js';
import { assert } from '../util/assert.js';
import { MiB } from '../util/limits.js';
import type { Clock, FileSystem, Logger, Random } from '../util/ports.js';
import type { ReplicaObserver } from './observer.js';
import type { StateMachine } from './state-machine.js';
import type { Transport } from './transport.js';

export interface ReplicaLimits {
  /** Bytes of received entries waiting for the next Ready; appends beyond it are dropped. */
  readonly payloadCacheBytesMax: number;
  /** Proposals waiting for commit at once. */
  readonly proposalsPendingMax: number;
  /** Reads waiting at once. */
  readonly readsPendingMax: number;
}

export const defaultReplicaLimits: ReplicaLimits = {
  payloadCacheBytesMax: 64 * MiB,
  proposalsPendingMax: 10_000,
  readsPendingMax: 10_000,
};

export interface ReplicaOptions {
  readonly fs: FileSystem;
  /** The partition's directory: log segments plus `raft-state` and `raft-snapshot`. */
  readonly directory: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly id: NodeId;
  /** The core's only source of randomness (election timeouts). */
  readonly random: Random;
  readonly raft: Omit<RaftConfig, 'id' | 'random'>;
  /** Used only when the directory holds no group yet. */
  readonly initialMembership: Membership;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  readonly createNode: RaftNodeFactory;
  readonly logConfig?: Partial<LogConfig>;
  /** Files the owner keeps in the directory too (log recovery leaves them alone). */
  readonly companionFiles?: readonly string[];
  readonly observer?: ReplicaObserver;
  readonly limits?: Partial<ReplicaLimits>;
  /**
   * Called after each Ready is processed and advanced (commit, applied offset, role and
   * membership may have moved): the owner's cue to look at `status()`. It may read the replica;
   * inputs it feeds are taken after the current loop turn.
   */
  readonly onAdvance?: () => void;
}

export interface ReplicaStatus extends RaftStatus {
  /** Why the replica stopped, or null while it runs. */
  readonly failure: string | null;
  readonly halted: boolean;
  /**
   * No Ready in progress or waiting: the log (as written) is exactly the core's log, so the
   * core's offsets describe what is on disk (a simulator takes its samples then).
   */
  readonly idle: boolean;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly durableEndOffset: number;
  readonly pendingProposals: number;
  readonly pendingReads: number;
}

/** The relations between the limits (TigerBeetle: asserted at start-up, not discovered later). */
export function assertReplicaLimits(limits: ReplicaLimits, messageBytesMax: number): void {
  assert(limits.proposalsPendingMax > 0, 'proposalsPendingMax must be positive');
  assert(limits.readsPendingMax > 0, 'readsPendingMax must be positive');
  assert(
    limits.payloadCacheBytesMax >= messageBytesMax,
    'payloadCacheBytesMax must hold at least one full append message, or none is ever accepted',
  );
}
