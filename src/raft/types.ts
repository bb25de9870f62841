/**
 * The contract of Brook's Raft core (src/raft/): its inputs, its output (`Ready`), the messages
 * replicas exchange, and what must be persisted. The core is synchronous and deterministic
 * (ARCHITECTURE.md, decision 7): no I/O, no clock, no Math.random. Time enters as `tick()`,
 * randomness through the injected `Random`, the network as `step(message)`, and the disk
 * through what the caller persists from `Ready` before calling `advance()`.
 *
 * The partition log is the Raft log (decision 2). An entry is one record batch spanning
 * `[baseOffset, lastOffset]`; Raft indexes are log offsets; an entry's term is its batch's
 * partition leader epoch. The core sees offsets, terms and sizes, never the bytes: the replica
 * loop (src/replica/) reads entry bytes from the log and attaches them to `append` messages,
 * and appends received bytes for the entries the core lists in `Ready.entries`.
 *
 * Offsets: an empty log that starts at offset 0 has `lastOffset = -1` and `lastTerm = 0`. The
 * snapshot (the prefix discarded from the log) ends at `snapshot.lastOffset`; the log holds
 * `[snapshot.lastOffset + 1, lastOffset]`; a fresh group has snapshot `{ lastOffset: -1,
 * term: 0 }`.
 *
 * Worked example (3 voters, 1 is leader in term 2, log [0..9] of term 1 then the leader's
 * no-op [10..10] of term 2, all committed):
 *   propose({ recordCount: 5, sizeBytes: 300 }, 2) -> { baseOffset: 11, lastOffset: 15, term: 2 }
 *   ready(): entries [{11..15, term 2}], messages [append to 2 and 3: prev (10, 2), entries
 *            [{11..15, 2}], commit 10] (sendable before the leader's own fsync),
 *            hardState null (unchanged)
 *   caller appends bytes, sends, fsyncs, advance(ready): the leader's own match is now 15
 *   step(appendResponse from 2, success, matchOffset 15): a quorum (1, 2) holds 15, and 15 is
 *            of the current term: commit = 15; next ready(): committed { from: 11, to: 15 }.
 */
import type { NodeId, Offset, Term } from './ids.js';
import type { Random } from '../util/ports.js';

export type { NodeId, Offset, Term } from './ids.js';

// ---------------------------------------------------------------------------------------------
// Log entries and membership

/** A configuration: who votes and who only replicates. */
export interface Membership {
  /** Voters; a quorum is a majority of them. */
  readonly voters: readonly NodeId[];
  /** Non-voting members that receive the log (they catch up before being promoted). */
  readonly learners: readonly NodeId[];
}

/**
 * Metadata of one log entry (one record batch). `config` is set for a configuration entry: a
 * control batch carrying a new `Membership` that takes effect as soon as it is appended (Raft
 * thesis 4.1: a server uses the latest configuration in its log, committed or not).
 */
export interface EntryMeta {
  readonly baseOffset: Offset;
  readonly lastOffset: Offset;
  readonly term: Term;
  readonly sizeBytes: number;
  readonly config?: Membership;
  /**
   * Set for the empty entry a new leader appends in its term (Raft thesis 6.4: it lets the
   * leader commit earlier terms' entries). The replica loop writes it as a control batch.
   */
  readonly noop?: boolean;
}

/** The discarded prefix of the log: everything up to and including `lastOffset`. */
export interface SnapshotMeta {
  readonly lastOffset: Offset;
  readonly term: Term;
  /** The configuration in force at `lastOffset`. */
  readonly membership: Membership;
}

/** Persisted before any message that depends on it is sent (term and vote). */
export interface HardState {
  readonly term: Term;
  /** Whom this node voted for in `term`, or null. */
  readonly vote: NodeId | null;
  /**
   * Highest offset known committed whose entry was already durable in this node's log when the
   * Ready carrying this hard state was taken (never an entry written by that same Ready): a
   * hard state that survives a crash its Ready's log writes did not must not name entries the
   * restarted log does not hold as committed. On restart it is also clamped to the log end.
   * Persisting it is an optimisation (fewer entries to re-learn), not a safety need.
   */
  readonly commit: Offset;
}

// ---------------------------------------------------------------------------------------------
// Messages (the replica loop carries them; `append` and `installSnapshot` get payload bytes)

interface Envelope {
  readonly from: NodeId;
  readonly to: NodeId;
  /** The sender's term (for preVote: the term the sender would campaign in). */
  readonly term: Term;
}

export interface PreVoteMessage extends Envelope {
  readonly type: 'preVote';
  readonly lastOffset: Offset;
  readonly lastTerm: Term;
}

export interface VoteMessage extends Envelope {
  readonly type: 'vote';
  readonly lastOffset: Offset;
  readonly lastTerm: Term;
  /** Set when campaigning after TimeoutNow: voters ignore their leader lease for it. */
  readonly transfer: boolean;
}

export interface VoteResponseMessage extends Envelope {
  readonly type: 'preVoteResponse' | 'voteResponse';
  readonly granted: boolean;
}

export interface AppendMessage extends Envelope {
  readonly type: 'append';
  /** Offset of the entry just before `entries` (baseOffset - 1 of the first one). */
  readonly prevLastOffset: Offset;
  readonly prevTerm: Term;
  /** Contiguous entries; empty for a probe. */
  readonly entries: readonly EntryMeta[];
  /** The leader's commit offset. */
  readonly commit: Offset;
}

export interface AppendResponseMessage extends Envelope {
  readonly type: 'appendResponse';
  readonly success: boolean;
  /**
   * On success: the last offset the follower now holds, durably, matching the leader's log
   * (prevLastOffset + the entries of the append; the follower's commit offset when the append
   * started below it; the snapshot's last offset after installSnapshot). On rejection: the
   * `prevLastOffset` rejected.
   */
  readonly matchOffset: Offset;
  /**
   * On rejection, for fast backtracking (Raft thesis 5.3 optimisation, etcd's hint): the
   * follower's candidate next match point: the largest entry end (an entry's lastOffset, or
   * the snapshot's) <= min(the rejected prevLastOffset, its lastOffset) whose term is <= the
   * rejected prevTerm, with that entry's term. The leader then probes at the largest of its own
   * entry ends <= hint whose term <= hintTerm (one round trip per divergent term).
   */
  readonly rejectHint: Offset;
  readonly rejectHintTerm: Term;
}

export interface HeartbeatMessage extends Envelope {
  readonly type: 'heartbeat';
  /** min(leader commit, the follower's known match): never beyond what the follower holds. */
  readonly commit: Offset;
  /** ReadIndex round this heartbeat belongs to, or null. */
  readonly readContext: number | null;
  /**
   * The leader stops heartbeating this idle group after this one (RaftConfig.quiesceAfterTicks):
   * the follower then counts `leaderAlive` signals as heartbeats. Absent means false.
   */
  readonly quiesce?: boolean;
}

export interface HeartbeatResponseMessage extends Envelope {
  readonly type: 'heartbeatResponse';
  readonly readContext: number | null;
}

export interface InstallSnapshotMessage extends Envelope {
  readonly type: 'installSnapshot';
  readonly snapshot: SnapshotMeta;
}

export interface TimeoutNowMessage extends Envelope {
  readonly type: 'timeoutNow';
}

export type Message =
  | PreVoteMessage
  | VoteMessage
  | VoteResponseMessage
  | AppendMessage
  | AppendResponseMessage
  | HeartbeatMessage
  | HeartbeatResponseMessage
  | InstallSnapshotMessage
  | TimeoutNowMessage;

export type MessageType = Message['type'];

// ---------------------------------------------------------------------------------------------
// Output

/** A linearizable read point: serve the read once the state machine has applied `offset`. */
export interface ReadState {
  readonly requestId: number;
  readonly offset: Offset;
}

/**
 * What the caller must do, in this order (the replica loop does exactly this):
 *  1. if `snapshot`: install it (discard the log, restart it after snapshot.lastOffset, restore
 *     the state machine from the snapshot bytes that came with the message);
 *  2. if `truncateFrom` !== null: truncate the log suffix from that offset;
 *  3. append the bytes of `entries` to the log (written, not yet fsynced);
 *  4. send `messages` (they do not depend on this node's durability: the leader's appends go
 *     out while its own fsync runs, Raft thesis 10.2.1);
 *  5. make the log durable first (fsync, when entries were appended or truncated or a
 *     snapshot installed), then persist `hardState` when non-null;
 *  6. send `messagesAfterPersist` (votes and append responses: they promise durability);
 *  7. apply `committed` entries to the state machines, answer `readStates` once applied, and
 *     fail the reads of `droppedReads` (NOT_LEADER);
 *  8. call `advance(ready)`.
 * `ready()` may be called again only after `advance`; while a Ready is outstanding the core
 * keeps accepting ticks, steps and proposals, and the next Ready carries their effects.
 */
export interface Ready {
  readonly snapshot: SnapshotMeta | null;
  readonly truncateFrom: Offset | null;
  readonly entries: readonly EntryMeta[];
  readonly hardState: HardState | null;
  readonly messages: readonly Message[];
  readonly messagesAfterPersist: readonly Message[];
  /** Entries to apply, inclusive; null when nothing new committed. */
  readonly committed: { readonly from: Offset; readonly to: Offset } | null;
  readonly readStates: readonly ReadState[];
  /**
   * Request ids of `readIndex` calls this node accepted as leader and will never confirm: it
   * stopped leading (deposed, check-quorum, removed) before a quorum confirmed them. The caller
   * fails them (NOT_LEADER: retry on the leader). Every accepted request id appears exactly once
   * in the `readStates` or the `droppedReads` of some Ready, unless the node restarts first, or
   * keeps leading without ever hearing a quorum again (check-quorum off): the caller's own
   * timeout covers those.
   */
  readonly droppedReads: readonly number[];
  /** True when step 5 must fsync (entries, truncation, snapshot, or term/vote changed). */
  readonly mustSync: boolean;
}

// ---------------------------------------------------------------------------------------------
// Inputs other than messages

export interface Proposal {
  /** Offsets the entry spans (a batch's record count); >= 1. */
  readonly recordCount: number;
  readonly sizeBytes: number;
  /** A configuration change instead of data (see RaftCore.proposeMembership). */
  readonly config?: Membership;
}

export type ProposeError =
  /** Not the leader (`leader` is the current leader, if known). */
  | { readonly code: 'NOT_LEADER'; readonly leader: NodeId | null }
  /** Leadership moved since the caller read it: `expectedTerm` is not the current term. */
  | { readonly code: 'TERM_MISMATCH'; readonly term: Term }
  /** A leadership transfer is under way; proposals wait for it. */
  | { readonly code: 'TRANSFER_IN_PROGRESS' }
  /** Another configuration change is not committed yet, or the leader has not yet committed an
   *  entry of its own term (the single-server-change safety rule), or the change is invalid, or
   *  it promotes a learner that has not caught up (its match is below the leader's commit). */
  | { readonly code: 'CONFIG_CHANGE_REJECTED'; readonly reason: string }
  /** Back-pressure: the leader holds too much unconfirmed work (`uncommittedBytesMax` of
   *  uncommitted entries for `propose`, `readIndexPendingMax` pending reads for `readIndex`).
   *  Nothing was queued; retry later (usually the leader cannot reach a quorum). */
  | { readonly code: 'BUSY'; readonly reason: string };

export type ProposeResult =
  | { readonly ok: true; readonly entry: EntryMeta }
  | { readonly ok: false; readonly error: ProposeError };

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

export interface FollowerProgress {
  readonly id: NodeId;
  readonly match: Offset;
  readonly next: Offset;
  readonly state: 'probe' | 'replicate' | 'snapshot';
  readonly inflightMessages: number;
  readonly isLearner: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly role: Role;
  readonly term: Term;
  readonly leader: NodeId | null;
  readonly commit: Offset;
  readonly applied: Offset;
  readonly lastOffset: Offset;
  readonly lastTerm: Term;
  readonly snapshot: SnapshotMeta;
  readonly membership: Membership;
  /** Leader only: one entry per other member. */
  readonly progress: readonly FollowerProgress[];
  /** The node refuses votes and does not campaign (RaftConfig.abstain). */
  readonly abstaining: boolean;
  /** Leader: heartbeats stopped (idle); follower: its leader said so (RaftNode.isQuiesced). */
  readonly quiesced: boolean;
}

// ---------------------------------------------------------------------------------------------
// Construction

export interface RaftConfig {
  readonly id: NodeId;
  /** Ticks without hearing a leader before campaigning: randomized in [this, 2 * this). */
  readonly electionTicks: number;
  /** Ticks between a leader's heartbeats; must be < electionTicks. */
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  /** Append messages in flight to one follower in the replicate state. */
  readonly inflightMessagesMax: number;
  /** Bytes of entries in flight to one follower. */
  readonly inflightBytesMax: number;
  /** Bytes of entries per append message (at least one entry is always sent). */
  readonly messageBytesMax: number;
  /** Seeded in the simulator; the only source of randomness of the core. */
  readonly random: Random;
  /**
   * Reads a leader may hold waiting for a quorum's confirmation (`readIndex` calls neither
   * released nor dropped); beyond it `readIndex` fails with BUSY. Default 10,000.
   */
  readonly readIndexPendingMax?: number;
  /**
   * Bytes (`sizeBytes`) of the entries this leader appended after its commit offset beyond
   * which `propose` fails with BUSY (a proposal is refused when it would cross the bound and
   * something is already uncommitted, so one oversized entry can still go alone). The no-op and
   * configuration entries are always accepted. Default 64 MiB.
   */
  readonly uncommittedBytesMax?: number;
  /**
   * Quiescence (CockroachDB's, for brokers hosting thousands of groups): a leader whose group
   * has been idle this many ticks — everything committed in its term and durable, every
   * follower matched up to its last entry, no read, transfer or probe under way — sends one
   * last heartbeat marked `quiesce` and then stops heartbeating and checking its quorum. Any
   * input other than a heartbeat answer (a proposal, a read, a transfer, a vote request, an
   * append answer) wakes it, and it heartbeats at once. Its followers keep their election
   * timers running; what resets them instead of heartbeats is `leaderAlive`, which the
   * embedding system calls while it hears from the leader's process (one signal per process
   * pair for all the groups that leader quiesced). A follower that stops hearing it campaigns
   * after its usual timeout, so failover is as fast as without quiescence. Safety does not
   * depend on it: only timers are suppressed. Undefined: never quiesce.
   */
  readonly quiesceAfterTicks?: number;
  /**
   * A node that becomes leader as the group's only member — sole voter, no learner, and no
   * configuration entry in its log after the snapshot (the group has had no other member
   * since) — commits its durable log at once instead of appending the no-op (thesis 6.4).
   * Why that is safe: every quorum of that configuration is this node, so an entry durable here
   * is on a quorum; and no other node can lead without this node's vote, which it gives only
   * to logs at least as up to date as its own. The no-op is then appended lazily, the first
   * time it is needed (a configuration change or a read index asks for an entry of the
   * leader's term). Data partitions set it: a broker restart then leaves no gap in the offsets
   * of a partition of replication factor 1. Default false.
   */
  readonly soleVoterSkipsNoop?: boolean;
  /**
   * The node's storage lost data it may have acknowledged (media damage found at open, see
   * storage/damage-marker.ts). Until the condition is met the node abstains: it grants no
   * vote and no pre-vote, never campaigns (election timeouts, `campaign()` and TimeoutNow are
   * ignored), hence never leads; it follows a leader as usual, which is how it repairs.
   * Absent: never abstains.
   */
  readonly abstain?: AbstainCondition;
}

/**
 * When a damaged node may take part in elections again. Why abstaining is needed: a committed
 * entry is on a quorum, and every later leader needs the vote of someone in that quorum, who
 * refuses candidates whose log lacks it. A voter that lost the entry from disk would grant
 * such a candidate its vote, and the committed entry could be overwritten.
 *
 * - `untilOffset`: the highest offset the node's log held (or may have held) before the
 *   damage, everything it may have acknowledged. Once its log reaches it again through
 *   appends from a leader (log matching: the log then equals that leader's up to there, and a
 *   leader holds every committed entry), the node's vote again protects what it acknowledged.
 * - `untilLeaderHeard`: the term and vote were lost too; also wait for an append, heartbeat or
 *   snapshot from a leader, so that the node's term is a leader's, not one rebuilt from the
 *   log, before it votes again.
 *
 * A sole voter (no other voter to repair from, and whose abstention would stop the group for
 * good) does not abstain: whatever it lost is lost.
 */
export interface AbstainCondition {
  readonly untilOffset: Offset;
  readonly untilLeaderHeard: boolean;
}

/** What the caller recovered from disk, for `RaftCore` to start from. */
export interface RaftStorageState {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta;
  /** Metadata of every entry in the log after the snapshot, in order. */
  readonly entries: readonly EntryMeta[];
  /**
   * Highest offset already applied to the state machines (>= snapshot.lastOffset, and <= the
   * last entry: a state machine ahead of its log is asserted).
   */
  readonly applied: Offset;
}

/**
 * One Raft group member's core. Implemented by `RaftCore` (core.ts); the replica loop and the
 * tests depend on this interface only.
 */
export interface RaftNode {
  /** One logical tick: drives election timeouts, heartbeats and check-quorum. */
  tick(): void;
  /** Delivers a message; stale or unexpected ones are dropped (never thrown). */
  step(message: Message): void;
  /**
   * Leader only: assigns the entry its offsets `[lastOffset + 1, lastOffset + recordCount]` and
   * the current term, and queues it for the next Ready. Fails unless this node leads in
   * `expectedTerm` (conditional replication: a state machine validated against the leader's
   * state of that term), and with BUSY when `uncommittedBytesMax` would be exceeded.
   */
  propose(proposal: Proposal, expectedTerm: Term): ProposeResult;
  /**
   * Starts an election now (tests, and a node told to take over): a pre-vote first when
   * `config.preVote`. No-op on a leader, a learner, or a node outside the configuration.
   */
  campaign(): void;
  /** Leader only: hands leadership to `target` (catch it up, then TimeoutNow). */
  transferLeadership(
    target: NodeId,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: string };
  /**
   * Leader only: asks for a linearizable read point. Once a quorum confirms this node still
   * leads, a ReadState with `requestId` appears in a Ready (offset = commit at request time);
   * if it stops leading first, `requestId` appears in a Ready's `droppedReads` instead. Reads
   * asked before one Ready share one heartbeat round. BUSY beyond `readIndexPendingMax`.
   */
  readIndex(
    requestId: number,
  ): { readonly ok: true } | { readonly ok: false; readonly error: ProposeError };
  /**
   * The state machines hold a snapshot at `lastOffset` (<= applied, the end of an entry):
   * entries up to it may be dropped from the log; followers behind it get InstallSnapshot.
   * Produces nothing in a Ready: the caller truncates its log prefix itself.
   */
  compact(lastOffset: Offset): void;
  /** False while a Ready is outstanding (handed out, not yet advanced). */
  hasReady(): boolean;
  ready(): Ready;
  /** The caller did everything `ready` asked, in order (see Ready). */
  advance(ready: Ready): void;
  status(): RaftStatus;
  /**
   * Leader: it stopped heartbeating (RaftConfig.quiesceAfterTicks). Follower or learner: its
   * leader's last heartbeat said it would. Cheap (no allocation), for per-tick checks.
   */
  isQuiesced(): boolean;
  /**
   * The process of `leader` is alive and still leads this group, quiesced, in `term`: a
   * quiesced follower of that leader in that term resets its election timer, as a heartbeat
   * would. Ignored otherwise.
   */
  leaderAlive(leader: NodeId, term: Term): void;
  /** Leaves quiescence now: a leader heartbeats at once; a follower waits for heartbeats again. */
  unquiesce(): void;
}

export type RaftNodeFactory = (config: RaftConfig, state: RaftStorageState) => RaftNode;
