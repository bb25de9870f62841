/**
 * How a partition's Raft group replica is opened on this broker: the Raft settings of partition
 * groups (pre-vote, check-quorum, and no leader no-op for a group of one, so that a partition of
 * replication factor 1 keeps gap-free offsets), a stateless state machine (the log is the
 * state), the per-group transport, and the topic's log settings.
 */
import type { Membership } from '../raft/types.js';
import { createRaftNode } from '../raft/index.js';
import { Replica } from '../replica/replica.js';
import { NullStateMachine } from '../replica/state-machine.js';
import type { Logger } from '../util/ports.js';
import { PARTITION_FILE } from './partition-directory.js';
import { groupTransport } from './peer-network.js';
import type { ReplicaManagerOptions } from './replica-manager.js';
import type { GroupId, TopicAssignment } from './types.js';

export interface PartitionReplicaSpec {
  readonly topic: TopicAssignment;
  readonly group: GroupId;
  readonly path: string;
  readonly logger: Logger;
  /** Used only when the directory holds no group yet. */
  readonly initialMembership: Membership;
  readonly onAdvance: () => void;
}

export function openPartitionReplica(
  options: ReplicaManagerOptions,
  spec: PartitionReplicaSpec,
): Promise<Replica> {
  return Replica.open({
    fs: options.fs,
    directory: spec.path,
    logger: spec.logger,
    clock: options.clock,
    id: options.brokerId,
    random: options.random,
    raft: {
      electionTicks: options.timing.electionTicks,
      heartbeatTicks: options.timing.heartbeatTicks,
      preVote: true,
      checkQuorum: true,
      soleVoterSkipsNoop: true,
      ...(options.timing.quiesceAfterTicks > 0 && options.sender.sendLiveness !== undefined
        ? { quiesceAfterTicks: options.timing.quiesceAfterTicks }
        : {}),
      ...options.raft,
    },
    initialMembership: spec.initialMembership,
    transport: groupTransport(options.sender, spec.group),
    stateMachine: new NullStateMachine(),
    createNode: options.createNode ?? createRaftNode,
    logConfig: options.logConfigFor(spec.topic),
    companionFiles: [PARTITION_FILE],
    onAdvance: spec.onAdvance,
    ...(options.replicaLimits === undefined ? {} : { limits: options.replicaLimits }),
  });
}
