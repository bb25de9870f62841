/**
 * How a replica reaches the other members of its group. Fire and forget: a message may be
 * dropped, delayed, duplicated or reordered, and Raft copes (the core retries on its ticks).
 * `payload` carries the bytes the core never sees: the record batches of an `append` (back to
 * back, exactly the message's entries) or the state machine snapshot of an `installSnapshot`;
 * null for every other message.
 *
 * Must not: block, throw for an unreachable peer, or modify the payload (the same bytes may be
 * sent to several peers).
 */
import type { Message } from '../raft/types.js';

export interface Transport {
  send(message: Message, payload: Uint8Array | null): void;
}
