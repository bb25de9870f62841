/**
 * The rules every role applies before its own: what a message's term does to ours (Raft paper
 * 5.1), and how vote and pre-vote requests are answered (5.2, 5.4.1; thesis 9.6 pre-vote, 4.2.3
 * leader lease).
 */
import type { RaftCore } from './core.js';
import type { Message, PreVoteMessage, VoteMessage } from './types.js';

/**
 * Applies `message`'s term to ours. False when the message is to be dropped (earlier term, or
 * a vote request ignored inside the leader lease); then any answer has been queued already.
 */
export function checkTerm(core: RaftCore, message: Message): boolean {
  if (message.term > core.term) return adoptHigherTerm(core, message);
  if (message.term < core.term) {
    answerStaleTerm(core, message);
    return false;
  }
  return true;
}

/** A message from a later term. False when it is to be ignored. */
function adoptHigherTerm(core: RaftCore, message: Message): boolean {
  if (message.type === 'preVote' || message.type === 'vote') {
    if (inLease(core) && !(message.type === 'vote' && message.transfer)) {
      // Thesis 4.2.3: we heard from a live leader within the election timeout, so this
      // candidate is disruptive (removed, or cut off and back); do not even raise our term.
      // A vote sent after TimeoutNow is the leader's own wish and passes.
      return false;
    }
    // A pre-vote never changes our term: it is a question, not a campaign.
    if (message.type === 'preVote') return true;
  }
  // A granted pre-vote comes back in the term we would campaign in; it is not a new term.
  if (message.type === 'preVoteResponse' && message.granted) return true;
  const fromLeader =
    message.type === 'append' || message.type === 'heartbeat' || message.type === 'installSnapshot';
  core.becomeFollower(message.term, fromLeader ? message.from : null);
  return true;
}

/**
 * Check-quorum's leader lease: a leader (or, for a leader, a quorum) was heard from within the
 * base election timeout. Without check-quorum a leader does not know it still leads, so there
 * is no lease.
 */
function inLease(core: RaftCore): boolean {
  return (
    core.config.checkQuorum &&
    core.leader !== null &&
    core.electionElapsed < core.config.electionTicks
  );
}

/**
 * A message from an earlier term. A stale leader's append or heartbeat gets an answer in our
 * term so that it steps down: with pre-vote or check-quorum nobody else would ever raise its
 * term (etcd's liveness fix). A stale pre-vote or vote request is refused in our term (Raft
 * paper figure 2: the reply carries currentTerm "for candidate to update itself"): a voter
 * whose configuration leaves the candidate out never sends it its term otherwise, and the
 * candidate could campaign forever one term behind. The rest is dropped.
 */
function answerStaleTerm(core: RaftCore, message: Message): void {
  const { id, term, log } = core;
  if (message.type === 'append' || message.type === 'heartbeat') {
    core.send({
      type: 'appendResponse',
      from: id,
      to: message.from,
      term,
      success: false,
      matchOffset: message.type === 'append' ? message.prevLastOffset : log.lastOffset,
      rejectHint: log.lastOffset,
      rejectHintTerm: log.lastTerm,
    });
  } else if (message.type === 'preVote' || message.type === 'vote') {
    const type = message.type === 'preVote' ? 'preVoteResponse' : 'voteResponse';
    core.send({ type, from: id, to: message.from, term, granted: false });
  }
}

/**
 * Raft paper 5.2 and 5.4.1: grant at most one vote per term, and only to a candidate whose log
 * is at least as up to date as ours. A pre-vote is granted on the same conditions for the term
 * it names, without recording anything. Learners and strangers answer too (etcd: a learner
 * whose promotion has not reached it yet may be a voter in the candidate's configuration, and
 * the group may need its vote); the candidate counts only its own configuration's voters. A
 * node abstaining after storage damage refuses every request. The vote is recorded before the
 * answer is queued, and
 * vote answers leave only once the Ready carrying the vote is durable (Outbox): a voter that
 * crashed and forgot its vote could otherwise vote twice in one term.
 */
export function handleVoteRequest(core: RaftCore, message: PreVoteMessage | VoteMessage): void {
  const preVote = message.type === 'preVote';
  // A node whose storage lost what it may have acknowledged refuses both (RaftConfig.abstain).
  const canVote =
    !core.isAbstaining() &&
    (core.vote === message.from ||
      (core.vote === null && core.leader === null) ||
      (preVote && message.term > core.term));
  const granted = canVote && core.log.isUpToDate(message.lastOffset, message.lastTerm);
  if (granted && !preVote) core.grantVote(message.from);
  core.send({
    type: preVote ? 'preVoteResponse' : 'voteResponse',
    from: core.id,
    to: message.from,
    term: granted ? message.term : core.term,
    granted,
  });
}
