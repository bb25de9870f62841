/**
 * The configurations in force along the log: the snapshot's membership, then one change per
 * configuration entry still in the log. The loop needs "the membership at offset X" to write a
 * snapshot at X (the core keeps only the latest configuration).
 *
 * Invariant: changes are in strictly increasing offset order, all after the snapshot.
 *
 * Must not: decide which configuration is in force for voting (the core does, from its log).
 */
import type { Membership } from '../raft/types.js';
import { assert } from '../util/assert.js';

interface Change {
  readonly offset: number;
  readonly membership: Membership;
}

export class MembershipHistory {
  private changes: Change[] = [];

  constructor(
    private base: Membership,
    changes: readonly Change[] = [],
  ) {
    for (const change of changes) this.append(change.offset, change.membership);
  }

  /** The membership in force once the log holds everything up to `offset`. */
  at(offset: number): Membership {
    let membership = this.base;
    for (const change of this.changes) {
      if (change.offset > offset) break;
      membership = change.membership;
    }
    return membership;
  }

  append(offset: number, membership: Membership): void {
    const last = this.changes[this.changes.length - 1];
    assert(last === undefined || last.offset < offset, 'configuration entries out of order');
    this.changes.push({ offset, membership });
  }

  /** The log lost everything from `offset` on (suffix truncation). */
  truncateFrom(offset: number): void {
    this.changes = this.changes.filter((change) => change.offset < offset);
  }

  /** A snapshot now covers everything up to `offset`, with `membership` in force there. */
  compactTo(offset: number, membership: Membership): void {
    this.base = membership;
    this.changes = this.changes.filter((change) => change.offset > offset);
  }
}
