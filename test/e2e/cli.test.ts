/**
 * The `brook` command end to end: real broker process, real CLI processes (dist/, so build
 * first), the acceptance checks of the CLI.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  removeDirectory,
  startBroker,
  stopAllBrokers,
  type BrokerProcess,
} from '../support/broker-process.js';

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let broker: BrokerProcess;

/** Runs `brook args...` with `input` on stdin against the test broker. */
function brook(
  args: readonly string[],
  input: string | Buffer = '',
  timeoutMs = 30_000,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: { ...process.env, BROOK_BOOTSTRAP: broker.address },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`brook ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

interface JsonRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: readonly { key: string; value: string | null }[];
}

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker.stop();
  await stopAllBrokers();
  removeDirectory(broker.dataDir);
});

describe('brook CLI against a broker', () => {
  it('round-trips 20,000 keyed lines through produce and consume', async () => {
    expect((await brook(['topic', 'create', 'events', '--partitions', '3'])).code).toBe(0);
    const keys = 97;
    const lines = Array.from({ length: 20_000 }, (_, index) => `user-${index % keys}:${index}`);
    const started = Date.now();
    const produced = await brook(
      ['produce', 'events', '--key-separator', ':'],
      `${lines.join('\n')}\n`,
    );
    const produceMs = Date.now() - started;
    expect(produced.stderr).toBe('produced 20000 records to events\n');
    expect(produced.code).toBe(0);
    expect(produceMs).toBeLessThan(15_000);

    const consumed = await brook([
      'consume',
      'events',
      '--from-beginning',
      '--max-messages',
      '20000',
      '--format',
      'json',
    ]);
    expect(consumed.code).toBe(0);
    const records = consumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonRecord);
    expect(records).toHaveLength(20_000);
    // Each line exactly once.
    expect(new Set(records.map((record) => record.value)).size).toBe(20_000);
    const partitionOfKey = new Map<string, number>();
    const lastValueOfKey = new Map<string, number>();
    const lastOffsetOfPartition = new Map<number, number>();
    for (const record of records) {
      expect(record.topic).toBe('events');
      expect(record.key).toMatch(/^user-\d+$/);
      const key = record.key ?? '';
      // Same key, same partition.
      expect(partitionOfKey.get(key) ?? record.partition).toBe(record.partition);
      partitionOfKey.set(key, record.partition);
      // Per-key order kept.
      const value = Number(record.value);
      expect(value).toBeGreaterThan(lastValueOfKey.get(key) ?? -1);
      lastValueOfKey.set(key, value);
      // Offsets increase per partition.
      expect(record.offset).toBeGreaterThan(lastOffsetOfPartition.get(record.partition) ?? -1);
      lastOffsetOfPartition.set(record.partition, record.offset);
    }
    expect(new Set(partitionOfKey.values()).size).toBe(3);

    const described = await brook(['topic', 'describe', 'events', '--format', 'json']);
    const topic = JSON.parse(described.stdout) as {
      name: string;
      partitions: {
        partition: number;
        highWatermark: number;
        logStartOffset: number;
        leader: number;
      }[];
      configs: Record<string, string>;
    };
    expect(topic.name).toBe('events');
    expect(topic.partitions.reduce((sum, partition) => sum + partition.highWatermark, 0)).toBe(
      20_000,
    );
    expect(topic.configs['max.message.bytes']).toBeDefined();
  });

  it('fails to produce to an unknown topic, naming it', async () => {
    const outcome = await brook(['produce', 'no-such-topic'], 'hello\n');
    expect(outcome.code).not.toBe(0);
    expect(outcome.stderr).toMatch(/^error: .*no-such-topic/);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a 3 MiB line as too large, and the broker keeps serving', async () => {
    expect((await brook(['topic', 'create', 'big'])).code).toBe(0);
    const outcome = await brook(['produce', 'big'], `${'x'.repeat(3 * 1024 * 1024)}\n`);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(
      /^error: record too large: about \d{7} bytes .* at most 1048576 bytes/,
    );
    const after = await brook(['produce', 'big'], 'small\n');
    expect(after).toMatchObject({ code: 0, stderr: 'produced 1 records to big\n' });
    const consumed = await brook(['consume', 'big', '--from-beginning', '--max-messages', '1']);
    expect(consumed).toMatchObject({ code: 0, stdout: 'small\n' });
  });

  it('exits 2 with usage for bad flags and unknown commands', async () => {
    for (const args of [
      ['topic', 'create', 'x', '--partitions', 'abc'],
      ['consume', 'events', '--bogus'],
      ['frobnicate'],
      ['produce', 'events', '--acks', 'maybe'],
    ]) {
      const outcome = await brook(args);
      expect(outcome.code, args.join(' ')).toBe(2);
      expect(outcome.stderr).toMatch(/Usage: brook/);
    }
  });

  it('consumes from latest by default and stops after --timeout-ms', async () => {
    const started = Date.now();
    const outcome = await brook(['consume', 'events', '--timeout-ms', '500']);
    expect(outcome).toMatchObject({ code: 0, stdout: '' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('consumes from an offset of one partition and from a time', async () => {
    const fromOffset = await brook([
      'consume',
      'events',
      '--partition',
      '0',
      '--offset',
      '10',
      '--max-messages',
      '3',
      '--format',
      'json',
    ]);
    expect(fromOffset.code).toBe(0);
    const offsets = fromOffset.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as JsonRecord).offset);
    expect(offsets).toEqual([10, 11, 12]);
    const future = await brook([
      'consume',
      'events',
      '--from-time',
      '2999-01-01T00:00:00Z',
      '--timeout-ms',
      '300',
    ]);
    expect(future).toMatchObject({ code: 0, stdout: '' });
    const past = await brook([
      'consume',
      'events',
      '--from-time',
      '2000-01-01T00:00:00Z',
      '--max-messages',
      '5',
    ]);
    expect(past.code).toBe(0);
    expect(past.stdout.trim().split('\n')).toHaveLength(5);
  });

  it('lists, alters and deletes topics', async () => {
    expect((await brook(['topic', 'list'])).stdout.split('\n')).toEqual(
      expect.arrayContaining(['events', 'big']),
    );
    const altered = await brook(['topic', 'alter', 'big', '--config', 'retention.ms=60000']);
    expect(altered.code).toBe(0);
    expect(altered.stdout).toMatch(/retention\.ms=60000 \(override\)/);
    expect((await brook(['topic', 'delete', 'big'])).code).toBe(0);
    const gone = await brook(['topic', 'describe', 'big']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/unknown topic "big"/);
  });
});
