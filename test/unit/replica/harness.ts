/**
 * A replica over the in-memory file system with a scripted core (fake-node.ts), a recording
 * transport and a recording state machine, plus one event list in which sends, fsyncs, file
 * renames and applies appear in the order they happened (for the Ready-order tests).
 */
import { encodeBatch } from '../../../src/protocol/record-batch.js';
import type { Membership, Message, RaftConfig, RaftStorageState } from '../../../src/raft/types.js';
import { Replica } from '../../../src/replica/replica.js';
import type { ReplicaObserver } from '../../../src/replica/observer.js';
import type { AppliedEntry, StateMachine } from '../../../src/replica/state-machine.js';
import type { Transport } from '../../../src/replica/transport.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { FakeNode, N1, THREE } from './fake-node.js';

export const DIRECTORY = '/data/group';
export const RAFT: Omit<RaftConfig, 'id' | 'random'> = {
  electionTicks: 10,
  heartbeatTicks: 2,
  preVote: true,
  checkQuorum: true,
  inflightMessagesMax: 8,
  inflightBytesMax: 1 << 20,
  messageBytesMax: 1 << 18,
};

export class RecordingTransport implements Transport {
  readonly sent: { message: Message; payload: Uint8Array | null }[] = [];
  constructor(private readonly events: string[]) {}
  send(message: Message, payload: Uint8Array | null): void {
    this.sent.push({ message, payload });
    this.events.push(`send ${message.type}`);
  }
}

/** Keeps the base offsets it applied and a count; snapshots as JSON. */
export class RecordingStateMachine implements StateMachine {
  applied: number[] = [];
  restoredAt: number | null = null;
  constructor(private readonly events: string[]) {}
  apply(entry: AppliedEntry): void {
    this.applied.push(entry.baseOffset);
    this.events.push(`apply ${entry.baseOffset}`);
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.applied));
  }
  restore(bytes: Uint8Array, lastOffset: number): void {
    this.applied = JSON.parse(new TextDecoder().decode(bytes)) as number[];
    this.restoredAt = lastOffset;
  }
}

export interface Harness {
  fs: MemoryFileSystem;
  clock: ManualClock;
  events: string[];
  transport: RecordingTransport;
  stateMachine: RecordingStateMachine;
  nodes: FakeNode[];
  observer: ReplicaObserver & { calls: string[] };
}

export function harness(): Harness {
  const events: string[] = [];
  const fs = new MemoryFileSystem(new SeededRandom(7));
  fs.setOperationHook((operation) => {
    if (operation.kind === 'sync') events.push(`fsync ${operation.path.split('/').pop() ?? ''}`);
    if (operation.kind === 'rename') events.push(`rename ${operation.path.split('/').pop() ?? ''}`);
  });
  const calls: string[] = [];
  return {
    fs,
    clock: new ManualClock(),
    events,
    transport: new RecordingTransport(events),
    stateMachine: new RecordingStateMachine(events),
    nodes: [],
    observer: {
      calls,
      appended: (entries) =>
        calls.push(`appended ${entries.map((e) => e.meta.baseOffset).join(',')}`),
      truncated: (from) => calls.push(`truncated ${from}`),
      applied: (entry) => calls.push(`applied ${entry.meta.baseOffset} ${entry.kind.kind}`),
      snapshotInstalled: (meta) => calls.push(`installed ${meta.lastOffset}`),
      compacted: (meta) => calls.push(`compacted ${meta.lastOffset}`),
      failed: () => calls.push('failed'),
    },
  };
}

export async function openReplica(
  setup: Harness,
  membership: Membership = THREE,
): Promise<{ replica: Replica; node: FakeNode; state: RaftStorageState }> {
  let created: FakeNode | undefined;
  const replica = await Replica.open({
    fs: setup.fs,
    directory: DIRECTORY,
    logger: silentLogger,
    clock: setup.clock,
    id: N1,
    random: new SeededRandom(1),
    raft: RAFT,
    initialMembership: membership,
    transport: setup.transport,
    stateMachine: setup.stateMachine,
    createNode: (config, state) => {
      created = new FakeNode(config, state);
      return created;
    },
    observer: setup.observer,
  });
  if (created === undefined) throw new Error('createNode was not called');
  setup.nodes.push(created);
  return { replica, node: created, state: created.state };
}

/** Lets every pending promise of the in-memory file system settle. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A data batch of `count` records carrying `label`, offsets not assigned yet. */
export function dataBatch(label: string, count = 1, baseOffset = 0, term = 0): Promise<Buffer> {
  const records = [];
  for (let index = 0; index < count; index++) {
    records.push({ value: new TextEncoder().encode(`${label}-${index}`) });
  }
  return encodeBatch(records, {
    defaultTimestamp: 1_700_000_000_000,
    baseOffset,
    partitionLeaderEpoch: term,
  });
}
