/**
 * Pre-candidate and candidate (Raft paper 5.2; thesis 9.6 for pre-vote).
 *
 * A pre-candidate asks the voters whether they would vote for it in `term + 1` without
 * changing its term or vote, and without changing theirs: a node cut off from the majority
 * therefore never inflates the term, and does not disrupt the leader when it comes back. Only
 * with a majority of pre-votes does it become a candidate.
 *
 * A candidate has incremented its term and voted for itself. Its own vote counts only once that
 * term and vote are durable (afterAdvance): until then a crash could bring it back having
 * forgotten the vote, free to vote for someone else in the same term.
 */
import { asTerm } from '../ids.js';
import { tallyVotes } from '../quorum.js';
import type { RaftCore } from '../core.js';
import type { Message, NodeId } from '../types.js';
import type { RoleBehaviour } from './role.js';

export class CandidateRole implements RoleBehaviour {
  private readonly votes = new Map<NodeId, boolean>();

  constructor(
    private readonly core: RaftCore,
    readonly role: 'preCandidate' | 'candidate',
  ) {}

  /** Sends the (pre-)vote requests; `transfer` marks a campaign started by TimeoutNow. */
  start(transfer: boolean): void {
    const core = this.core;
    const preVote = this.role === 'preCandidate';
    const term = preVote ? core.term + 1 : core.term;
    for (const voter of core.membership.voters) {
      if (voter === core.id) continue;
      const request = {
        from: core.id,
        to: voter,
        term: asTerm(term),
        lastOffset: core.log.lastOffset,
        lastTerm: core.log.lastTerm,
      };
      core.send(preVote ? { type: 'preVote', ...request } : { type: 'vote', ...request, transfer });
    }
    // A pre-vote promises nothing, so ours counts at once.
    if (preVote) this.record(core.id, true);
  }

  tick(): void {
    this.core.tickElection();
  }

  step(message: Message): void {
    if (this.role === 'preCandidate' && message.type === 'preVoteResponse') {
      // Grants come back in the term we would campaign in; rejections in the voter's term.
      const expected = message.granted ? this.core.term + 1 : this.core.term;
      if (message.term === expected) this.record(message.from, message.granted);
    } else if (this.role === 'candidate' && message.type === 'voteResponse') {
      this.record(message.from, message.granted);
    }
  }

  afterAdvance(): void {
    const core = this.core;
    if (this.role !== 'candidate' || this.votes.has(core.id)) return;
    const durable = core.durableHardState;
    if (durable.term === core.term && durable.vote === core.id) this.record(core.id, true);
  }

  private record(from: NodeId, granted: boolean): void {
    if (this.votes.has(from)) return;
    this.votes.set(from, granted);
    // Learners and strangers may answer, but only the configuration's voters are counted.
    switch (tallyVotes(this.core.membership.voters, this.votes)) {
      case 'won':
        if (this.role === 'preCandidate') this.core.becomeCandidate(false);
        else this.core.becomeLeader();
        return;
      case 'lost':
        this.core.becomeFollower(this.core.term, null);
        return;
      case 'pending':
        return;
    }
  }
}
