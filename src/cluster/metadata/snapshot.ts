/**
 * The metadata snapshot: a versioned JSON document with a CRC-32C over its state, so a damaged
 * or foreign snapshot is refused instead of restored. Brokers, topics and config keys are
 * sorted, so equal states give byte-identical snapshots on every replica.
 *
 * Layout (UTF-8 JSON):
 *   { "format": "brook.metadata", "version": 1, "crc32c": <uint32 of the UTF-8 bytes of state>,
 *     "state": "<JSON of { clusterId, brokers: [...], topics: [...] }>" }
 * The state travels as a string so the checksum covers exactly the bytes written.
 *
 * Also here: `diffMetadata`, the changes that turn one state into another, which a restore
 * reports to listeners as if the commands had been applied one by one.
 *
 * Must not: do I/O, or accept a document whose version it does not know.
 */
import { crc32c } from '../../protocol/crc32c.js';
import { assert } from '../../util/assert.js';
import { asBrokerId } from '../../util/brand.js';
import type { BrokerRegistration, MetadataChange, TopicAssignment } from '../types.js';
import { BROKER_ID_MAX, topicAssignment } from './commands.js';
import { copyTopic, emptyMetadata, invariantProblem } from './metadata-state.js';
import type { MetadataData } from './metadata-state.js';

export const SNAPSHOT_FORMAT = 'brook.metadata';
export const SNAPSHOT_VERSION = 1;

interface SnapshotState {
  readonly clusterId: string | null;
  readonly brokers: readonly BrokerRegistration[];
  readonly topics: readonly TopicAssignment[];
}

const byNumber = (a: number, b: number): number => a - b;
const byName = (a: TopicAssignment, b: TopicAssignment): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export function encodeMetadataSnapshot(state: MetadataData): Uint8Array {
  const snapshotState: SnapshotState = {
    clusterId: state.clusterId,
    brokers: [...state.brokers.keys()].sort(byNumber).map((id) => {
      const broker = state.brokers.get(id);
      assert(broker !== undefined);
      return { id: broker.id, address: broker.address, fenced: broker.fenced };
    }),
    topics: [...state.topics.values()].sort(byName).map(copyTopic),
  };
  const stateJson = JSON.stringify(snapshotState);
  const document = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    crc32c: crc32c(new TextEncoder().encode(stateJson)),
    state: stateJson,
  };
  return new TextEncoder().encode(JSON.stringify(document));
}

/**
 * The state a snapshot holds; an empty snapshot (no bytes) is the empty state. Throws on a
 * damaged or unknown document: restoring from one would silently diverge from the other
 * replicas, so the replica must stop instead (AssertionError).
 */
export function decodeMetadataSnapshot(bytes: Uint8Array): MetadataData {
  if (bytes.length === 0) return emptyMetadata();
  const document = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  assert(
    document['format'] === SNAPSHOT_FORMAT && document['version'] === SNAPSHOT_VERSION,
    `metadata snapshot: unknown format ${String(document['format'])} v${String(document['version'])}`,
  );
  const stateJson = document['state'];
  assert(typeof stateJson === 'string', 'metadata snapshot: state is not a string');
  assert(
    crc32c(new TextEncoder().encode(stateJson)) === document['crc32c'],
    'metadata snapshot: checksum mismatch',
  );
  const parsed = JSON.parse(stateJson) as Record<string, unknown>;
  const state = emptyMetadata();
  const clusterId = parsed['clusterId'];
  assert(clusterId === null || typeof clusterId === 'string', 'metadata snapshot: cluster id');
  state.clusterId = clusterId;
  for (const broker of parsed['brokers'] as unknown[]) {
    const registration = brokerRegistration(broker);
    state.brokers.set(registration.id, registration);
  }
  for (const value of parsed['topics'] as unknown[]) {
    const topic = topicAssignment(value);
    assert(topic !== null, 'metadata snapshot: malformed topic');
    const stored = copyTopic(topic);
    state.topics.set(stored.name, stored);
    state.topicsById.set(stored.topicId, stored);
  }
  const problem = invariantProblem(state);
  assert(problem === null, `metadata snapshot: ${problem ?? ''}`);
  return state;
}

function brokerRegistration(value: unknown): BrokerRegistration {
  const broker = value as Record<string, unknown>;
  const id = broker['id'];
  const address = broker['address'];
  const fenced = broker['fenced'];
  assert(
    Number.isSafeInteger(id) && (id as number) >= 0 && (id as number) <= BROKER_ID_MAX,
    'metadata snapshot: broker id',
  );
  assert(typeof address === 'string' && typeof fenced === 'boolean', 'metadata snapshot: broker');
  return { id: asBrokerId(id as number), address, fenced };
}

function sameTopic(a: TopicAssignment, b: TopicAssignment): boolean {
  return JSON.stringify(copyTopic(a)) === JSON.stringify(copyTopic(b));
}

/**
 * The changes from `before` to `after`, in the order a listener can act on them: the cluster
 * id, brokers (by id), deleted topics, created topics, changed topics (each by name). A name
 * that now belongs to another topic id is a deletion and a creation.
 */
export function diffMetadata(before: MetadataData, after: MetadataData): MetadataChange[] {
  const changes: MetadataChange[] = [];
  if (after.clusterId !== null && after.clusterId !== before.clusterId) {
    changes.push({ type: 'cluster', clusterId: after.clusterId });
  }
  for (const id of [...after.brokers.keys()].sort(byNumber)) {
    const broker = after.brokers.get(id);
    const old = before.brokers.get(id);
    if (broker === undefined) continue;
    if (old?.address !== broker.address || old.fenced !== broker.fenced) {
      changes.push({ type: 'broker', broker });
    }
  }
  const oldTopics = [...before.topicsById.values()].sort(byName);
  const newTopics = [...after.topicsById.values()].sort(byName);
  for (const topic of oldTopics) {
    if (!after.topicsById.has(topic.topicId)) {
      changes.push({ type: 'topicDeleted', name: topic.name, topicId: topic.topicId });
    }
  }
  for (const topic of newTopics) {
    if (!before.topicsById.has(topic.topicId)) changes.push({ type: 'topicCreated', topic });
  }
  for (const topic of newTopics) {
    const old = before.topicsById.get(topic.topicId);
    if (old !== undefined && !sameTopic(old, topic)) changes.push({ type: 'topicChanged', topic });
  }
  return changes;
}
