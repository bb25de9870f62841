/**
 * The controller's metadata as plain data, and the rules that change it: `applyCommand` checks
 * that a command still fits the state (the leader validated it against the state it saw, but
 * another command may have committed in between) and either changes the state and reports the
 * changes, or leaves the state untouched and says why it did not fit.
 *
 * Invariants (hold after every command; `checkInvariants` asserts them in tests):
 * - `topicsById` holds exactly the topics of `topics`, under their ids; names and ids unique.
 * - A topic's partitions are numbered 0..n-1; each has at least one replica, no broker twice,
 *   and every replica is a registered broker (so are its `initialReplicas`, when recorded: a
 *   reassignment records the replica set the group was founded with, if not yet recorded).
 * - Stored values are never mutated: a change replaces the object, so listeners and readers
 *   may keep what they were handed.
 *
 * Must not: read a clock, a random source or the environment (time and ids arrive inside the
 * commands), or do I/O.
 */
import type { BrokerId } from '../../util/brand.js';
import type {
  BrokerRegistration,
  MetadataChange,
  MetadataCommand,
  PartitionAssignment,
  TopicAssignment,
} from '../types.js';

export interface MetadataData {
  clusterId: string | null;
  readonly brokers: Map<BrokerId, BrokerRegistration>;
  readonly topics: Map<string, TopicAssignment>;
  readonly topicsById: Map<string, TopicAssignment>;
}

export function emptyMetadata(): MetadataData {
  return { clusterId: null, brokers: new Map(), topics: new Map(), topicsById: new Map() };
}

/** What applying one command did: its changes, or why it was ignored. */
export type ApplyOutcome =
  | { readonly applied: true; readonly changes: readonly MetadataChange[] }
  | { readonly applied: false; readonly reason: string };

const NO_CHANGE: ApplyOutcome = { applied: true, changes: [] };

function ignored(reason: string): ApplyOutcome {
  return { applied: false, reason };
}

export function applyCommand(state: MetadataData, command: MetadataCommand): ApplyOutcome {
  switch (command.type) {
    case 'initCluster':
      if (state.clusterId !== null) return ignored('the cluster id is already set');
      state.clusterId = command.clusterId;
      return { applied: true, changes: [{ type: 'cluster', clusterId: command.clusterId }] };
    case 'registerBroker':
      return registerBroker(state, command.broker, command.address);
    case 'fenceBroker':
    case 'unfenceBroker':
      return setFenced(state, command.broker, command.type === 'fenceBroker');
    case 'createTopic':
      return createTopic(state, command.topic);
    case 'deleteTopic':
      return deleteTopic(state, command.name, command.topicId);
    case 'alterTopicConfig':
      return changeTopic(state, command.name, command.topicId, (topic) => ({
        ...topic,
        configs: { ...command.configs },
      }));
    case 'createPartitions':
      return createPartitions(state, command.name, command.topicId, command.partitions);
    case 'reassignPartition':
      return reassignPartition(state, command);
  }
}

function registerBroker(state: MetadataData, id: BrokerId, address: string): ApplyOutcome {
  const existing = state.brokers.get(id);
  if (existing !== undefined && existing.address === address && !existing.fenced) return NO_CHANGE;
  // Registering is hearing from the broker: it is live (unfenced) at its (new) address.
  const broker: BrokerRegistration = { id, address, fenced: false };
  state.brokers.set(id, broker);
  return { applied: true, changes: [{ type: 'broker', broker }] };
}

function setFenced(state: MetadataData, id: BrokerId, fenced: boolean): ApplyOutcome {
  const existing = state.brokers.get(id);
  if (existing === undefined) return ignored(`broker ${id} is not registered`);
  if (existing.fenced === fenced) {
    return ignored(`broker ${id} is already ${fenced ? 'fenced' : 'unfenced'}`);
  }
  const broker: BrokerRegistration = { ...existing, fenced };
  state.brokers.set(id, broker);
  return { applied: true, changes: [{ type: 'broker', broker }] };
}

/** Why `replicas` cannot be a partition's replica set, or null when it can. */
export function replicaSetProblem(
  state: MetadataData,
  replicas: readonly BrokerId[],
): string | null {
  if (replicas.length === 0) return 'a partition needs at least one replica';
  if (new Set(replicas).size !== replicas.length) return 'a broker appears twice in a replica set';
  const unknown = replicas.find((id) => !state.brokers.has(id));
  return unknown === undefined ? null : `broker ${unknown} is not registered`;
}

/** Why `partitions` cannot follow a topic's `firstPartition - 1`, or null when they can. */
function partitionsProblem(
  state: MetadataData,
  partitions: readonly PartitionAssignment[],
  firstPartition: number,
): string | null {
  for (const [index, assignment] of partitions.entries()) {
    if (assignment.partition !== firstPartition + index) {
      return `partition ${assignment.partition} is out of sequence`;
    }
    const problem = replicaSetProblem(state, assignment.replicas);
    if (problem !== null) return `partition ${assignment.partition}: ${problem}`;
    const initial = assignment.initialReplicas;
    const initialProblem = initial === undefined ? null : replicaSetProblem(state, initial);
    if (initialProblem !== null) {
      return `partition ${assignment.partition}: initial replicas: ${initialProblem}`;
    }
  }
  return null;
}

function createTopic(state: MetadataData, topic: TopicAssignment): ApplyOutcome {
  if (state.topics.has(topic.name)) return ignored(`topic ${topic.name} exists`);
  if (state.topicsById.has(topic.topicId)) return ignored(`topic id ${topic.topicId} is taken`);
  if (topic.partitions.length === 0) return ignored('a topic needs a partition');
  if (topic.replicationFactor < 1) return ignored('the replication factor must be positive');
  const problem = partitionsProblem(state, topic.partitions, 0);
  if (problem !== null) return ignored(problem);
  const stored = copyTopic(topic);
  state.topics.set(stored.name, stored);
  state.topicsById.set(stored.topicId, stored);
  return { applied: true, changes: [{ type: 'topicCreated', topic: stored }] };
}

function topicNamed(state: MetadataData, name: string, topicId: string): TopicAssignment | null {
  const topic = state.topics.get(name);
  return topic?.topicId === topicId ? topic : null;
}

function deleteTopic(state: MetadataData, name: string, topicId: string): ApplyOutcome {
  if (topicNamed(state, name, topicId) === null) return ignored(`no topic ${name} (${topicId})`);
  state.topics.delete(name);
  state.topicsById.delete(topicId);
  return { applied: true, changes: [{ type: 'topicDeleted', name, topicId }] };
}

function changeTopic(
  state: MetadataData,
  name: string,
  topicId: string,
  change: (topic: TopicAssignment) => TopicAssignment | string,
): ApplyOutcome {
  const topic = topicNamed(state, name, topicId);
  if (topic === null) return ignored(`no topic ${name} (${topicId})`);
  const changed = change(topic);
  if (typeof changed === 'string') return ignored(changed);
  const stored = copyTopic(changed);
  state.topics.set(name, stored);
  state.topicsById.set(topicId, stored);
  return { applied: true, changes: [{ type: 'topicChanged', topic: stored }] };
}

function createPartitions(
  state: MetadataData,
  name: string,
  topicId: string,
  added: readonly PartitionAssignment[],
): ApplyOutcome {
  return changeTopic(state, name, topicId, (topic) => {
    if (added.length === 0) return 'no partitions to add';
    const problem = partitionsProblem(state, added, topic.partitions.length);
    if (problem !== null) return problem;
    return { ...topic, partitions: [...topic.partitions, ...added] };
  });
}

function reassignPartition(
  state: MetadataData,
  command: Extract<MetadataCommand, { type: 'reassignPartition' }>,
): ApplyOutcome {
  return changeTopic(state, command.name, command.topicId, (topic) => {
    if (command.partition >= topic.partitions.length) {
      return `topic ${topic.name} has no partition ${command.partition}`;
    }
    const problem = replicaSetProblem(state, command.replicas);
    if (problem !== null) return problem;
    // The founders stay recorded (PartitionAssignment.initialReplicas): a new replica must
    // join as a learner, never start as a voter of a group that never had it.
    const partitions = topic.partitions.map((assignment) =>
      assignment.partition === command.partition
        ? {
            partition: assignment.partition,
            replicas: command.replicas,
            initialReplicas: assignment.initialReplicas ?? assignment.replicas,
          }
        : assignment,
    );
    return { ...topic, partitions };
  });
}

/** A deep copy with sorted config keys and frozen arrays: stored values are never shared. */
export function copyTopic(topic: TopicAssignment): TopicAssignment {
  const configs: Record<string, string> = {};
  for (const key of Object.keys(topic.configs).sort()) configs[key] = topic.configs[key] ?? '';
  return Object.freeze({
    name: topic.name,
    topicId: topic.topicId,
    replicationFactor: topic.replicationFactor,
    configs: Object.freeze(configs),
    partitions: Object.freeze(
      topic.partitions.map((assignment) => {
        const replicas = Object.freeze([...assignment.replicas]);
        const initial = assignment.initialReplicas;
        return Object.freeze(
          initial === undefined
            ? { partition: assignment.partition, replicas }
            : {
                partition: assignment.partition,
                replicas,
                initialReplicas: Object.freeze([...initial]),
              },
        );
      }),
    ),
    createdAtMs: topic.createdAtMs,
  });
}

/** Asserts the module invariants (for tests and after a restore). Returns the first problem. */
export function invariantProblem(state: MetadataData): string | null {
  if (state.topics.size !== state.topicsById.size) return 'topic maps differ in size';
  for (const [name, topic] of state.topics) {
    if (topic.name !== name) return `topic ${name} stored under another name`;
    if (state.topicsById.get(topic.topicId) !== topic) return `topic ${name}: id map differs`;
    if (topic.partitions.length === 0) return `topic ${name} has no partitions`;
    const problem = partitionsProblem(state, topic.partitions, 0);
    if (problem !== null) return `topic ${name}: ${problem}`;
  }
  for (const [id, broker] of state.brokers) {
    if (broker.id !== id) return `broker ${id} stored under another id`;
  }
  return null;
}
