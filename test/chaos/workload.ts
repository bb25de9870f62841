/**
 * The workload's parent side: starts the client processes (worker.ts, run through tsx), reads
 * their JSON-line events, and keeps the history; after the run, the final drain reads every
 * key from offset 0 to its high watermark as ok poll ops of a process of its own.
 *
 * Every worker is killed by PID when this process exits. A worker that ends (or is killed)
 * with an op still open gets an `info` completion for it, so that every invoke has exactly one
 * completion.
 *
 * The history is ordered by time (each worker's events are already in time order, and a stable
 * sort keeps them so): arrival order at the parent can put a completion after an invoke that
 * happened later in another process, which would invent a real-time order. `index` is assigned
 * after the sort.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ConnectionPool, rpc } from '../../src/client/connection.js';
import { recordsFromBatches } from '../../src/client/fetch-decoder.js';
import { MetadataCache } from '../../src/client/metadata.js';
import { silentLogger } from '../../src/util/ports.js';
import type { HistoryEvent, Key, NemesisEvent } from './history.js';
import { topicOfKey } from './history.js';
import type { WorkerConfig, WorkerEvent } from './worker.js';

const WORKER_PATH = join(import.meta.dirname, 'worker.ts');
const WORKER_STOP_GRACE_MS = 10_000;

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

type Unindexed = Omit<WorkerEvent, never> | Omit<NemesisEvent, 'index'>;

export class HistoryRecorder {
  private readonly events: Unindexed[] = [];
  readonly startNs = process.hrtime.bigint();

  nowNs(): number {
    return Number(process.hrtime.bigint() - this.startNs);
  }

  add(event: Unindexed): void {
    this.events.push(event);
  }

  nemesis(f: string, value: unknown): void {
    this.add({ time: this.nowNs(), process: 'nemesis', type: 'info', f, value });
  }

  /** Events in time order (stable), indexed. */
  history(): HistoryEvent[] {
    const sorted = this.events
      .map((event, arrival) => ({ event, arrival }))
      .sort((a, b) => a.event.time - b.event.time || a.arrival - b.arrival);
    return sorted.map(({ event }, index) => ({ ...event, index }) as HistoryEvent);
  }

  /** Ops completed ok after `timeNs` (for liveness waits). */
  okAfter(timeNs: number): number {
    let count = 0;
    for (let index = this.events.length - 1; index >= 0; index--) {
      const event = this.events[index];
      if (event === undefined || event.time <= timeNs) break;
      if (event.process !== 'nemesis' && event.type === 'ok' && event.f !== 'assign') count++;
    }
    return count;
  }
}

export interface WorkloadOptions {
  readonly workers: number;
  readonly keys: readonly Key[];
  readonly bootstrap: readonly string[];
  readonly seed: number;
  readonly recorder: HistoryRecorder;
  readonly log: (line: string) => void;
}

interface RunningWorker {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** The last invoke without a completion, per Jepsen process. */
  open: WorkerEvent | undefined;
}

export class Workload {
  private readonly running: RunningWorker[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  start(): void {
    for (let worker = 0; worker < this.options.workers; worker++) this.spawnWorker(worker);
  }

  private spawnWorker(worker: number): void {
    const { options } = this;
    const config: WorkerConfig = {
      worker,
      workers: options.workers,
      keys: options.keys,
      bootstrap: options.bootstrap,
      startNs: options.recorder.startNs.toString(),
      seed: (options.seed * 7919 + worker * 104_729) >>> 0,
      sendTimeoutMs: 3_000,
      pollTimeoutMs: 2_000,
      pauseMs: 10,
    };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', WORKER_PATH, JSON.stringify(config)],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        children.delete(child);
        resolve();
      }),
    );
    const entry: RunningWorker = { child, exited, open: undefined };
    this.running.push(entry);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.once('exit', (code, signal) => {
      if (code !== 0) options.log(`worker ${worker} exited (${code ?? signal}): ${stderr.trim()}`);
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      let event: WorkerEvent;
      try {
        event = JSON.parse(line) as WorkerEvent;
      } catch {
        options.log(`worker ${worker}: not JSON: ${line.slice(0, 200)}`);
        return;
      }
      entry.open = event.type === 'invoke' ? event : undefined;
      options.recorder.add(event);
    });
  }

  /** Asks every worker to stop after its op (stdin closed), kills laggards, closes open ops. */
  async stop(): Promise<void> {
    for (const entry of this.running) entry.child.stdin?.end();
    await Promise.all(
      this.running.map(async (entry) => {
        const timer = setTimeout(() => entry.child.kill('SIGKILL'), WORKER_STOP_GRACE_MS);
        await entry.exited;
        clearTimeout(timer);
        const open = entry.open;
        if (open !== undefined) {
          this.options.recorder.add({
            time: this.options.recorder.nowNs(),
            process: open.process,
            type: 'info',
            f: open.f,
            value: open.value,
            error: 'the worker ended with the op open',
          });
          entry.open = undefined;
        }
      }),
    );
  }

  /** Kills every worker (by PID) without waiting. */
  kill(): void {
    for (const entry of this.running) entry.child.kill('SIGKILL');
  }
}

export interface DrainResult {
  /** Per key: the high watermark the drain read up to. */
  readonly highWatermarks: Map<Key, number>;
  readonly finished: boolean;
  readonly errors: string[];
}

const DRAIN_FETCH_BYTES = 1024 * 1024;

/**
 * Reads every key from 0 to its high watermark (retrying each fetch until `timeoutMs`), and
 * records each key's read as one ok poll op of process `drainProcess + key`.
 */
export async function finalDrain(
  bootstrap: readonly string[],
  keys: readonly Key[],
  recorder: HistoryRecorder,
  drainProcess: number,
  timeoutMs: number,
): Promise<DrainResult> {
  const pool = new ConnectionPool();
  const metadata = new MetadataCache({
    pool,
    bootstrap,
    requestTimeoutMs: 5_000,
    retry: { retries: 3, initialBackoffMs: 100, maxBackoffMs: 500 },
    maxAgeMs: 1_000,
    logger: silentLogger,
  });
  const highWatermarks = new Map<Key, number>();
  const errors: string[] = [];
  const deadlineMs = Date.now() + timeoutMs;
  try {
    for (const key of keys) {
      const process = drainProcess + key;
      recorder.add({
        time: recorder.nowNs(),
        process,
        type: 'invoke',
        f: 'poll',
        value: [['poll']],
      });
      try {
        const { pairs, highWatermark } = await drainKey(pool, metadata, key, deadlineMs);
        highWatermarks.set(key, highWatermark);
        recorder.add({
          time: recorder.nowNs(),
          process,
          type: 'ok',
          f: 'poll',
          value: [['poll', { [String(key)]: pairs }]],
        });
      } catch (error) {
        errors.push(`key ${key}: ${String(error)}`);
        recorder.add({
          time: recorder.nowNs(),
          process,
          type: 'fail',
          f: 'poll',
          value: [['poll', {}]],
          error: String(error),
        });
      }
    }
  } finally {
    pool.close();
  }
  return { highWatermarks, finished: errors.length === 0, errors };
}

async function drainKey(
  pool: ConnectionPool,
  metadata: MetadataCache,
  key: Key,
  deadlineMs: number,
): Promise<{ pairs: [number, number][]; highWatermark: number }> {
  const { topic, partition } = topicOfKey(key);
  const pairs: [number, number][] = [];
  let offset = 0;
  let highWatermark = -1;
  let lastError: unknown;
  while (highWatermark < 0 || offset < highWatermark) {
    if (Date.now() > deadlineMs) {
      throw new Error(`drain of key ${key} stopped at ${offset}: ${String(lastError)}`);
    }
    let address: string | undefined;
    try {
      address = await metadata.leaderAddress(topic, partition);
      const response = await rpc.fetch(
        pool.get(address),
        {
          topic,
          partition,
          offset,
          maxBytes: DRAIN_FETCH_BYTES,
          maxWaitMs: 0,
          minBytes: 1,
          format: 'RECORD_FORMAT_BATCHES',
        },
        { timeoutMs: 5_000 },
      );
      // The first answer fixes the target: nothing is written during the drain.
      if (highWatermark < 0) highWatermark = response.highWatermark;
      const decoded = await recordsFromBatches(topic, partition, response.batches, offset);
      for (const record of decoded.records) {
        if (record.offset >= highWatermark) break;
        pairs.push([record.offset, Number(record.value?.toString() ?? 'NaN')]);
      }
      offset = decoded.nextOffset;
      if (decoded.records.length === 0 && response.batches.length === 0) {
        // Nothing more below the high watermark on this broker.
        if (offset < highWatermark) offset = Math.max(offset, response.nextOffset);
        if (offset < highWatermark) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      lastError = error;
      if (error instanceof Error && 'code' in error) {
        metadata.invalidate(topic);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { pairs, highWatermark };
}
