/**
 * Failover time: `npm run failover -- [--trials 20] [--nodes 3] [--json]`.
 *
 * Starts a cluster of real broker processes on loopback (fsync on), creates a topic with one
 * partition of replication factor 3, and produces to it continuously with acks=all, one record
 * at a time, through the TypeScript client (default retry policy, leader hints). Each trial:
 * waits until every replica is in sync, kill -9s the partition's current leader, and measures
 * the time from the kill signal to the first acknowledgement received after the process is
 * gone (a record acknowledged by the new leader); then restarts the killed broker and waits
 * until it is back in the ISR. Prints the median, p99 and worst over the trials, and checks
 * that every acknowledged offset is readable afterwards, each exactly once.
 *
 * --json makes the last stdout line one JSON object. Not part of CI.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Brook, Producer } from '../src/client/index.js';
import { startCluster, waitFor, type Cluster } from '../test/support/cluster-process.js';

interface Options {
  readonly trials: number;
  readonly nodes: number;
  readonly json: boolean;
}

interface Trial {
  readonly killed: number;
  readonly newLeader: number;
  readonly failoverMs: number;
  readonly backInIsrMs: number;
}

const TOPIC = 'failover';

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '20' },
      nodes: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
  });
  const trials = Number(values.trials);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(trials) || trials < 1) throw new Error('--trials must be an integer >= 1');
  if (!Number.isInteger(nodes) || nodes < 3) throw new Error('--nodes must be an integer >= 3');
  return { trials, nodes, json: values.json };
}

/** Produces one record at a time to partition 0, remembering when each was acknowledged. */
class SteadyProducer {
  readonly acknowledged: { offset: number; atMs: number }[] = [];
  failures = 0;
  private running = true;
  private readonly done: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(private readonly producer: Producer) {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    let sequence = 0;
    while (this.running) {
      try {
        const { offset } = await this.producer.send({
          topic: TOPIC,
          partition: 0,
          value: `record-${sequence}`,
        });
        sequence += 1;
        this.acknowledged.push({ offset, atMs: performance.now() });
        for (const wake of this.waiters.splice(0)) wake();
      } catch (error) {
        this.failures += 1;
        process.stderr.write(`produce failed (will go on): ${String(error)}\n`);
      }
    }
  }

  /** The time of the first acknowledgement after `afterMs`. */
  async firstAckAfter(afterMs: number): Promise<number> {
    for (;;) {
      let first: number | undefined;
      for (let index = this.acknowledged.length - 1; index >= 0; index--) {
        const atMs = this.acknowledged[index]?.atMs ?? 0;
        if (atMs <= afterMs) break;
        first = atMs;
      }
      if (first !== undefined) return first;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function runTrial(cluster: Cluster, steady: SteadyProducer): Promise<Trial> {
  await cluster.waitForFullIsr(TOPIC, 60_000);
  const leader = await cluster.leaderOf(TOPIC, 0);
  // Let the producer settle on the current leader first.
  await steady.firstAckAfter(performance.now());
  const killedAtMs = performance.now();
  await cluster.kill9(leader);
  const goneAtMs = performance.now();
  const ackedAtMs = await steady.firstAckAfter(goneAtMs);
  const failoverMs = ackedAtMs - killedAtMs;
  const newLeader = await cluster.leaderOf(TOPIC, 0, leader);
  const restartedAtMs = performance.now();
  await cluster.restart(leader);
  await waitFor(
    `broker ${leader} back in the ISR`,
    async () => {
      const partition = (await cluster.describeTopic(TOPIC)).partitions[0];
      return partition?.isr.includes(leader) === true ? true : undefined;
    },
    60_000,
  );
  return {
    killed: leader,
    newLeader,
    failoverMs,
    backInIsrMs: performance.now() - restartedAtMs,
  };
}

function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Reads the partition from the start and checks every acknowledged offset is there once. */
async function verify(brook: Brook, acknowledged: readonly number[]): Promise<string> {
  const consumer = brook.consumer({ maxWaitMs: 200 });
  await consumer.assign([{ topic: TOPIC, partition: 0, from: 'earliest' }]);
  const last = Math.max(...acknowledged);
  const seen = new Map<number, number>();
  for await (const record of consumer) {
    seen.set(record.offset, (seen.get(record.offset) ?? 0) + 1);
    if (record.offset >= last) break;
  }
  await consumer.close();
  const missing = acknowledged.filter((offset) => seen.get(offset) !== 1);
  if (missing.length > 0) {
    throw new Error(`acknowledged offsets missing or repeated: ${missing.slice(0, 10).join(',')}`);
  }
  return `all ${acknowledged.length} acknowledged records read back, each once`;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(`starting ${options.nodes} brokers...`);
  const cluster = await startCluster({ nodes: options.nodes });
  try {
    const brook = cluster.client();
    await brook.admin().createTopic(TOPIC, { partitions: 1, replicationFactor: 3 });
    const producer = brook.producer({ lingerMs: 0, deliveryTimeoutMs: 120_000 });
    const steady = new SteadyProducer(producer);
    const trials: Trial[] = [];
    for (let index = 0; index < options.trials; index++) {
      const trial = await runTrial(cluster, steady);
      trials.push(trial);
      log(
        `trial ${index + 1}/${options.trials}: killed leader ${trial.killed}, new leader ${trial.newLeader}, ` +
          `failover ${trial.failoverMs.toFixed(0)} ms, back in ISR after ${trial.backInIsrMs.toFixed(0)} ms`,
      );
    }
    await steady.stop();
    const verdict = await verify(
      brook,
      steady.acknowledged.map((entry) => entry.offset),
    );
    const sorted = trials.map((trial) => trial.failoverMs).sort((left, right) => left - right);
    const summary = {
      case: 'failover',
      brokers: options.nodes,
      trials: trials.length,
      median_ms: Math.round(quantile(sorted, 0.5)),
      p99_ms: Math.round(quantile(sorted, 0.99)),
      worst_ms: Math.round(sorted.at(-1) ?? Number.NaN),
      best_ms: Math.round(sorted[0] ?? Number.NaN),
      back_in_isr_median_ms: Math.round(
        quantile(
          trials.map((trial) => trial.backInIsrMs).sort((left, right) => left - right),
          0.5,
        ),
      ),
      records_acknowledged: steady.acknowledged.length,
      produce_failures: steady.failures,
    };
    process.stdout.write(
      `failover (kill -9 of the leader of ${TOPIC}-0 → next acks=all acknowledgement) over ${trials.length} trials:\n` +
        `  median ${summary.median_ms} ms, p99 ${summary.p99_ms} ms, worst ${summary.worst_ms} ms, best ${summary.best_ms} ms\n` +
        `  restarted broker back in the ISR: median ${summary.back_in_isr_median_ms} ms\n` +
        `  ${verdict}; ${steady.failures} produce calls failed\n`,
    );
    if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await cluster.stop();
  }
}

await main();
