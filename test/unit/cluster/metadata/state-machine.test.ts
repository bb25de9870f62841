import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../../src/protocol/record-batch.js';
import { encodeCommands } from '../../../../src/cluster/command-encoding.js';
import { invariantProblem } from '../../../../src/cluster/metadata/metadata-state.js';
import { decodeMetadataSnapshot } from '../../../../src/cluster/metadata/snapshot.js';
import { MetadataStateMachine } from '../../../../src/cluster/metadata/state-machine.js';
import type { MetadataChange, MetadataCommand } from '../../../../src/cluster/types.js';
import { asOffset } from '../../../../src/raft/index.js';
import { CommandFeeder, b, createTopic, register } from '../fixtures.js';

function snapshotJson(machine: MetadataStateMachine): string {
  return new TextDecoder().decode(machine.snapshot());
}

function recorder(machine: MetadataStateMachine): MetadataChange[] {
  const changes: MetadataChange[] = [];
  machine.onChange((change) => changes.push(change));
  return changes;
}

describe('MetadataStateMachine: each command', () => {
  it('initCluster sets the id once; a second one is ignored', async () => {
    const feeder = new CommandFeeder();
    const changes = recorder(feeder.machine);
    await feeder.apply({ type: 'initCluster', clusterId: 'c-1' });
    await feeder.apply({ type: 'initCluster', clusterId: 'c-2' });
    expect(feeder.machine.clusterId).toBe('c-1');
    expect(changes).toEqual([{ type: 'cluster', clusterId: 'c-1' }]);
    expect(feeder.machine.ignoredCommands).toBe(1);
    expect(feeder.machine.appliedOffset).toBe(1);
  });

  it('registers, re-addresses, fences and unfences brokers', async () => {
    const feeder = new CommandFeeder();
    const changes = recorder(feeder.machine);
    await feeder.apply(...register(1, 2));
    await feeder.apply({ type: 'fenceBroker', broker: b(2) });
    expect(feeder.machine.broker(b(2))).toEqual({ id: 2, address: 'h2:9092', fenced: true });
    await feeder.apply({ type: 'fenceBroker', broker: b(2) }); // already fenced: ignored
    await feeder.apply({ type: 'unfenceBroker', broker: b(2) });
    await feeder.apply({ type: 'registerBroker', broker: b(1), address: 'new:1' });
    await feeder.apply({ type: 'registerBroker', broker: b(1), address: 'new:1' }); // no change
    await feeder.apply({ type: 'fenceBroker', broker: b(9) }); // unknown: ignored
    expect(feeder.machine.brokers()).toEqual([
      { id: 1, address: 'new:1', fenced: false },
      { id: 2, address: 'h2:9092', fenced: false },
    ]);
    expect(changes.map((change) => change.type)).toEqual([
      'broker',
      'broker',
      'broker',
      'broker',
      'broker',
    ]);
    expect(feeder.machine.ignoredCommands).toBe(2);
  });

  it('registering a fenced broker again unfences it', async () => {
    const feeder = new CommandFeeder();
    await feeder.apply(...register(1), { type: 'fenceBroker', broker: b(1) });
    await feeder.apply(...register(1));
    expect(feeder.machine.broker(b(1))?.fenced).toBe(false);
  });

  it('creates, alters, extends, reassigns and deletes a topic', async () => {
    const feeder = new CommandFeeder();
    const { machine } = feeder;
    const changes = recorder(machine);
    await feeder.apply(...register(1, 2, 3));
    await feeder.apply(
      createTopic(
        'orders',
        't1',
        [
          [1, 2],
          [2, 3],
        ],
        { 'retention.ms': '10' },
      ),
    );
    expect(machine.topic('orders')?.partitions).toHaveLength(2);
    expect(machine.topicById('t1')?.name).toBe('orders');
    await feeder.apply({
      type: 'alterTopicConfig',
      name: 'orders',
      topicId: 't1',
      configs: { 'segment.ms': '5' },
    });
    expect(machine.topic('orders')?.configs).toEqual({ 'segment.ms': '5' });
    await feeder.apply({
      type: 'createPartitions',
      name: 'orders',
      topicId: 't1',
      partitions: [{ partition: 2, replicas: [b(3), b(1)] }],
    });
    await feeder.apply({
      type: 'reassignPartition',
      name: 'orders',
      topicId: 't1',
      partition: 0,
      replicas: [b(3), b(2)],
    });
    expect(machine.topic('orders')?.partitions.map((p) => p.replicas)).toEqual([
      [3, 2],
      [2, 3],
      [3, 1],
    ]);
    // The founders of the reassigned group stay recorded, through further moves too.
    await feeder.apply({
      type: 'reassignPartition',
      name: 'orders',
      topicId: 't1',
      partition: 0,
      replicas: [b(1)],
    });
    expect(machine.topic('orders')?.partitions.map((p) => p.initialReplicas)).toEqual([
      [1, 2],
      undefined,
      undefined,
    ]);
    const copy = new MetadataStateMachine();
    copy.restore(machine.snapshot(), asOffset(machine.appliedOffset));
    expect(copy.topic('orders')).toEqual(machine.topic('orders'));
    await feeder.apply({ type: 'deleteTopic', name: 'orders', topicId: 't1' });
    expect(machine.topic('orders')).toBeUndefined();
    expect(machine.topicById('t1')).toBeUndefined();
    expect(changes.map((change) => change.type)).toEqual([
      'broker',
      'broker',
      'broker',
      'topicCreated',
      'topicChanged',
      'topicChanged',
      'topicChanged',
      'topicChanged',
      'topicDeleted',
    ]);
    expect(machine.ignoredCommands).toBe(0);
  });

  it('ignores commands that no longer fit, leaving the state as it was', async () => {
    const feeder = new CommandFeeder();
    const { machine } = feeder;
    await feeder.apply(...register(1, 2));
    await feeder.apply(createTopic('a', 't1', [[1]]));
    const before = snapshotJson(machine);
    const misfits: MetadataCommand[] = [
      createTopic('a', 't9', [[1]]), // name exists
      createTopic('b', 't1', [[1]]), // id exists
      createTopic('c', 't2', [[1, 1]]), // broker twice
      createTopic('d', 't3', [[7]]), // unregistered broker
      createTopic('e', 't4', []), // no partitions
      { type: 'deleteTopic', name: 'a', topicId: 'other' }, // wrong id
      { type: 'deleteTopic', name: 'zzz', topicId: 't1' },
      { type: 'alterTopicConfig', name: 'nope', topicId: 'x', configs: {} },
      { type: 'createPartitions', name: 'a', topicId: 't1', partitions: [] },
      {
        type: 'createPartitions',
        name: 'a',
        topicId: 't1',
        partitions: [{ partition: 5, replicas: [b(1)] }], // out of sequence
      },
      { type: 'reassignPartition', name: 'a', topicId: 't1', partition: 3, replicas: [b(1)] },
      { type: 'reassignPartition', name: 'a', topicId: 't1', partition: 0, replicas: [] },
    ];
    for (const command of misfits) await feeder.apply(command);
    expect(machine.ignoredCommands).toBe(misfits.length);
    expect(snapshotJson(machine)).toBe(before);
  });

  it('skips malformed commands and foreign batches without throwing', async () => {
    const feeder = new CommandFeeder();
    const { machine } = feeder;
    const encoder = new TextEncoder();
    const junk = await encodeBatch(
      [
        { value: encoder.encode('not json') },
        { value: encoder.encode(JSON.stringify({ type: 'createTopic', topic: { name: 1 } })) },
        { value: encoder.encode(JSON.stringify({ type: 'dropEverything' })) },
        { value: null },
      ],
      { defaultTimestamp: 0 },
    );
    feeder.applyRaw(junk);
    feeder.applyRaw(new Uint8Array([1, 2, 3]));
    const control = await encodeBatch([{ value: encoder.encode('{}') }], {
      defaultTimestamp: 0,
      control: true,
    });
    feeder.applyRaw(control);
    expect(machine.ignoredCommands).toBe(6);
    expect(machine.lastIgnored?.reason).toBe('not a controller batch');
    expect(machine.appliedOffset).toBe(2);
  });

  it('keeps handed-out values immutable', async () => {
    const feeder = new CommandFeeder();
    await feeder.apply(...register(1));
    await feeder.apply(createTopic('a', 't1', [[1]]));
    const topic = feeder.machine.topic('a');
    expect(Object.isFrozen(topic)).toBe(true);
    expect(Object.isFrozen(topic?.partitions[0]?.replicas)).toBe(true);
  });

  it('tells every listener even when one throws, then rethrows', async () => {
    const feeder = new CommandFeeder();
    const heard: string[] = [];
    feeder.machine.onChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = feeder.machine.onChange((change) => heard.push(change.type));
    await expect(feeder.apply(...register(1))).rejects.toThrow('listener bug');
    expect(heard).toEqual(['broker']);
    unsubscribe();
  });
});

describe('MetadataStateMachine: snapshots', () => {
  async function populated(): Promise<MetadataStateMachine> {
    const feeder = new CommandFeeder();
    await feeder.apply({ type: 'initCluster', clusterId: 'c' });
    await feeder.apply(...register(3, 1, 2), { type: 'fenceBroker', broker: b(3) });
    await feeder.apply(
      createTopic('z', 'tz', [[1, 2]], { 'retention.ms': '1', 'segment.ms': '2' }),
    );
    await feeder.apply(createTopic('a', 'ta', [[2], [1]]));
    return feeder.machine;
  }

  it('round-trips: restore(snapshot()) gives the same state', async () => {
    const original = await populated();
    const copy = new MetadataStateMachine();
    copy.restore(original.snapshot(), asOffset(original.appliedOffset));
    expect(snapshotJson(copy)).toBe(snapshotJson(original));
    expect(copy.clusterId).toBe('c');
    expect(copy.brokers()).toEqual(original.brokers());
    expect(copy.topics()).toEqual(original.topics());
    expect(copy.appliedOffset).toBe(original.appliedOffset);
    expect(invariantProblem(decodeMetadataSnapshot(copy.snapshot()))).toBeNull();
  });

  it('reports the difference to listeners on restore', async () => {
    const original = await populated();
    const copy = new MetadataStateMachine();
    const feeder = new CommandFeeder(copy);
    await feeder.apply(...register(1), createTopic('gone', 'tg', [[1]]));
    const changes = recorder(copy);
    copy.restore(original.snapshot(), asOffset(10));
    // Broker 1 is already registered as in the snapshot: only 2 and 3 are news.
    expect(changes.map((change) => change.type)).toEqual([
      'cluster',
      'broker',
      'broker',
      'topicDeleted',
      'topicCreated',
      'topicCreated',
    ]);
    expect(copy.appliedOffset).toBe(10);
  });

  it('an empty snapshot is the empty state; a damaged one is refused', async () => {
    const machine = new MetadataStateMachine();
    machine.restore(new Uint8Array(0), asOffset(-1));
    expect(machine.topics()).toEqual([]);
    const bytes = (await populated()).snapshot();
    const text = new TextDecoder().decode(bytes).replace('"fenced\\":true', '"fenced\\":false');
    expect(() => machine.restore(new TextEncoder().encode(text), asOffset(4))).toThrow(/checksum/);
    const versioned = new TextDecoder().decode(bytes).replace('"version":1', '"version":99');
    expect(() => machine.restore(new TextEncoder().encode(versioned), asOffset(4))).toThrow(
      /unknown format/,
    );
  });
});

// ---- replay determinism (property) ----

const brokerIdArb = fc.integer({ min: 1, max: 5 });
const nameArb = fc.constantFrom('a', 'b', 'c');
const idArb = fc.constantFrom('t1', 't2', 't3', 't4');
const replicasArb = fc.array(brokerIdArb, { minLength: 0, maxLength: 3 });

const commandArb: fc.Arbitrary<MetadataCommand> = fc.oneof(
  fc.record({ type: fc.constant('initCluster' as const), clusterId: fc.constantFrom('x', 'y') }),
  brokerIdArb.map((id) => register(id)[0] as MetadataCommand),
  brokerIdArb.map((id): MetadataCommand => ({ type: 'fenceBroker', broker: b(id) })),
  brokerIdArb.map((id): MetadataCommand => ({ type: 'unfenceBroker', broker: b(id) })),
  fc
    .tuple(nameArb, idArb, fc.array(replicasArb, { minLength: 0, maxLength: 3 }))
    .map(([name, id, sets]) => createTopic(name, id, sets)),
  fc.tuple(nameArb, idArb).map(([name, topicId]): MetadataCommand => ({
    type: 'deleteTopic',
    name,
    topicId,
  })),
  fc.tuple(nameArb, idArb, fc.constantFrom('1', '2')).map(([name, topicId, value]) => ({
    type: 'alterTopicConfig' as const,
    name,
    topicId,
    configs: { 'retention.ms': value },
  })),
  fc.tuple(nameArb, idArb, fc.nat(3), replicasArb).map(([name, topicId, partition, set]) => ({
    type: 'createPartitions' as const,
    name,
    topicId,
    partitions: [{ partition, replicas: set.map(b) }],
  })),
  fc.tuple(nameArb, idArb, fc.nat(3), replicasArb).map(([name, topicId, partition, set]) => ({
    type: 'reassignPartition' as const,
    name,
    topicId,
    partition,
    replicas: set.map(b),
  })),
);

describe('MetadataStateMachine: replaying a log', () => {
  it('gives the same state on every replica, whatever the batching or snapshot point', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArb, { minLength: 1, maxLength: 40 }),
        fc.nat(),
        async (commands, cut) => {
          // Replica A: one command per entry.
          const a = new CommandFeeder();
          for (const command of commands) await a.apply(command);
          // Replica B: the same log in batches of up to 3 commands.
          const bFeeder = new CommandFeeder();
          for (let index = 0; index < commands.length; index += 3) {
            await bFeeder.apply(...commands.slice(index, index + 3));
          }
          // Replica C: restores a snapshot taken mid-log by another replica, then replays.
          const split = cut % (commands.length + 1);
          const donor = new CommandFeeder();
          for (const command of commands.slice(0, split)) await donor.apply(command);
          const c = new MetadataStateMachine();
          c.restore(donor.machine.snapshot(), asOffset(donor.machine.appliedOffset));
          const cFeeder = new CommandFeeder(c);
          for (const command of commands.slice(split)) await cFeeder.apply(command);
          const expected = snapshotJson(a.machine);
          expect(snapshotJson(bFeeder.machine)).toBe(expected);
          expect(snapshotJson(c)).toBe(expected);
          expect(invariantProblem(decodeMetadataSnapshot(a.machine.snapshot()))).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('encodes commands as one uncompressed data batch', async () => {
    const bytes = await encodeCommands(register(1, 2), 0);
    expect(bytes.readInt32BE(57)).toBe(2); // record count
  });
});
