/**
 * What the core asks of the object that plays its current role. Each role lives in its own file
 * (etcd's stepLeader / stepCandidate / stepFollower); the core swaps the object on every role
 * change, so role state (votes, progress, pending reads) cannot outlive its role.
 */
import type { Message, Role } from '../types.js';

export interface RoleBehaviour {
  readonly role: Role;
  /** One tick of the logical clock. */
  tick(): void;
  /**
   * A message of the current term. The core already handled term changes and vote requests,
   * and turned a (pre-)candidate into a follower on hearing the leader of its term.
   */
  step(message: Message): void;
  /** The caller finished a Ready: something may have become durable on this node. */
  afterAdvance(): void;
}
