/**
 * Randomized safety check of the core in the harness (a miniature of the simulator):
 * random ticks, deliveries out of order, duplicates, drops, partitions, restarts, proposals,
 * compactions and membership changes; after every event, Raft's safety properties (paper
 * figure 3): election safety, log matching on applied entries, state machine safety, and commit
 * offsets that never move back. Then a liveness phase: healed, a proposal must commit.
 */
import { membershipAfter } from '../../../src/raft/index.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { Network, ensure, freshStorage, id } from './network.js';
import type { EntryMeta, NodeId } from '../../../src/raft/index.js';

/** Runs one seed; returns a digest of every message sent (equal digests: equal runs). */
export function runSeed(seed: number, steps: number): string {
  const random = new SeededRandom(seed);
  const voters = random.chance(0.5) ? [1, 2, 3] : [1, 2, 3, 4, 5];
  const config = {
    electionTicks: random.between(5, 20),
    heartbeatTicks: random.between(1, 4),
    preVote: random.chance(0.5),
    checkQuorum: random.chance(0.5),
    inflightMessagesMax: random.between(1, 4),
    inflightBytesMax: random.between(20, 200),
    messageBytesMax: random.between(1, 60),
  };
  const net = new Network({ voters, learners: [6], seed, config });
  // Nodes outside the configuration (they may be added later) start from the same snapshot.
  for (const spare of [4, 5].filter((member) => !voters.includes(member))) {
    net.add(id(spare), freshStorage(net.node(1).status().membership), config, seed);
  }
  const leaders = new Map<number, NodeId>();
  const committed = new Map<string, string>();
  const commits = new Map<NodeId, number>();
  const checkedApplied = new Map<NodeId, number>();
  let requestId = 0;

  const check = (): void => {
    for (const [member, node] of net.nodes) {
      const status = node.status();
      if (status.role === 'leader') {
        const known = leaders.get(status.term);
        ensure((known ?? member) === member, `two leaders in term ${status.term}`);
        leaders.set(status.term, member);
      }
      ensure(status.commit >= (commits.get(member) ?? -1), `commit of ${member} went back`);
      commits.set(member, status.commit);
      const applied = net.applied.get(member) ?? [];
      const from = checkedApplied.get(member) ?? 0;
      checkedApplied.set(member, applied.length);
      for (const entry of applied.slice(from)) {
        const key = `${entry.baseOffset}`;
        const value = `${entry.lastOffset}/${entry.term}`;
        ensure((committed.get(key) ?? value) === value, `state machine safety at ${key}`);
        committed.set(key, value);
      }
    }
  };

  for (let step = 0; step < steps; step++) {
    const action = random.int(1000);
    const members = [...net.nodes.keys()];
    const member = random.pick(members);
    if (action < 250) {
      net.node(member).tick();
    } else if (action < 560 && net.queue.length > 0) {
      const index = random.int(net.queue.length);
      const message = net.queue[index]!;
      if (!random.chance(0.1)) net.queue.splice(index, 1); // else: duplicated later
      if (!random.chance(0.1)) net.node(message.to).step(message); // else: dropped
    } else if (action < 760) {
      net.processReady(member);
    } else if (action < 860) {
      const leader = net.leader();
      if (leader !== null) {
        const node = net.node(leader);
        node.propose(
          { recordCount: random.between(1, 3), sizeBytes: random.between(1, 40) },
          node.status().term,
        );
        if (random.chance(0.2)) node.readIndex(++requestId);
      }
    } else if (action < 880) {
      net.heal();
      if (random.chance(0.6)) net.isolate(random.pick(voters));
    } else if (action < 900) {
      const node = net.node(member);
      if (node.hasReady() && random.chance(0.5)) {
        // Crash during a Ready: its `messages` went out, nothing was made durable.
        net.route(node.ready().messages);
      } else {
        net.processReady(member);
      }
      // Commit offsets are monotonic within one life of a node; it restarts from what it persisted.
      commits.set(member, net.restart(member).status().commit);
    } else if (action < 930) {
      const status = net.node(member).status();
      if (status.applied > status.snapshot.lastOffset && random.chance(0.5)) {
        net.node(member).compact(status.applied);
        net.storage(member).snapshot = net.node(member).status().snapshot;
        net.storage(member).entries = net
          .storage(member)
          .entries.filter((entry) => entry.baseOffset > status.applied);
      }
    } else if (action < 945) {
      const leader = net.leader();
      if (leader !== null) {
        const node = net.node(leader);
        const current = node.status().membership;
        const type = random.pick(['addLearner', 'promote', 'remove', 'addVoter'] as const);
        const change = membershipAfter(current, { type, node: id(random.pick([3, 4, 5, 6])) });
        if (change.ok && change.membership.voters.length >= 3) {
          node.propose(
            { recordCount: 1, sizeBytes: 5, config: change.membership },
            node.status().term,
          );
        }
      }
    } else if (action < 950) {
      const leader = net.leader();
      if (leader !== null) net.node(leader).transferLeadership(id(random.pick(voters)));
    } else {
      net.processAll();
    }
    check();
  }

  // Liveness: healed, some leader must get a proposal of its term committed on every member of
  // its configuration (a removed node may never learn it was removed). A proposal that a
  // leader change discarded is proposed again to the new leader.
  net.heal();
  let pending: { leader: NodeId; term: number; entry: EntryMeta } | null = null;
  let done = false;
  for (let round = 0; round < 500 && !done; round++) {
    net.tickAll();
    net.stabilize();
    const leader = net.leader();
    if (leader === null) continue;
    const status = net.node(leader).status();
    if (pending === null || pending.leader !== leader || pending.term !== status.term) {
      const result = net.node(leader).propose({ recordCount: 1, sizeBytes: 1 }, status.term);
      pending = result.ok ? { leader, term: status.term, entry: result.entry } : null;
      continue;
    }
    const target = pending.entry.lastOffset;
    const { voters, learners } = status.membership;
    done = [...voters, ...learners].every((member) => net.node(member).status().commit >= target);
  }
  check();
  if (!done && process.env['RAFT_FUZZ_VERBOSE'] !== undefined) {
    for (const node of net.nodes.values()) console.log(JSON.stringify(node.status()));
    console.log(pending, net.queue.length);
  }
  ensure(done, `seed ${seed}: no progress after healing`);
  stats.leaders += leaders.size;
  stats.commit += net.node(net.leader() ?? 1).status().commit;
  stats.applied += Math.max(...[...net.applied.values()].map((applied) => applied.length));
  stats.snapshots += net.sent.filter((message) => message.type === 'installSnapshot').length;
  stats.rejections += net.sent.filter((m) => m.type === 'appendResponse' && !m.success).length;
  return digest(JSON.stringify(net.sent));
}

export const stats = { leaders: 0, applied: 0, snapshots: 0, rejections: 0, commit: 0 };

/** FNV-1a over a string, as hex. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash.toString(16);
}
