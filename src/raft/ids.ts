/** Identifiers the Raft core uses: log offsets, terms, and node ids (broker ids). */
import type { BrokerId } from '../util/brand.js';

export type { Offset, Term } from '../util/brand.js';
export { asOffset, asTerm } from '../util/brand.js';

/** A member of a Raft group: the id of the broker that hosts the replica. */
export type NodeId = BrokerId;
