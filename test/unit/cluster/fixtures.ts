/**
 * Shared pieces of the cluster unit tests: metadata commands as applied controller entries, a
 * state machine fed command by command, topic rules as broker/ provides them, and partition
 * states.
 */
import { encodeCommands } from '../../../src/cluster/command-encoding.js';
import { MetadataStateMachine } from '../../../src/cluster/metadata/state-machine.js';
import type { MetadataCommand, PartitionState, TopicRules } from '../../../src/cluster/types.js';
import { TOPIC_CONFIG_KEYS, validateOverrides } from '../../../src/broker/topic-config.js';
import { checkTopicName } from '../../../src/broker/topic-name.js';
import { asOffset, asTerm } from '../../../src/raft/index.js';
import type { AppliedEntry } from '../../../src/replica/state-machine.js';
import { asBrokerId } from '../../../src/util/brand.js';
import type { BrokerId } from '../../../src/util/brand.js';

export const TIMESTAMP_MS = 1_700_000_000_000;

export const b = (id: number): BrokerId => asBrokerId(id);

export const TOPIC_RULES: TopicRules = {
  checkName: checkTopicName,
  validateConfigs: validateOverrides,
  configKeys: TOPIC_CONFIG_KEYS,
};

/** Feeds commands to a state machine as consecutive controller entries. */
export class CommandFeeder {
  private nextOffset = 0;
  constructor(readonly machine = new MetadataStateMachine()) {}

  async entry(commands: readonly MetadataCommand[], term = 1): Promise<AppliedEntry> {
    const bytes = await encodeCommands(commands, TIMESTAMP_MS);
    const entry: AppliedEntry = {
      baseOffset: asOffset(this.nextOffset),
      lastOffset: asOffset(this.nextOffset + commands.length - 1),
      term: asTerm(term),
      bytes,
    };
    this.nextOffset += commands.length;
    return entry;
  }

  async apply(...commands: MetadataCommand[]): Promise<void> {
    this.machine.apply(await this.entry(commands));
  }

  /** An entry whose bytes are not a controller batch (or garbage), applied as is. */
  applyRaw(bytes: Uint8Array): void {
    const offset = this.nextOffset++;
    this.machine.apply({
      baseOffset: asOffset(offset),
      lastOffset: asOffset(offset),
      term: asTerm(1),
      bytes,
    });
  }
}

export function register(...ids: number[]): MetadataCommand[] {
  return ids.map((id) => ({ type: 'registerBroker', broker: b(id), address: `h${id}:9092` }));
}

export function createTopic(
  name: string,
  topicId: string,
  replicas: number[][],
  configs: Record<string, string> = {},
): MetadataCommand {
  return {
    type: 'createTopic',
    topic: {
      name,
      topicId,
      replicationFactor: replicas[0]?.length ?? 1,
      configs,
      partitions: replicas.map((set, partition) => ({ partition, replicas: set.map(b) })),
      createdAtMs: TIMESTAMP_MS,
    },
  };
}

export function partitionState(
  topicId: string,
  partition: number,
  leader: number,
  overrides: Partial<PartitionState> = {},
): PartitionState {
  return {
    topicId,
    topic: `topic-${topicId}`,
    partition,
    leader: b(leader),
    leaderEpoch: 1,
    replicas: [b(1), b(2), b(3)],
    isr: [b(1), b(2), b(3)],
    highWatermark: 0,
    logStartOffset: 0,
    sizeBytes: 0,
    ...overrides,
  };
}
