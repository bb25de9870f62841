/**
 * Which membership a partition replica starts with when this broker creates its directory.
 * A group's first configuration lives only in its founders' snapshot files: the founders start
 * with the founding replicas as voters; any other broker (a reassignment target) starts with no
 * membership and learns it from the leader, which adds it as a learner. A joiner that believed
 * itself a voter could win an election the real voters never agreed to.
 *
 * Founders: `PartitionAssignment.initialReplicas` when the metadata records them, else the
 * assignment's replicas, except for a group this broker was seen joining (a reassignment that
 * added it to an existing partition, observed as a metadata change).
 *
 * Pure bookkeeping: no I/O.
 */
import type { Membership } from '../raft/types.js';
import type { BrokerId } from '../util/brand.js';
import { partitionGroupId } from './types.js';
import type { GroupId, PartitionAssignment, TopicAssignment } from './types.js';

const NO_MEMBERS: Membership = { voters: [], learners: [] };

export class Founders {
  /** Last seen replicas per group, to tell a reassignment target from a founder. */
  private readonly knownReplicas = new Map<GroupId, readonly BrokerId[]>();
  private readonly joiners = new Set<GroupId>();

  constructor(private readonly self: BrokerId) {}

  /** Records a topic's replica sets; with `detectJoins`, marks the groups this broker joins. */
  remember(topic: TopicAssignment, detectJoins = false): void {
    for (const assignment of topic.partitions) {
      const group = partitionGroupId(topic.topicId, assignment.partition);
      const before = this.knownReplicas.get(group);
      const joins = before !== undefined && !before.includes(this.self);
      if (detectJoins && joins && assignment.replicas.includes(this.self)) this.joiners.add(group);
      this.knownReplicas.set(group, assignment.replicas);
    }
  }

  /** The membership a new replica of `group` starts with (see the module comment). */
  initialMembership(group: GroupId, assignment: PartitionAssignment): Membership {
    if (this.joiners.has(group)) return NO_MEMBERS;
    const founders = assignment.initialReplicas ?? assignment.replicas;
    if (!founders.includes(this.self)) return NO_MEMBERS;
    return { voters: [...founders], learners: [] };
  }

  /** The group's replica exists now: its own files say what it is from here on. */
  opened(group: GroupId): void {
    this.joiners.delete(group);
  }
}
