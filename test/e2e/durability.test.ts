/**
 * Durability and process life cycle with real broker processes (`node dist/cli/main.js broker
 * start`; run `npm run build` first): kill -9 and restart, a torn tail appended to the newest
 * segment, lost index files, clean shutdown on SIGTERM and SIGINT, and the guards that keep a
 * second broker (or another broker id) off a data directory. Clients are raw gRPC stubs built
 * from proto/, plus the CLI for one read-back.
 *
 * Every process is killed by PID in afterAll (stopAllBrokers), even when a test fails.
 */
import { execFile } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Record__Output } from '../../src/protocol/gen/brook/v1/Record.js';
import { batchSizeAt, readBatchHeader, setBaseOffset } from '../../src/protocol/record-batch.js';
import {
  CLI_PATH,
  removeDirectory,
  startBroker,
  stopAllBrokers,
  temporaryDirectory,
  type BrokerProcess,
} from '../support/broker-process.js';
import { collectStream, connectStubs, unary, type Stubs } from '../support/grpc-stubs.js';
import { SeededRandom } from '../support/seeded-random.js';

const directories: string[] = [];
const openStubs: Stubs[] = [];

afterEach(() => {
  for (const stubs of openStubs.splice(0)) stubs.close();
});

afterAll(async () => {
  await stopAllBrokers();
  for (const directory of directories) removeDirectory(directory);
});

function newDataDir(): string {
  const directory = temporaryDirectory('brook-durability-');
  directories.push(directory);
  return directory;
}

function stubsFor(broker: BrokerProcess): Stubs {
  const stubs = connectStubs(broker.address);
  openStubs.push(stubs);
  return stubs;
}

const valueOf = (index: number): string => `record-${String(index).padStart(5, '0')}`;

/** Produces records `from` .. `to - 1` in requests of `perRequest`, acks=all; returns offsets. */
async function produceRange(
  stubs: Stubs,
  topic: string,
  from: number,
  to: number,
  perRequest = 10,
): Promise<number[]> {
  const offsets: number[] = [];
  for (let start = from; start < to; start += perRequest) {
    const end = Math.min(start + perRequest, to);
    const values = Array.from({ length: end - start }, (_, index) => valueOf(start + index));
    const response = await unary(stubs.data, 'Produce', {
      topic,
      acks: 'ACKS_ALL',
      records: {
        records: values.map((value, index) => ({
          key: Buffer.from(`k${start + index}`),
          value: Buffer.from(value),
          timestampMs: 1_000_000 + (start + index) * 1000,
        })),
      },
    });
    for (let offset = response.baseOffset; offset <= response.lastOffset; offset++) {
      offsets.push(offset);
    }
  }
  return offsets;
}

/** Every record of partition 0, read with plain fetches up to the high watermark. */
async function readAll(stubs: Stubs, topic: string): Promise<Record__Output[]> {
  const records: Record__Output[] = [];
  let offset = 0;
  for (;;) {
    const response = await unary(stubs.data, 'Fetch', { topic, offset, maxBytes: 64 * 1024 });
    records.push(...response.records);
    if (response.nextOffset >= response.highWatermark) return records;
    offset = response.nextOffset;
  }
}

async function highWatermark(stubs: Stubs, topic: string): Promise<number> {
  const response = await unary(stubs.data, 'ListOffsets', {
    topic,
    partitions: [0],
    spec: 'OFFSET_SPEC_LATEST',
  });
  return response.offsets[0]?.offset ?? -1;
}

function expectRecords(records: readonly Record__Output[], count: number): void {
  expect(records.map((record) => record.offset)).toEqual(
    Array.from({ length: count }, (_, index) => index),
  );
  expect(records.map((record) => record.value?.toString())).toEqual(
    Array.from({ length: count }, (_, index) => valueOf(index)),
  );
}

function partitionDirectory(dataDir: string, topic: string): string {
  return join(dataDir, 'topics', topic, '0');
}

function filesWithSuffix(directory: string, suffix: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

/** The newest segment's .log file (names are zero-padded base offsets, so they sort). */
function newestLog(dataDir: string, topic: string): string {
  const directory = partitionDirectory(dataDir, topic);
  const logs = filesWithSuffix(directory, '.log');
  const newest = logs[logs.length - 1];
  if (newest === undefined) throw new Error(`no .log file in ${directory}`);
  return join(directory, newest);
}

/** Position of the last whole batch in a segment file. */
function lastBatchPosition(log: Buffer): number {
  let position = 0;
  let last = 0;
  for (;;) {
    const size = batchSizeAt(log, position);
    if (size === undefined || position + size > log.length) return last;
    last = position;
    position += size;
  }
}

describe('kill -9', () => {
  it('keeps every acknowledged record at its offset, and producing continues after a restart', async () => {
    // Goal: acks=all means durable: a SIGKILL loses nothing that was acknowledged.
    const first = await startBroker({ dataDir: newDataDir() });
    const stubs = stubsFor(first);
    await unary(stubs.admin, 'CreateTopic', {
      name: 'durable',
      configs: { 'segment.bytes': '4096' },
    });
    const count = 300;
    const offsets = await produceRange(stubs, 'durable', 0, count);
    expect(offsets).toEqual(Array.from({ length: count }, (_, index) => index));

    // More produces in flight when the process dies: those acknowledged must survive.
    const acknowledged: number[] = [];
    const inFlight = Array.from({ length: 30 }, (_, index) =>
      unary(stubs.data, 'Produce', {
        topic: 'durable',
        records: { records: [{ value: Buffer.from(`late-${index}`) }] },
      }).then(
        (response) => acknowledged.push(response.baseOffset),
        () => undefined,
      ),
    );
    await first.kill9();
    await Promise.all(inFlight);

    const second = await first.restart();
    const after = stubsFor(second);
    const records = await readAll(after, 'durable');
    expectRecords(records.slice(0, count), count);
    // The log is a gap-free prefix holding at least every acknowledged late record.
    expect(records.map((record) => record.offset)).toEqual(records.map((_, index) => index));
    const stored = new Set(records.map((record) => record.offset));
    for (const offset of acknowledged) expect(stored.has(offset), `offset ${offset}`).toBe(true);

    const end = records.length;
    expect(await highWatermark(after, 'durable')).toBe(end);
    const next = await unary(after.data, 'Produce', {
      topic: 'durable',
      records: { records: [{ value: Buffer.from('after restart') }] },
    });
    expect(next.baseOffset).toBe(end);
    expect(
      filesWithSuffix(partitionDirectory(second.dataDir, 'durable'), '.log').length,
    ).toBeGreaterThan(1);
    await second.stop();
  });

  it('the CLI reads back what survived a kill -9', async () => {
    // Goal: the recovered log is readable through the shipped tool, not only raw gRPC.
    const first = await startBroker({ dataDir: newDataDir() });
    const stubs = stubsFor(first);
    await unary(stubs.admin, 'CreateTopic', { name: 'cli-read' });
    await produceRange(stubs, 'cli-read', 0, 25, 5);
    await first.kill9();
    const second = await first.restart();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CLI_PATH,
        'consume',
        'cli-read',
        '--from-beginning',
        '--max-messages',
        '25',
        '--timeout-ms',
        '10000',
        '--bootstrap',
        second.address,
      ],
      { timeout: 30_000 },
    );
    expect(stdout.trim().split('\n')).toEqual(Array.from({ length: 25 }, (_, i) => valueOf(i)));
    await second.stop();
  });
});

describe('torn tail', () => {
  it('cuts random bytes appended to the newest .log and keeps every acknowledged record', async () => {
    // Goal: whatever garbage a crash leaves after the last batch, recovery restores exactly
    // the acknowledged log: same end offset, same file size, producing continues.
    let broker = await startBroker({ dataDir: newDataDir() });
    let stubs = stubsFor(broker);
    await unary(stubs.admin, 'CreateTopic', {
      name: 'torn',
      configs: { 'segment.bytes': '8192' },
    });
    let count = 0;
    const trials: { seed: number; tail: (random: SeededRandom, log: Buffer) => Buffer }[] = [
      { seed: 1, tail: (random) => Buffer.from(random.bytes(random.between(1, 5000))) },
      { seed: 2, tail: (random) => Buffer.from(random.bytes(random.between(1, 5000))) },
      // Shorter than a batch header.
      { seed: 3, tail: (random) => Buffer.from(random.bytes(random.between(1, 60))) },
      // A torn write of a real next batch: a copy of the newest batch renumbered to follow
      // it, cut short, so its header is valid but its length promises more than follows.
      {
        seed: 4,
        tail: (random, log) => {
          const lastBatch = Buffer.from(log.subarray(lastBatchPosition(log)));
          const header = readBatchHeader(lastBatch);
          setBaseOffset(lastBatch, 0, header.baseOffset + header.lastOffsetDelta + 1);
          return lastBatch.subarray(0, random.between(12, lastBatch.length - 1));
        },
      },
    ];
    for (const trial of trials) {
      await produceRange(stubs, 'torn', count, count + 40, 8);
      count += 40;
      expect(await highWatermark(stubs, 'torn')).toBe(count);
      await broker.kill9();

      const log = newestLog(broker.dataDir, 'torn');
      const sizeBefore = statSync(log).size;
      const random = new SeededRandom(trial.seed);
      const tail = trial.tail(random, readFileSync(log));
      appendFileSync(log, tail);
      const context = `seed ${trial.seed}, ${tail.length} bytes appended to ${log}`;

      broker = await broker.restart();
      stubs = stubsFor(broker);
      expect(statSync(log).size, context).toBe(sizeBefore);
      expect(await highWatermark(stubs, 'torn'), context).toBe(count);
      expectRecords(await readAll(stubs, 'torn'), count);
      const next = await unary(stubs.data, 'Produce', {
        topic: 'torn',
        records: { records: [{ value: Buffer.from(valueOf(count)) }] },
      });
      expect(next.baseOffset, context).toBe(count);
      count += 1;
    }
    await broker.stop();
  });
});

describe('lost indexes', () => {
  it('rebuilds deleted .index and .timeindex files; offset and time lookups still work', async () => {
    // Goal: indexes are derived data: a restart without them rebuilds them from the log.
    const broker = await startBroker({ dataDir: newDataDir() });
    const stubs = stubsFor(broker);
    await unary(stubs.admin, 'CreateTopic', {
      name: 'indexed',
      configs: { 'segment.bytes': '1024', 'index.interval.bytes': '128' },
    });
    const count = 200;
    await produceRange(stubs, 'indexed', 0, count, 4);
    const lookups = async (client: Stubs) => {
      const byTime = [];
      for (const index of [0, 1, 57, 123, 199]) {
        const response = await unary(client.data, 'ListOffsets', {
          topic: 'indexed',
          spec: 'OFFSET_SPEC_TIMESTAMP',
          timestampMs: 1_000_000 + index * 1000 - 500,
        });
        byTime.push(response.offsets[0]);
      }
      const byOffset = [];
      for (const offset of [0, 3, 77, 150, 199]) {
        const response = await unary(client.data, 'Fetch', {
          topic: 'indexed',
          offset,
          maxBytes: 1,
        });
        byOffset.push([
          offset,
          response.records[0]?.offset,
          response.records[0]?.value?.toString(),
        ]);
      }
      return { byTime, byOffset };
    };
    const before = await lookups(stubs);
    expect(before.byTime.map((entry) => entry?.offset)).toEqual([0, 1, 57, 123, 199]);
    expect(before.byOffset).toEqual(
      [0, 3, 77, 150, 199].map((offset) => [offset, offset, valueOf(offset)]),
    );

    expect(await broker.stop()).toBe(0);
    const directory = partitionDirectory(broker.dataDir, 'indexed');
    const indexFiles = [
      ...filesWithSuffix(directory, '.index'),
      ...filesWithSuffix(directory, '.timeindex'),
    ];
    const segments = filesWithSuffix(directory, '.log').length;
    expect(segments).toBeGreaterThan(2);
    expect(indexFiles.length).toBe(2 * segments);
    for (const name of indexFiles) unlinkSync(join(directory, name));

    const restarted = await broker.restart();
    const after = stubsFor(restarted);
    expect(await lookups(after)).toEqual(before);
    expectRecords(await readAll(after, 'indexed'), count);
    for (const name of indexFiles) {
      expect(existsSync(join(directory, name)), `${name} rebuilt`).toBe(true);
    }
    await restarted.stop();
  });
});

describe('shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`shuts down cleanly on ${signal}: exit code 0, lock released, "broker stopped" logged`, async () => {
      // Goal: a signal ends streams with a retriable code, flushes, and exits 0 promptly.
      const broker = await startBroker({ dataDir: newDataDir() });
      const stubs = stubsFor(broker);
      await unary(stubs.admin, 'CreateTopic', { name: 'stopping' });
      await produceRange(stubs, 'stopping', 0, 5);
      let subscribed: () => void = () => undefined;
      const firstMessage = new Promise<void>((resolve) => (subscribed = resolve));
      const stream = collectStream(
        stubs.data.Subscribe({ topic: 'stopping', start: { earliest: {} } }),
        () => subscribed(),
      );
      // Established (it has streamed the existing records) before the signal arrives.
      await firstMessage;
      expect(readFileSync(join(broker.dataDir, '.lock'), 'utf8').trim()).toBe(String(broker.pid));

      const started = Date.now();
      const code = await broker.stop(15_000, signal);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(existsSync(join(broker.dataDir, '.lock'))).toBe(false);
      expect(broker.output()).toContain('"msg":"broker stopped"');
      const { messages, error } = await stream;
      expect(messages.flatMap((message) => message.records)).toHaveLength(5);
      expect(error?.code).toBe(grpc.status.UNAVAILABLE);
      expect(error?.metadata.get('brook-error-code')).toEqual(['BROKER_UNAVAILABLE']);

      // Nothing was lost by the clean stop.
      const restarted = await broker.restart();
      expectRecords(await readAll(stubsFor(restarted), 'stopping'), 5);
      await restarted.stop();
    });
  }
});

describe('data directory guards', () => {
  it('refuses a second broker on a data directory in use, with a clear message', async () => {
    // Goal: two brokers never write one log; the first keeps running untouched.
    const first = await startBroker({ dataDir: newDataDir() });
    const stubs = stubsFor(first);
    await unary(stubs.admin, 'CreateTopic', { name: 'guarded' });
    const error = await startBroker({ dataDir: first.dataDir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/broker exited \(1\) before it was ready/);
    expect(message).toContain(`is in use by process ${first.pid}`);
    expect(readFileSync(join(first.dataDir, '.lock'), 'utf8').trim()).toBe(String(first.pid));
    const produced = await unary(stubs.data, 'Produce', {
      topic: 'guarded',
      records: { records: [{ value: Buffer.from('still mine') }] },
    });
    expect(produced.baseOffset).toBe(0);
    expect(await first.stop()).toBe(0);
  });

  it('refuses to start with another broker id on the same data', async () => {
    // Goal: a data directory belongs to one broker id; a mix-up is refused, not adopted.
    const first = await startBroker({ dataDir: newDataDir() });
    await unary(stubsFor(first).admin, 'CreateTopic', { name: 'owned' });
    expect(await first.stop()).toBe(0);
    const error = await startBroker({ dataDir: first.dataDir, extraArgs: ['--id', '2'] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/broker exited \(1\) before it was ready/);
    expect(message).toContain('belongs to broker 1, not broker 2');
    // The refused start released its lock and changed nothing: broker 1 starts again.
    expect(existsSync(join(first.dataDir, '.lock'))).toBe(false);
    const again = await first.restart();
    const listed = await unary(stubsFor(again).admin, 'ListTopics', {});
    expect(listed.topics.map((topic) => topic.name)).toEqual(['owned']);
    await again.stop();
  });
});
