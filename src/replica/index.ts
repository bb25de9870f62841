/**
 * The replica module: one Raft group's Ready loop over a partition log (see replica.ts).
 */
export { Replica, defaultReplicaLimits } from './replica.js';
export type { ReplicaLimits, ReplicaOptions, ReplicaStatus, Replication } from './replica.js';
export { ReplicaError, isReplicaError } from './errors.js';
export type { ReplicaErrorReason } from './errors.js';
export type { ProposalResult } from './pending.js';
export { NullStateMachine } from './state-machine.js';
export type { AppliedEntry, StateMachine } from './state-machine.js';
export type { Transport } from './transport.js';
export type { ReplicaObserver } from './observer.js';
export type { LogEntry } from './log-entries.js';
export type { EntryKind } from './entry-codec.js';
export { HARD_STATE_FILE, SNAPSHOT_FILE } from './raft-storage.js';
