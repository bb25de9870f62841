/**
 * The Raft core's public surface: the contract (types.ts), the factory the replica loop uses,
 * RaftCore itself (for deliberately broken variants, see its header), and the membership
 * helpers that build single-server configuration changes.
 */
import { RaftCore } from './core.js';
import type { RaftNodeFactory } from './types.js';

export const createRaftNode: RaftNodeFactory = (config, state) => new RaftCore(config, state);

export { RaftCore } from './core.js';
export { NOOP_ENTRY_BYTES } from './roles/leader.js';
export {
  isLearner,
  isVoter,
  members,
  membershipAfter,
  validateMembershipChange,
} from './membership.js';
export type { MembershipChange, MembershipResult } from './membership.js';
export type * from './types.js';
export { asOffset, asTerm } from './ids.js';
