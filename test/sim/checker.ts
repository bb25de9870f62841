/**
 * The simulator's safety invariants, checked as the state changes (the replicas' observer
 * hooks) and after every event (a status sample of every running replica):
 *
 * - election safety: at most one leader per term, over the whole history, and no node grants
 *   its vote to two candidates in one term (votes seen on the wire, across restarts);
 * - log matching: two logs holding an entry with the same base offset and term hold the same
 *   entry (offsets, batch CRC) with the same prefix. Each replica's log is mirrored as a chain
 *   of prefix hashes; every entry (offset, term) ever written anywhere is registered with its
 *   prefix hash, and every later copy must agree;
 * - leader completeness: a replica seen leading a term for the first time holds every entry
 *   committed so far;
 * - state machine safety: no two replicas apply different entries at one offset, applies are
 *   contiguous per replica, and the state machine hash at an offset is the same everywhere,
 *   across restarts and snapshot installs;
 * - the commit rule: a leader moves its commit offset only onto an entry of its own term;
 * - commit never moves back: the committed prefix only grows and never changes (built from
 *   every replica's commit offset and applied entries), a replica's commit offset is monotonic
 *   within a process lifetime, and no replica truncates a committed entry.
 *
 * The first violation is what the runner reports; later ones are kept for context.
 */
import type { HardState, Message, NodeId, SnapshotMeta } from '../../src/raft/types.js';
import type { LogEntry } from '../../src/replica/log-entries.js';
import type { ReplicaStatus } from '../../src/replica/replica.js';
import { ShadowLog } from './shadow-log.js';
import type { ShadowEntry } from './shadow-log.js';
import { EMPTY_PREFIX } from './trace.js';

interface NodeView {
  readonly shadow: ShadowLog;
  appliedTo: number;
  /** The commit offset last sampled in this process lifetime. */
  commitSeen: number;
  /** Entries of this log up to here were compared with the committed chain. */
  committedChecked: number;
  /** The last (term, commit) sampled while this node led, for the commit rule. */
  leaderCommit: { readonly term: number; readonly commit: number } | null;
  /** Leader completeness, checked once the new leader's disk caught up with its core. */
  leaderCheck: { readonly term: number; readonly committedEnd: number } | null;
}

interface AppliedIdentity {
  readonly lastOffset: number;
  readonly term: number;
  readonly crc: number;
}

export class InvariantChecker {
  readonly violations: string[] = [];
  private readonly reported = new Set<string>();
  private readonly registry = new Map<string, ShadowEntry>();
  private readonly chain: ShadowEntry[] = [];
  private readonly chainByBase = new Map<number, ShadowEntry>();
  private readonly chainByLast = new Map<number, ShadowEntry>();
  private readonly applied = new Map<number, AppliedIdentity>();
  private readonly stateHashes = new Map<number, number>();
  private readonly leaders = new Map<number, NodeId>();
  /** `${voter}/${term}` -> the candidate it granted its vote to. */
  private readonly votes = new Map<string, NodeId>();
  private readonly views = new Map<NodeId, NodeView>();

  constructor(private readonly now: () => number) {}

  get ok(): boolean {
    return this.violations.length === 0;
  }

  /** The last offset of the committed prefix known so far. */
  get committedEnd(): number {
    return this.chain[this.chain.length - 1]?.lastOffset ?? -1;
  }

  committedEntry(baseOffset: number): ShadowEntry | undefined {
    return this.chainByBase.get(baseOffset);
  }

  appliedAt(baseOffset: number): AppliedIdentity | undefined {
    return this.applied.get(baseOffset);
  }

  leaderOf(term: number): NodeId | undefined {
    return this.leaders.get(term);
  }

  shadowOf(node: NodeId): ShadowLog | undefined {
    return this.views.get(node)?.shadow;
  }

  violation(text: string): void {
    // A broken state is sampled again after every event: report each finding once.
    if (this.reported.has(text)) return;
    this.reported.add(text);
    this.violations.push(`t=${this.now()}ms ${text}`);
  }

  // ---- observer hooks ----

  recovered(
    node: NodeId,
    snapshot: SnapshotMeta,
    hardState: HardState,
    entries: readonly LogEntry[],
  ): void {
    const shadow = new ShadowLog(
      snapshot.lastOffset,
      snapshot.term,
      this.snapshotPrefix(node, snapshot),
    );
    const view: NodeView = {
      shadow,
      appliedTo: snapshot.lastOffset,
      commitSeen: Number.NEGATIVE_INFINITY,
      committedChecked: snapshot.lastOffset,
      leaderCommit: null,
      leaderCheck: null,
    };
    this.views.set(node, view);
    this.appendTo(node, view, entries);
    this.recordCommitted(node, view, Math.min(hardState.commit, shadow.lastOffset));
  }

  appended(node: NodeId, entries: readonly LogEntry[]): void {
    const view = this.views.get(node);
    if (view !== undefined) this.appendTo(node, view, entries);
  }

  truncated(node: NodeId, fromOffset: number): void {
    const view = this.views.get(node);
    if (view === undefined) return;
    if (fromOffset <= view.appliedTo) {
      this.violation(
        `node ${node} truncated at ${fromOffset}, below its applied ${view.appliedTo}`,
      );
    }
    for (const removed of view.shadow.truncateFrom(fromOffset)) {
      const committed = this.chainByBase.get(removed.baseOffset);
      if (committed !== undefined && committed.prefix === removed.prefix) {
        this.violation(
          `node ${node} truncated committed entry [${removed.baseOffset}..${removed.lastOffset}] term ${removed.term}`,
        );
      }
    }
    view.committedChecked = Math.min(view.committedChecked, fromOffset - 1);
  }

  snapshotInstalled(node: NodeId, meta: SnapshotMeta): void {
    const view = this.views.get(node);
    if (view === undefined) return;
    const prefix = this.snapshotPrefix(node, meta);
    view.shadow.reset(meta.lastOffset, meta.term, prefix);
    view.appliedTo = meta.lastOffset;
    view.committedChecked = meta.lastOffset;
  }

  compacted(node: NodeId, meta: SnapshotMeta): void {
    const view = this.views.get(node);
    if (view === undefined) return;
    const own = view.shadow.prefixAt(meta.lastOffset);
    const committed = this.chainByLast.get(meta.lastOffset)?.prefix;
    if (own === undefined || own !== committed) {
      this.violation(
        `node ${node} compacted to ${meta.lastOffset}, which is not its committed prefix`,
      );
    }
    view.shadow.compact(meta.lastOffset, meta.term);
  }

  appliedEntry(node: NodeId, entry: LogEntry): void {
    const view = this.views.get(node);
    if (view === undefined) return;
    const { baseOffset, lastOffset, term } = entry.meta;
    if (baseOffset !== view.appliedTo + 1) {
      this.violation(
        `node ${node} applied [${baseOffset}..] after ${view.appliedTo}: not contiguous`,
      );
    }
    view.appliedTo = lastOffset;
    const known = this.applied.get(baseOffset);
    if (known === undefined) {
      this.applied.set(baseOffset, { lastOffset, term, crc: entry.crc });
    } else if (known.lastOffset !== lastOffset || known.term !== term || known.crc !== entry.crc) {
      this.violation(
        `state machine safety: node ${node} applied [${baseOffset}..${lastOffset}] term ${term} crc ${entry.crc}, ` +
          `another replica applied [${baseOffset}..${known.lastOffset}] term ${known.term} crc ${known.crc}`,
      );
    }
    // Applied means committed: the chain must hold it.
    this.recordCommitted(node, view, lastOffset);
  }

  stateHash(node: NodeId, lastOffset: number, hash: number): void {
    const known = this.stateHashes.get(lastOffset);
    if (known === undefined) this.stateHashes.set(lastOffset, hash);
    else if (known !== hash) {
      this.violation(`state machine safety: node ${node} state hash at ${lastOffset} differs`);
    }
  }

  /**
   * Every message a replica sends: a granted vote must be the only one its sender grants in
   * that term, across restarts (the vote is durable before the response leaves).
   */
  sent(message: Message): void {
    if (message.type !== 'voteResponse' || !message.granted) return;
    const key = `${message.from}/${message.term}`;
    const known = this.votes.get(key);
    if (known === undefined) this.votes.set(key, message.to);
    else if (known !== message.to) {
      this.violation(
        `node ${message.from} voted for ${known} and ${message.to} in term ${message.term}`,
      );
    }
  }

  // ---- sampling after every event ----

  /**
   * The core's commit offset says which prefix of ITS log is committed; the log on disk is the
   * same only while the replica is idle (no Ready in progress: a follower's truncation may not
   * have reached the disk yet). So commit offsets are compared with the mirrored log, and a new
   * leader's log with the committed prefix, only at idle moments.
   */
  sample(node: NodeId, status: ReplicaStatus): void {
    const view = this.views.get(node);
    if (view === undefined) return;
    if (status.role === 'leader') this.sawLeader(node, status.term, view);
    if (status.commit < view.commitSeen) {
      this.violation(`node ${node} commit went back from ${view.commitSeen} to ${status.commit}`);
    }
    view.commitSeen = status.commit;
    if (!status.idle) return;
    this.checkCommitRule(node, view, status);
    this.recordCommitted(node, view, Math.min(status.commit, view.shadow.lastOffset));
    const check = view.leaderCheck;
    if (check === null) return;
    view.leaderCheck = null;
    if (status.role === 'leader' && status.term === check.term)
      this.checkCompleteness(node, view, check);
  }

  /**
   * Raft 5.4.2 (figure 8): a leader moves its commit offset only onto an entry of its own
   * term; earlier terms' entries commit indirectly, under one of its own.
   */
  private checkCommitRule(node: NodeId, view: NodeView, status: ReplicaStatus): void {
    const previous = view.leaderCommit;
    view.leaderCommit =
      status.role === 'leader' ? { term: status.term, commit: status.commit } : null;
    if (status.role !== 'leader' || previous?.term !== status.term) return;
    if (status.commit <= previous.commit) return;
    const term = view.shadow.termAt(status.commit);
    if (term !== undefined && term !== status.term) {
      this.violation(
        `commit rule: node ${node}, leader of term ${status.term}, committed up to ${status.commit}, an entry of term ${term}`,
      );
    }
  }

  private sawLeader(node: NodeId, term: number, view: NodeView): void {
    const known = this.leaders.get(term);
    if (known === node) return;
    if (known !== undefined) {
      this.violation(`election safety: two leaders in term ${term}: ${known} and ${node}`);
      return;
    }
    this.leaders.set(term, node);
    // What was committed before this election must be in the new leader's log (Raft 5.4).
    view.leaderCheck = { term, committedEnd: this.committedEnd };
  }

  private checkCompleteness(
    node: NodeId,
    view: NodeView,
    check: { readonly term: number; readonly committedEnd: number },
  ): void {
    const end = check.committedEnd;
    if (end <= view.shadow.snapshotLastOffset) return;
    if (view.shadow.prefixAt(end) !== this.chainByLast.get(end)?.prefix) {
      this.violation(
        `leader completeness: node ${node}, leader of term ${check.term}, lacks the committed prefix up to ${end}`,
      );
    }
  }

  // ---- internals ----

  private snapshotPrefix(node: NodeId, snapshot: SnapshotMeta): string {
    if (snapshot.lastOffset < 0) return EMPTY_PREFIX;
    const committed = this.chainByLast.get(snapshot.lastOffset);
    if (committed === undefined || committed.term !== snapshot.term) {
      this.violation(
        `node ${node} holds a snapshot at ${snapshot.lastOffset} term ${snapshot.term} that is not a committed entry`,
      );
      return `unknown-${snapshot.lastOffset}`;
    }
    return committed.prefix;
  }

  private appendTo(node: NodeId, view: NodeView, entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      const appended = view.shadow.append(entry.meta, entry.crc);
      if (typeof appended === 'string') {
        this.violation(`node ${node}: ${appended}`);
        continue;
      }
      const key = `${appended.baseOffset}/${appended.term}`;
      const known = this.registry.get(key);
      if (known === undefined) this.registry.set(key, appended);
      else if (known.prefix !== appended.prefix || known.crc !== appended.crc) {
        this.violation(
          `log matching: node ${node} holds [${appended.baseOffset}..${appended.lastOffset}] term ${appended.term} ` +
            `with a different ${known.crc !== appended.crc ? 'content' : 'prefix'} than another replica`,
        );
      }
    }
  }

  /** Extends or checks the committed chain with `view`'s log up to `upTo`. */
  private recordCommitted(node: NodeId, view: NodeView, upTo: number): void {
    if (upTo <= view.committedChecked) return;
    for (const entry of view.shadow.entriesAfter(view.committedChecked)) {
      if (entry.lastOffset > upTo) break;
      const known = this.chainByBase.get(entry.baseOffset);
      if (known !== undefined) {
        if (known.prefix !== entry.prefix) {
          this.violation(
            `committed prefix changed: node ${node} commits [${entry.baseOffset}..${entry.lastOffset}] ` +
              `term ${entry.term}, the committed entry there is [..${known.lastOffset}] term ${known.term}`,
          );
          return;
        }
      } else if (entry.baseOffset === this.committedEnd + 1) {
        this.chain.push(entry);
        this.chainByBase.set(entry.baseOffset, entry);
        this.chainByLast.set(entry.lastOffset, entry);
      } else {
        this.violation(
          `node ${node} commits [${entry.baseOffset}..] past the committed end ${this.committedEnd}`,
        );
        return;
      }
      view.committedChecked = entry.lastOffset;
    }
  }
}
