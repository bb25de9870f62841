/**
 * A scripted stand-in for the Raft core: the test queues the Readys it wants the replica loop
 * to process and inspects what the loop did with them (advance, compact, step, propose). It
 * checks the contract's one sequencing rule itself: `ready()` is never called again before
 * `advance()`.
 */
import type {
  EntryMeta,
  Membership,
  Message,
  NodeId,
  Proposal,
  ProposeResult,
  RaftConfig,
  RaftNode,
  RaftStatus,
  RaftStorageState,
  Ready,
  Role,
  Term,
} from '../../../src/raft/types.js';
import { asBrokerId, asOffset, asTerm } from '../../../src/util/brand.js';

export const N1 = asBrokerId(1);
export const N2 = asBrokerId(2);
export const N3 = asBrokerId(3);
export const THREE: Membership = { voters: [N1, N2, N3], learners: [] };

export function makeReady(partial: Partial<Ready> = {}): Ready {
  return {
    snapshot: null,
    truncateFrom: null,
    entries: [],
    hardState: null,
    messages: [],
    messagesAfterPersist: [],
    committed: null,
    readStates: [],
    droppedReads: [],
    mustSync: false,
    ...partial,
  };
}

export class FakeNode implements RaftNode {
  readonly queued: Ready[] = [];
  readonly advanced: Ready[] = [];
  readonly stepped: Message[] = [];
  readonly compacted: number[] = [];
  readonly readRequests: number[] = [];
  readonly proposed: EntryMeta[] = [];
  ticks = 0;
  role: Role = 'follower';
  term: Term;
  leader: NodeId | null = null;
  commit = -1;
  lastOffset: number;
  membership: Membership;
  private outstanding = false;

  constructor(
    readonly config: RaftConfig,
    readonly state: RaftStorageState,
  ) {
    this.term = state.hardState.term;
    const last = state.entries[state.entries.length - 1];
    this.lastOffset = last?.lastOffset ?? state.snapshot.lastOffset;
    this.membership = state.snapshot.membership;
  }

  /** Queues a Ready; the replica is woken by the next input (tick). */
  push(partial: Partial<Ready>): Ready {
    const ready = makeReady(partial);
    this.queued.push(ready);
    return ready;
  }

  tick(): void {
    this.ticks += 1;
  }

  step(message: Message): void {
    this.stepped.push(message);
  }

  propose(proposal: Proposal, expectedTerm: Term): ProposeResult {
    if (this.role !== 'leader') {
      return { ok: false, error: { code: 'NOT_LEADER', leader: this.leader } };
    }
    if (expectedTerm !== this.term) {
      return { ok: false, error: { code: 'TERM_MISMATCH', term: this.term } };
    }
    const entry: EntryMeta = {
      baseOffset: asOffset(this.lastOffset + 1),
      lastOffset: asOffset(this.lastOffset + proposal.recordCount),
      term: this.term,
      sizeBytes: proposal.sizeBytes,
      ...(proposal.config === undefined ? {} : { config: proposal.config }),
    };
    this.lastOffset = entry.lastOffset;
    this.proposed.push(entry);
    return { ok: true, entry };
  }

  campaign(): void {
    this.role = 'candidate';
  }

  transferLeadership(): { readonly ok: true } {
    return { ok: true };
  }

  readIndex(requestId: number): { readonly ok: true } {
    this.readRequests.push(requestId);
    return { ok: true };
  }

  compact(lastOffset: number): void {
    this.compacted.push(lastOffset);
  }

  hasReady(): boolean {
    return !this.outstanding && this.queued.length > 0;
  }

  ready(): Ready {
    if (this.outstanding) throw new Error('ready() before advance()');
    const ready = this.queued.shift();
    if (ready === undefined) throw new Error('no Ready queued');
    this.outstanding = true;
    return ready;
  }

  advance(ready: Ready): void {
    this.outstanding = false;
    this.advanced.push(ready);
  }

  status(): RaftStatus {
    return {
      id: this.config.id,
      role: this.role,
      term: this.term,
      leader: this.leader,
      commit: asOffset(this.commit),
      applied: asOffset(-1),
      lastOffset: asOffset(this.lastOffset),
      lastTerm: asTerm(0),
      snapshot: this.state.snapshot,
      membership: this.membership,
      abstaining: false,
      quiesced: false,
      progress: [],
    };
  }

  isQuiesced(): boolean {
    return false;
  }

  leaderAlive(): void {
    // The fake never quiesces.
  }

  unquiesce(): void {
    // The fake never quiesces.
  }
}
