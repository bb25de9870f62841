/**
 * Preferred-leader balancing: which partitions should hand leadership back to their preferred
 * replica (replicas[0] of the assignment), typically after that broker returned from a crash
 * and caught up. Pure: the controller leader runs it every `leaderBalanceIntervalMs` over the
 * metadata and its leader table, and asks each current leader to transfer.
 *
 * A move is proposed only when it is safe and useful: the partition has a known leader that is
 * not the preferred one; the preferred broker is registered and unfenced and in the ISR (so the
 * transfer does not wait on a catch-up); the current leader is unfenced (it can be reached).
 * At most `movesMax` per round, in topic-name then partition order (deterministic).
 *
 * Must not: move a leader to a broker outside the ISR.
 */
import type { BrokerId } from '../util/brand.js';
import type { BrokerRegistration, LeaderTable, TopicAssignment } from './types.js';

export interface LeaderMove {
  readonly topicId: string;
  readonly topic: string;
  readonly partition: number;
  readonly from: BrokerId;
  readonly to: BrokerId;
}

/** Leadership transfers asked for in one balancing round. */
export const LEADER_MOVES_PER_ROUND_MAX = 256;

export function preferredLeaderMoves(
  topics: readonly TopicAssignment[],
  brokers: readonly BrokerRegistration[],
  table: LeaderTable,
  movesMax = LEADER_MOVES_PER_ROUND_MAX,
): LeaderMove[] {
  const live = new Set(brokers.filter((broker) => !broker.fenced).map((broker) => broker.id));
  const moves: LeaderMove[] = [];
  const ordered = [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const topic of ordered) {
    for (const assignment of topic.partitions) {
      if (moves.length >= movesMax) return moves;
      const preferred = assignment.replicas[0];
      const state = table.get(topic.topicId, assignment.partition);
      if (preferred === undefined || state === undefined) continue;
      if (state.leader === preferred || !live.has(preferred) || !live.has(state.leader)) continue;
      if (!state.isr.includes(preferred)) continue;
      moves.push({
        topicId: topic.topicId,
        topic: topic.name,
        partition: assignment.partition,
        from: state.leader,
        to: preferred,
      });
    }
  }
  return moves;
}
