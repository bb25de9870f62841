/**
 * One client process of the chaos workload (run by workload.ts as `node --import tsx
 * test/chaos/worker.ts '<json WorkerConfig>'`): a loop of `send` and `poll` operations against
 * the workload's keys, each printed to stdout as JSON lines: an invoke, then exactly one
 * completion (ok / fail / info) from the same process.
 *
 * - Sends go through the TS producer with acks=all and **no retries** (`retry.retries = 0`),
 *   one record at a time to the key's partition. Only errors the client raises before anything
 *   is sent (bad topic, partition or record) are `fail`; everything else may have been
 *   appended, so it is `info`, and the worker continues as a new process id (Jepsen: a
 *   process is one producer + consumer lifetime; an indeterminate op ends it).
 * - Polls are one Fetch per assigned key at the consumer's position, straight to the key's
 *   leader with no retries. Keys whose fetch failed are left out of the result and keep their
 *   position; a poll where every fetch failed is `fail` (reads have no effect).
 * - Values: worker w of W writes w+1, w+1+W, w+1+2W, ... to each key, so values are unique per
 *   key and increase per worker.
 *
 * Time is `process.hrtime` (CLOCK_MONOTONIC, shared by every process on the host) minus the
 * run's start, in nanoseconds. The worker stops after its current op when stdin ends.
 */
import { BrookError, isBrookError } from '../../src/protocol/errors.js';
import { ConnectionPool, rpc } from '../../src/client/connection.js';
import { recordsFromBatches } from '../../src/client/fetch-decoder.js';
import { MetadataCache } from '../../src/client/metadata.js';
import { Brook, type Producer } from '../../src/client/index.js';
import { silentLogger } from '../../src/util/ports.js';
import { topicOfKey, type Key } from './history.js';
import { choose, mulberry32 } from './random.js';

export interface WorkerConfig {
  readonly worker: number;
  readonly workers: number;
  readonly keys: readonly Key[];
  readonly bootstrap: readonly string[];
  /** process.hrtime.bigint() of the run's start, as a decimal string. */
  readonly startNs: string;
  readonly seed: number;
  readonly sendTimeoutMs: number;
  readonly pollTimeoutMs: number;
  /** Pause between ops, so that a 2-core host keeps up. */
  readonly pauseMs: number;
}

/** An event as the worker prints it; the parent adds `index`. */
export interface WorkerEvent {
  readonly time: number;
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: 'send' | 'poll' | 'assign';
  readonly value: unknown;
  readonly error?: string;
}

/** Errors raised before a produce request leaves the client: definitely not applied. */
const NOT_SENT: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC',
  'INVALID_PARTITION',
  'INVALID_RECORD',
  'RECORD_TOO_LARGE',
  'INVALID_REQUEST',
]);
const FETCH_BYTES_MAX = 256 * 1024;

class Worker {
  private process: number;
  private readonly random: () => number;
  private readonly nextValue = new Map<Key, number>();
  private readonly position = new Map<Key, number>();
  private readonly startNs: bigint;
  private stopping = false;
  private readonly brook: Brook;
  private readonly producer: Producer;
  private readonly pool = new ConnectionPool();
  private readonly metadata: MetadataCache;

  constructor(private readonly config: WorkerConfig) {
    this.process = config.worker;
    this.random = mulberry32(config.seed);
    this.startNs = BigInt(config.startNs);
    for (const key of config.keys) {
      this.nextValue.set(key, config.worker + 1);
      this.position.set(key, 0);
    }
    this.brook = new Brook({
      bootstrap: config.bootstrap,
      clientId: `chaos-worker-${config.worker}`,
      requestTimeoutMs: config.sendTimeoutMs,
      retry: { retries: 0 },
    });
    this.producer = this.brook.producer({
      acks: 'all',
      lingerMs: 0,
      retry: { retries: 0 },
      requestTimeoutMs: config.sendTimeoutMs,
      deliveryTimeoutMs: config.sendTimeoutMs,
      maxBlockMs: config.sendTimeoutMs,
    });
    this.metadata = new MetadataCache({
      pool: this.pool,
      bootstrap: config.bootstrap,
      requestTimeoutMs: config.pollTimeoutMs,
      retry: { retries: 0, initialBackoffMs: 50, maxBackoffMs: 50 },
      maxAgeMs: 5_000,
      logger: silentLogger,
      random: this.random,
    });
  }

  stop(): void {
    this.stopping = true;
  }

  private emit(event: Omit<WorkerEvent, 'time' | 'process'>): void {
    const time = Number(process.hrtime.bigint() - this.startNs);
    process.stdout.write(`${JSON.stringify({ time, process: this.process, ...event })}\n`);
  }

  async run(): Promise<void> {
    this.assign();
    while (!this.stopping) {
      if (this.random() < 0.5) await this.send();
      else await this.poll();
      await new Promise((resolve) => setTimeout(resolve, this.config.pauseMs));
    }
    await this.brook.close().catch(() => undefined);
    this.pool.close();
  }

  private assign(): void {
    this.emit({ type: 'invoke', f: 'assign', value: this.config.keys });
    this.emit({ type: 'ok', f: 'assign', value: this.config.keys });
  }

  /** After an indeterminate op: the same OS process continues as a new Jepsen process. */
  private newProcess(): void {
    this.process += this.config.workers;
    this.assign();
  }

  private async send(): Promise<void> {
    const key = choose(this.random, this.config.keys);
    const value = this.nextValue.get(key) ?? 0;
    this.nextValue.set(key, value + this.config.workers);
    const { topic, partition } = topicOfKey(key);
    this.emit({ type: 'invoke', f: 'send', value: [['send', key, value]] });
    try {
      const { offset } = await this.producer.send({ topic, partition, value: String(value) });
      this.emit({ type: 'ok', f: 'send', value: [['send', key, [offset, value]]] });
    } catch (error) {
      const code = isBrookError(error) ? error.code : 'UNKNOWN';
      const type = NOT_SENT.has(code) ? 'fail' : 'info';
      this.emit({
        type,
        f: 'send',
        value: [['send', key, [null, value]]],
        error: describeError(error),
      });
      if (type === 'info') this.newProcess();
    }
  }

  private async poll(): Promise<void> {
    this.emit({ type: 'invoke', f: 'poll', value: [['poll']] });
    const results = await Promise.all(
      this.config.keys.map(async (key) => {
        try {
          return { key, pairs: await this.fetch(key) };
        } catch (error) {
          return { key, error: describeError(error) };
        }
      }),
    );
    const read: Record<string, [number, number][]> = {};
    const errors: string[] = [];
    for (const result of results) {
      if (result.pairs !== undefined) read[String(result.key)] = result.pairs;
      else errors.push(`key ${result.key}: ${result.error}`);
    }
    if (Object.keys(read).length === 0) {
      this.emit({ type: 'fail', f: 'poll', value: [['poll', {}]], error: errors.join('; ') });
      return;
    }
    this.emit({ type: 'ok', f: 'poll', value: [['poll', read]] });
  }

  /** One fetch of `key` at its position; advances the position only when it succeeds. */
  private async fetch(key: Key): Promise<[number, number][]> {
    const { topic, partition } = topicOfKey(key);
    const offset = this.position.get(key) ?? 0;
    let address: string | undefined;
    try {
      address = await this.metadata.leaderAddress(topic, partition);
      const response = await rpc.fetch(
        this.pool.get(address),
        {
          topic,
          partition,
          offset,
          maxBytes: FETCH_BYTES_MAX,
          maxWaitMs: 0,
          minBytes: 1,
          format: 'RECORD_FORMAT_BATCHES',
        },
        { timeoutMs: this.config.pollTimeoutMs },
      );
      const decoded = await recordsFromBatches(topic, partition, response.batches, offset);
      const pairs = decoded.records.map((record): [number, number] => [
        record.offset,
        Number(record.value?.toString() ?? 'NaN'),
      ]);
      this.position.set(key, decoded.nextOffset);
      return pairs;
    } catch (error) {
      const failure = isBrookError(error)
        ? error
        : new BrookError('UNKNOWN', String(error), { cause: error });
      this.metadata.noteLeaderFailure(topic, partition, failure, address);
      throw failure;
    }
  }
}

function describeError(error: unknown): string {
  if (isBrookError(error)) return `${error.code}: ${error.message}`;
  return String(error);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
  const worker = new Worker(config);
  process.stdin.on('end', () => worker.stop());
  process.stdin.on('close', () => worker.stop());
  process.stdin.resume();
  await worker.run();
  process.exit(0);
}

await main();
