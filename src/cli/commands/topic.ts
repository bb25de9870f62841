/**
 * `brook topic create | list | describe | delete | alter`: topic administration through the
 * client's admin API. Results go to stdout (text by default, JSON with --format json); errors are
 * reported by the caller.
 */
import { Option, type Command } from 'commander';
import { BrookError, type Admin, type TopicDescription } from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { collectKeyValue, integerIn, type KeyValue } from '../parse.js';
import { UsageError } from '../usage-error.js';
import { bootstrapOption, withClient } from './common.js';

interface ClientFlags {
  readonly bootstrap: string;
}

interface CreateFlags extends ClientFlags {
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly config?: readonly KeyValue[];
}

interface FormatFlags extends ClientFlags {
  readonly format: 'text' | 'json';
}

interface AlterFlags extends ClientFlags {
  readonly partitions?: number;
  readonly config?: readonly KeyValue[];
  readonly deleteConfig?: readonly string[];
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

function configOption(): Option {
  return new Option('--config <key=value>', 'topic configuration (repeatable)').argParser(
    collectKeyValue,
  );
}

function toConfigMap(entries: readonly KeyValue[] | undefined): Record<string, string> {
  return Object.fromEntries((entries ?? []).map(({ key, value }) => [key, value]));
}

export function addTopicCommands(program: Command, io: CliIo): void {
  const topic = program
    .command('topic')
    .description('create, list, describe, alter and delete topics');
  addCreate(topic, io);
  addList(topic, io);
  addDescribe(topic, io);
  addDelete(topic, io);
  addAlter(topic, io);
}

function addCreate(topic: Command, io: CliIo): void {
  topic
    .command('create')
    .description('create a topic')
    .argument('<name>', 'topic name')
    .addOption(
      new Option(
        '--partitions <n>',
        'number of partitions (default: the broker default, 1)',
      ).argParser(integerIn(1, 1_000_000)),
    )
    .addOption(
      new Option(
        '--replication-factor <n>',
        'replicas per partition (default: the broker default, 1)',
      ).argParser(integerIn(1, 1_000)),
    )
    .addOption(configOption())
    .addOption(bootstrapOption(io))
    .action(async (name: string, _flags: unknown, command: Command) => {
      const flags = command.opts<CreateFlags>();
      const created = await withClient(flags.bootstrap, command, (brook) =>
        brook.admin().createTopic(name, {
          ...(flags.partitions === undefined ? {} : { partitions: flags.partitions }),
          ...(flags.replicationFactor === undefined
            ? {}
            : { replicationFactor: flags.replicationFactor }),
          configs: toConfigMap(flags.config),
        }),
      );
      await write(
        io.stdout,
        `created topic ${created.name} (${created.partitions.length} partitions, replication factor ${created.replicationFactor})\n`,
      );
    });
}

function addList(topic: Command, io: CliIo): void {
  topic
    .command('list')
    .description('list topics')
    .addOption(formatOption())
    .addOption(bootstrapOption(io))
    .action(async (_flags: unknown, command: Command) => {
      const flags = command.opts<FormatFlags>();
      const topics = await withClient(flags.bootstrap, command, (brook) =>
        brook.admin().listTopics(),
      );
      const text =
        flags.format === 'json'
          ? `${JSON.stringify(topics)}\n`
          : topics.map((entry) => `${entry.name}\n`).join('');
      await write(io.stdout, text);
    });
}

function addDescribe(topic: Command, io: CliIo): void {
  topic
    .command('describe')
    .description('describe a topic: partitions, leaders, offsets and configuration')
    .argument('<name>', 'topic name')
    .addOption(formatOption())
    .addOption(bootstrapOption(io))
    .action(async (name: string, _flags: unknown, command: Command) => {
      const flags = command.opts<FormatFlags>();
      const description = await withClient(flags.bootstrap, command, (brook) =>
        brook.admin().describeTopic(name),
      );
      const text =
        flags.format === 'json'
          ? `${JSON.stringify(describeJson(description))}\n`
          : describeText(description);
      await write(io.stdout, text);
    });
}

function addDelete(topic: Command, io: CliIo): void {
  topic
    .command('delete')
    .description('delete a topic and all its records')
    .argument('<name>', 'topic name')
    .addOption(bootstrapOption(io))
    .action(async (name: string, _flags: unknown, command: Command) => {
      const flags = command.opts<ClientFlags>();
      await withClient(flags.bootstrap, command, (brook) => brook.admin().deleteTopic(name));
      await write(io.stdout, `deleted topic ${name}\n`);
    });
}

function addAlter(topic: Command, io: CliIo): void {
  topic
    .command('alter')
    .description('add partitions to a topic, or change its configuration, online')
    .argument('<name>', 'topic name')
    .addOption(
      new Option(
        '--partitions <n>',
        'grow the topic to this many partitions (partitions are never removed)',
      ).argParser(integerIn(1, 1_000_000)),
    )
    .addOption(configOption())
    .addOption(
      new Option(
        '--delete-config <key>',
        'reset a configuration key to its default (repeatable)',
      ).argParser(collectString),
    )
    .addOption(bootstrapOption(io))
    .action(async (name: string, _flags: unknown, command: Command) => {
      const flags = command.opts<AlterFlags>();
      if (
        flags.partitions === undefined &&
        flags.config === undefined &&
        flags.deleteConfig === undefined
      ) {
        throw new UsageError(
          'nothing to change: give --partitions N, --config key=value or --delete-config key',
          command,
        );
      }
      const altered = await withClient(flags.bootstrap, command, async (brook) => {
        const admin = brook.admin();
        let description: TopicDescription | undefined;
        if (flags.partitions !== undefined) {
          description = await growPartitions(admin, name, flags.partitions);
        }
        if (flags.config !== undefined || flags.deleteConfig !== undefined) {
          description = await admin.alterTopicConfig(name, {
            set: toConfigMap(flags.config),
            remove: flags.deleteConfig ?? [],
          });
        }
        return description;
      });
      if (altered !== undefined) await write(io.stdout, describeText(altered));
    });
}

/** Adds partitions up to `count`; says clearly when that would remove some. */
async function growPartitions(
  admin: Admin,
  name: string,
  count: number,
): Promise<TopicDescription> {
  const current = await admin.describeTopic(name);
  if (count < current.partitions.length) {
    throw new BrookError(
      'INVALID_PARTITIONS',
      `topic ${name} has ${current.partitions.length} partitions; partitions can be added, never removed`,
    );
  }
  if (count === current.partitions.length) return current;
  return admin.createPartitions(name, count);
}

function collectString(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The JSON shape of `topic describe --format json` (documented in the command's help). */
export function describeJson(description: TopicDescription): Record<string, unknown> {
  return {
    name: description.name,
    replicationFactor: description.replicationFactor,
    partitions: description.partitions.map((partition) => ({
      partition: partition.partition,
      leader: partition.leader,
      replicas: partition.replicas,
      isr: partition.isr,
      leaderEpoch: partition.leaderEpoch,
      highWatermark: partition.highWatermark,
      logStartOffset: partition.logStartOffset,
    })),
    configs: Object.fromEntries(description.configs.map((entry) => [entry.name, entry.value])),
  };
}

function describeText(description: TopicDescription): string {
  const lines = [
    `topic ${description.name}: ${description.partitions.length} partitions, replication factor ${description.replicationFactor}`,
    ...description.partitions.map(
      (partition) =>
        `  partition ${partition.partition}: leader ${partition.leader}, replicas [${partition.replicas.join(',')}], ` +
        `isr [${partition.isr.join(',')}], epoch ${partition.leaderEpoch}, ` +
        `offsets ${partition.logStartOffset}..${partition.highWatermark}`,
    ),
    'configs:',
    ...description.configs.map(
      (entry) => `  ${entry.name}=${entry.value}${entry.isDefault ? '' : ' (override)'}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
