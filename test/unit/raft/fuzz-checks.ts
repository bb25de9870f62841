/**
 * The invariants the randomized run (fuzz-seed.ts) checks after every event, over the pure
 * cores of a Network:
 *  - election safety: at most one leader per term;
 *  - commit offsets never move back within one life of a node, and always end an entry;
 *  - every entry any node considers committed (its commit offset, not only what it applied) is
 *    the same entry everywhere, and so is every entry a node applied (state machine safety);
 *  - log matching across the nodes' in-memory logs (logMatching, run less often: it is
 *    quadratic in the nodes);
 *  - reads: a ReadState's offset is at least every commit offset known anywhere when the read
 *    was asked (linearizability: a deposed leader must not serve it), and each accepted read is
 *    answered once, in `readStates` or `droppedReads`, by the node that accepted it, unless
 *    that node crashed; a node that no longer leads keeps no read unanswered (finalReads).
 */
import { RaftCore } from '../../../src/raft/index.js';
import { ensure } from './network.js';
import type { EntryLog } from '../../../src/raft/entry-log.js';
import type { Network } from './network.js';
import type { EntryMeta, NodeId, RaftNode } from '../../../src/raft/index.js';

export function logOf(node: RaftNode): EntryLog {
  ensure(node instanceof RaftCore, 'the checks read the log of a RaftCore');
  return node.log;
}

export class SafetyChecker {
  private readonly leaders = new Map<number, NodeId>();
  /** baseOffset -> "lastOffset/term" of the committed entry there. */
  private readonly committed = new Map<number, string>();
  /** Per node: the commit offset up to which its log was checked (this life). */
  private readonly commits = new Map<NodeId, number>();
  private readonly checkedApplied = new Map<NodeId, number>();
  private readonly checkedReads = new Map<NodeId, number>();
  private readonly checkedDropped = new Map<NodeId, number>();
  /** requestId -> the highest commit offset known anywhere when it was asked. */
  private readonly readFloor = new Map<number, number>();
  /** requestId -> the node that accepted it, until answered. */
  private readonly accepted = new Map<number, NodeId>();

  constructor(private readonly net: Network) {}

  get leaderCount(): number {
    return this.leaders.size;
  }

  /** `member` accepted read `requestId` (readIndex answered ok). */
  readAccepted(member: NodeId, requestId: number, floor: number): void {
    this.readFloor.set(requestId, floor);
    this.accepted.set(requestId, member);
  }

  /** `member` crashed and came back: a new life, its unanswered reads are gone with it. */
  restarted(member: NodeId): void {
    this.consumeReads(member);
    for (const [requestId, holder] of this.accepted) {
      if (holder === member) this.accepted.delete(requestId);
    }
    // Recheck its whole log: the commit offset it recovered must name committed entries only.
    this.commits.set(member, logOf(this.net.node(member)).snapshot.lastOffset);
  }

  check(): void {
    for (const [member, node] of this.net.nodes) {
      const status = node.status();
      if (status.role === 'leader') {
        const known = this.leaders.get(status.term);
        ensure((known ?? member) === member, `two leaders in term ${status.term}`);
        this.leaders.set(status.term, member);
      }
      this.checkCommitted(member, node);
      this.checkApplied(member);
      this.consumeReads(member);
    }
  }

  /** At the end: only a node that still leads may hold reads it has not answered. */
  finalReads(): void {
    this.check();
    for (const [requestId, member] of this.accepted) {
      const role = this.net.node(member).status().role;
      ensure(role === 'leader', `read ${requestId} on ${member} (${role}) never answered`);
    }
  }

  logMatching(): void {
    const logs = [...this.net.nodes.values()].map((node) => {
      const byBase = new Map<number, EntryMeta>();
      for (const entry of logOf(node).entriesAfter(-2 as EntryMeta['lastOffset'])) {
        byBase.set(entry.baseOffset, entry);
      }
      return byBase;
    });
    for (let left = 0; left < logs.length; left++) {
      for (let right = left + 1; right < logs.length; right++) {
        const a = logs[left];
        const b = logs[right];
        if (a !== undefined && b !== undefined) matchLogs(a, b);
      }
    }
  }

  private checkCommitted(member: NodeId, node: RaftNode): void {
    const commit = node.status().commit;
    const checked = this.commits.get(member) ?? -1;
    ensure(commit >= checked, `commit of ${member} went back from ${checked} to ${commit}`);
    const log = logOf(node);
    ensure(log.isBoundary(commit), `commit ${commit} of ${member} splits an entry`);
    let offset = Math.max(checked + 1, log.firstOffset);
    while (offset <= commit) {
      const entry = log.entryAt(offset as EntryMeta['baseOffset']);
      if (entry === undefined) break;
      this.record(entry, `committed entry differs at ${entry.baseOffset} on ${member}`);
      offset = entry.lastOffset + 1;
    }
    this.commits.set(member, commit);
  }

  private checkApplied(member: NodeId): void {
    const applied = this.net.applied.get(member) ?? [];
    const from = this.checkedApplied.get(member) ?? 0;
    this.checkedApplied.set(member, applied.length);
    for (let index = from; index < applied.length; index++) {
      const entry = applied[index];
      if (entry !== undefined) this.record(entry, `state machine safety at ${entry.baseOffset}`);
    }
  }

  private record(entry: EntryMeta, failure: string): void {
    const key = entry.baseOffset;
    const value = `${entry.lastOffset}/${entry.term}`;
    ensure((this.committed.get(key) ?? value) === value, failure);
    this.committed.set(key, value);
  }

  /** The reads `member` answered since the last check (Network records them on persist). */
  private consumeReads(member: NodeId): void {
    const reads = this.net.readStates.get(member) ?? [];
    for (let index = this.checkedReads.get(member) ?? 0; index < reads.length; index++) {
      const read = reads[index];
      if (read === undefined) continue;
      this.answered(member, read.requestId);
      const floor = this.readFloor.get(read.requestId) ?? -1;
      ensure(read.offset >= floor, `read ${read.requestId} at ${read.offset} misses ${floor}`);
    }
    this.checkedReads.set(member, reads.length);
    const dropped = this.net.droppedReads.get(member) ?? [];
    for (let index = this.checkedDropped.get(member) ?? 0; index < dropped.length; index++) {
      this.answered(member, dropped[index] ?? -1);
    }
    this.checkedDropped.set(member, dropped.length);
  }

  private answered(member: NodeId, requestId: number): void {
    const holder = this.accepted.get(requestId);
    ensure(holder === member, `read ${requestId} answered by ${member}, accepted by ${holder}`);
    this.accepted.delete(requestId);
  }
}

/** Two logs: the highest entry both hold with one term, and every common entry below it match. */
function matchLogs(left: Map<number, EntryMeta>, right: Map<number, EntryMeta>): void {
  let top = -1;
  for (const [base, entry] of left) {
    const other = right.get(base);
    if (other !== undefined && other.term === entry.term) {
      ensure(other.lastOffset === entry.lastOffset, `one term, two entries at ${base}`);
      top = Math.max(top, base);
    }
  }
  for (const [base, entry] of left) {
    const other = right.get(base);
    if (base > top || other === undefined) continue;
    ensure(
      other.term === entry.term && other.lastOffset === entry.lastOffset,
      `log matching broken below ${top} at ${base}`,
    );
  }
}
