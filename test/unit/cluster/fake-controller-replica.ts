/**
 * A scripted stand-in for the controller group's Replica: a test decides its role, term and
 * leader; proposals apply to the real metadata state machine at once (or when released, with
 * `hold`), as a committed entry would; membership changes follow the real single-change rules.
 */
import type { ControllerReplica } from '../../../src/cluster/controller-options.js';
import { commandValuesOf, parseCommand } from '../../../src/cluster/metadata/commands.js';
import type { MetadataStateMachine } from '../../../src/cluster/metadata/state-machine.js';
import type { MetadataCommand } from '../../../src/cluster/types.js';
import { readBatchHeader } from '../../../src/protocol/record-batch.js';
import { asOffset, asTerm, membershipAfter } from '../../../src/raft/index.js';
import type { MembershipChange } from '../../../src/raft/index.js';
import type { Membership, Offset, Role, Term } from '../../../src/raft/types.js';
import { ReplicaError } from '../../../src/replica/errors.js';
import type { ProposalResult } from '../../../src/replica/index.js';
import type { BrokerId } from '../../../src/util/brand.js';
import { b } from './fixtures.js';

export class FakeControllerReplica implements ControllerReplica {
  role: Role = 'follower';
  term: Term = asTerm(1);
  leader: BrokerId | null = null;
  membership: Membership = { voters: [b(1), b(2), b(3)], learners: [] };
  applied = -1;
  snapshotAt = -1;
  compactions = 0;
  readonly proposed: MetadataCommand[] = [];
  readonly membershipChanges: MembershipChange[] = [];
  /** While set, proposals wait for it before they apply (or fail, if leadership is gone). */
  hold: Promise<void> | null = null;
  private next = 0;

  constructor(
    readonly id: BrokerId,
    readonly machine: MetadataStateMachine,
  ) {}

  lead(term: number): void {
    this.role = 'leader';
    this.term = asTerm(term);
    this.leader = this.id;
  }

  follow(leader: BrokerId | null, term: number): void {
    this.role = 'follower';
    this.term = asTerm(term);
    this.leader = leader;
  }

  commands(type?: MetadataCommand['type']): MetadataCommand[] {
    return this.proposed.filter((command) => type === undefined || command.type === type);
  }

  private check(expectedTerm?: Term): void {
    if (this.role !== 'leader') {
      throw new ReplicaError('NOT_LEADER', 'not the leader', this.leader);
    }
    if (expectedTerm !== undefined && expectedTerm !== this.term) {
      throw new ReplicaError('TERM_MISMATCH', `term is ${this.term}`);
    }
  }

  async propose(batch: Uint8Array, expectedTerm?: Term): Promise<ProposalResult> {
    this.check(expectedTerm);
    const term = this.term;
    const count = readBatchHeader(batch, 0).lastOffsetDelta + 1;
    const base = this.next;
    this.next += count;
    if (this.hold !== null) await this.hold;
    if (this.role !== 'leader' || this.term !== term) {
      throw new ReplicaError('OUTCOME_UNKNOWN', 'leadership lost before commit', this.leader);
    }
    for (const value of commandValuesOf(batch) ?? []) {
      const command = parseCommand(value);
      if (command !== null) this.proposed.push(command);
    }
    const entry = { baseOffset: asOffset(base), lastOffset: asOffset(base + count - 1), term };
    this.machine.apply({ ...entry, bytes: batch });
    this.applied = entry.lastOffset;
    return entry;
  }

  readIndex(): Promise<Offset> {
    if (this.role !== 'leader') {
      return Promise.reject(new ReplicaError('NOT_LEADER', 'not the leader', this.leader));
    }
    return Promise.resolve(asOffset(this.applied));
  }

  changeMembership(change: MembershipChange, expectedTerm?: Term): Promise<ProposalResult> {
    this.check(expectedTerm);
    const after = membershipAfter(this.membership, change);
    if (!after.ok) {
      return Promise.reject(new ReplicaError('CONFIG_CHANGE_REJECTED', after.reason));
    }
    this.membership = after.membership;
    this.membershipChanges.push(change);
    const offset = asOffset(this.next++);
    this.applied = offset;
    return Promise.resolve({ baseOffset: offset, lastOffset: offset, term: this.term });
  }

  compact(): Promise<Offset | null> {
    this.compactions += 1;
    this.snapshotAt = this.applied;
    return Promise.resolve(asOffset(this.applied));
  }

  status(): ReturnType<ControllerReplica['status']> {
    return {
      role: this.role,
      term: this.term,
      leader: this.leader,
      membership: this.membership,
      applied: asOffset(this.applied),
      snapshot: {
        lastOffset: asOffset(this.snapshotAt),
        term: this.term,
        membership: this.membership,
      },
    };
  }
}
