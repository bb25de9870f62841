/**
 * Deliberately broken Raft cores, to prove the simulator can fail (issue 3, item 5):
 * - `forgetfulVoteNode`: never makes its vote durable (the Ready's hard state loses the vote),
 *   so a node that crashes after voting can vote again in the same term: two leaders;
 * - `countingCommitNode`: commits entries of earlier terms by counting replicas (the Raft
 *   paper's figure 8 bug), through RaftCore's `isCommittable` seam.
 */
import { RaftCore, createRaftNode } from '../../src/raft/index.js';
import type { Offset, RaftNode, RaftNodeFactory, Ready } from '../../src/raft/types.js';

class ForgetfulVote implements RaftNode {
  private original: Ready | null = null;

  constructor(private readonly inner: RaftNode) {}

  tick(): void {
    this.inner.tick();
  }
  step(...args: Parameters<RaftNode['step']>): void {
    this.inner.step(...args);
  }
  propose(...args: Parameters<RaftNode['propose']>): ReturnType<RaftNode['propose']> {
    return this.inner.propose(...args);
  }
  campaign(): void {
    this.inner.campaign();
  }
  transferLeadership(
    ...args: Parameters<RaftNode['transferLeadership']>
  ): ReturnType<RaftNode['transferLeadership']> {
    return this.inner.transferLeadership(...args);
  }
  readIndex(...args: Parameters<RaftNode['readIndex']>): ReturnType<RaftNode['readIndex']> {
    return this.inner.readIndex(...args);
  }
  compact(lastOffset: Offset): void {
    this.inner.compact(lastOffset);
  }
  hasReady(): boolean {
    return this.inner.hasReady();
  }
  ready(): Ready {
    const ready = this.inner.ready();
    this.original = ready;
    const hardState = ready.hardState;
    return hardState === null ? ready : { ...ready, hardState: { ...hardState, vote: null } };
  }
  advance(): void {
    const original = this.original;
    if (original === null) throw new Error('advance without ready');
    this.original = null;
    this.inner.advance(original);
  }
  status(): ReturnType<RaftNode['status']> {
    return this.inner.status();
  }
  isQuiesced(): boolean {
    return this.inner.isQuiesced();
  }
  leaderAlive(...args: Parameters<RaftNode['leaderAlive']>): void {
    this.inner.leaderAlive(...args);
  }
  unquiesce(): void {
    this.inner.unquiesce();
  }
}

export const forgetfulVoteNode: RaftNodeFactory = (config, state) =>
  new ForgetfulVote(createRaftNode(config, state));

class CountingCommit extends RaftCore {
  protected override isCommittable(): boolean {
    return true;
  }
}

export const countingCommitNode: RaftNodeFactory = (config, state) =>
  new CountingCommit(config, state);
