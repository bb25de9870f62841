/**
 * `brook partition reassign TOPIC PARTITION --replicas 1,2,4`: gives a partition a new replica
 * set. The controller records it at once and the replicas move online (new ones join as
 * learners, catch up, become voters; the ones left out leave); `--wait` follows the move until
 * the partition's replicas and in-sync replicas are exactly the new set.
 */
import { Option, type Command } from 'commander';
import {
  BrookError,
  type Admin,
  type PartitionDescription,
  type TopicDescription,
} from '../../client/index.js';
import { write, type CliIo } from '../io.js';
import { brokerIdList, integerIn } from '../parse.js';
import { bootstrapOption, withClient } from './common.js';

interface ReassignFlags {
  readonly bootstrap: string;
  readonly replicas: readonly number[];
  readonly wait?: boolean;
  readonly timeoutMs: number;
}

const WAIT_POLL_MS = 500;

export function addPartitionCommands(program: Command, io: CliIo): void {
  const partition = program.command('partition').description('move partition replicas');
  partition
    .command('reassign')
    .description('move a partition to a new set of replicas, online')
    .argument('<topic>', 'topic name')
    .argument('<partition>', 'partition number', integerIn(0, 1_000_000))
    .addOption(
      new Option(
        '--replicas <ids>',
        'broker ids of the new replicas, e.g. 1,2,4 (the first is the preferred leader)',
      )
        .argParser(brokerIdList)
        .makeOptionMandatory(),
    )
    .addOption(new Option('--wait', 'wait until the new replicas are all in sync'))
    .addOption(
      new Option('--timeout-ms <ms>', 'how long --wait waits')
        .argParser(integerIn(1))
        .default(120_000),
    )
    .addOption(bootstrapOption(io))
    .action(async (topic: string, partition: number, _flags: unknown, command: Command) => {
      const flags = command.opts<ReassignFlags>();
      const target = flags.replicas;
      const name = `${topic}-${partition}`;
      const state = await withClient(flags.bootstrap, command, async (brook) => {
        const admin = brook.admin();
        const recorded = await admin.reassignPartition(topic, partition, target);
        await write(
          io.stdout,
          `reassigning ${name} to replicas [${target.join(',')}]` +
            (flags.wait === true ? '\n' : `; follow it with: brook topic describe ${topic}\n`),
        );
        if (flags.wait !== true) return partitionOf(recorded, partition);
        return waitForReplicas(admin, topic, partition, target, flags.timeoutMs);
      });
      if (flags.wait === true) {
        await write(
          io.stdout,
          `${name}: replicas [${state.replicas.join(',')}], isr [${state.isr.join(',')}], leader ${state.leader}\n`,
        );
      }
    });
}

function partitionOf(description: TopicDescription, partition: number): PartitionDescription {
  const found = description.partitions.find((entry) => entry.partition === partition);
  if (found === undefined) {
    throw new BrookError(
      'INVALID_PARTITION',
      `topic ${description.name} has no partition ${partition}`,
    );
  }
  return found;
}

function sameSet(left: readonly number[], right: readonly number[]): boolean {
  const set = new Set(left);
  return left.length === right.length && right.every((id) => set.has(id));
}

/** Polls until the partition's replicas and ISR are exactly `target` and it has a leader. */
async function waitForReplicas(
  admin: Admin,
  topic: string,
  partition: number,
  target: readonly number[],
  timeoutMs: number,
): Promise<PartitionDescription> {
  const deadlineMs = Date.now() + timeoutMs;
  for (;;) {
    const state = partitionOf(await admin.describeTopic(topic), partition);
    if (sameSet(state.replicas, target) && sameSet(state.isr, target) && state.leader >= 0) {
      return state;
    }
    if (Date.now() + WAIT_POLL_MS > deadlineMs) {
      throw new BrookError(
        'REQUEST_TIMED_OUT',
        `${topic}-${partition} did not reach replicas [${target.join(',')}] within ${timeoutMs} ms ` +
          `(now replicas [${state.replicas.join(',')}], isr [${state.isr.join(',')}])`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}
