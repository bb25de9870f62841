/**
 * The broker's gRPC API end to end, in process: a real broker (startBroker) on a temporary data
 * directory, driven through raw grpc-js stubs built from proto/ only. Every failure is checked
 * for its gRPC status and its `brook-error-code` trailing metadata, as a client in any language
 * would see them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Record__Output } from '../../src/protocol/gen/brook/v1/Record.js';
import type { Record as ProtoRecord } from '../../src/protocol/gen/brook/v1/Record.js';
import type { SubscribeRequest } from '../../src/protocol/gen/brook/v1/SubscribeRequest.js';
import type { SubscribeResponse__Output } from '../../src/protocol/gen/brook/v1/SubscribeResponse.js';
import { fromServiceError } from '../../src/protocol/grpc.js';
import {
  decodeBatch,
  encodeBatch,
  isLogAppendTime,
  splitBatches,
  type DecodedRecord,
} from '../../src/protocol/record-batch.js';
import { applyConfig, DEFAULT_BROKER_CONFIG, type BrokerConfig } from '../../src/server/config.js';
import { startBroker, type RunningBroker } from '../../src/server/run.js';
import { MiB } from '../../src/util/limits.js';
import {
  connectStubs,
  errorDetail,
  expectCallError,
  unary,
  type Stubs,
} from '../support/grpc-stubs.js';

const REQUEST_BYTES_MAX = 2 * MiB;
const SHUTDOWN_TIMEOUT_MS = 3_000;

const temporaryDirectories: string[] = [];
let running: RunningBroker;
let stubs: Stubs;
let dataDir: string;

function brokerConfig(directory: string, overrides: Record<string, unknown> = {}): BrokerConfig {
  return applyConfig(DEFAULT_BROKER_CONFIG, {
    dataDir: directory,
    listen: '127.0.0.1:0',
    logLevel: 'silent',
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    limits: { requestBytesMax: REQUEST_BYTES_MAX },
    ...overrides,
  });
}

function newDataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'brook-server-test-'));
  temporaryDirectories.push(directory);
  return directory;
}

beforeAll(async () => {
  dataDir = newDataDir();
  running = await startBroker(brokerConfig(dataDir));
  stubs = connectStubs(running.address);
});

afterAll(async () => {
  stubs.close();
  await running.stop();
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

const text = (value: Buffer | undefined): string | null =>
  value === undefined ? null : value.toString();
const bytes = (value: string): Buffer => Buffer.from(value);

async function createTopic(
  name: string,
  partitions = 1,
  configs: Record<string, string> = {},
): Promise<void> {
  await unary(stubs.admin, 'CreateTopic', { name, partitions, configs });
}

async function produceValues(topic: string, values: readonly string[], partition = 0) {
  return unary(stubs.data, 'Produce', {
    topic,
    partition,
    records: { records: values.map((value) => ({ value: bytes(value) })) },
  });
}

async function fetchRecords(topic: string, offset: number, partition = 0) {
  return unary(stubs.data, 'Fetch', { topic, partition, offset, format: 'RECORD_FORMAT_RECORDS' });
}

async function describeTopic(name: string) {
  const response = await unary(stubs.admin, 'DescribeTopic', { name });
  if (!response.topic) throw new Error('DescribeTopic returned no topic');
  return response.topic;
}

/** Decodes fetched raw batches (back to back) into their records. */
async function decodeAll(batches: Buffer): Promise<DecodedRecord[]> {
  const records: DecodedRecord[] = [];
  for (const span of splitBatches(batches)) {
    records.push(...(await decodeBatch(batches, span.position)).records);
  }
  return records;
}

describe('topics (AdminService)', () => {
  it('creates, lists, describes and deletes a topic', async () => {
    // Goal: the admin lifecycle works and a description carries every field of the contract.
    const created = await unary(stubs.admin, 'CreateTopic', {
      name: 'admin.orders',
      partitions: 3,
      configs: { 'retention.ms': '86400000' },
    });
    expect(created.topic?.name).toBe('admin.orders');
    expect(created.topic?.partitions).toHaveLength(3);

    const topic = await describeTopic('admin.orders');
    expect(topic.replicationFactor).toBe(1);
    expect(topic.partitions).toEqual(
      [0, 1, 2].map((partition) => ({
        partition,
        leader: 1,
        replicas: [1],
        isr: [1],
        // The Raft term of the partition's first leader (0 was the single broker's stub).
        leaderEpoch: 1,
        highWatermark: 0,
        logStartOffset: 0,
        sizeBytes: expect.any(Number) as number,
      })),
    );
    const configs = new Map(topic.configs.map((entry) => [entry.name, entry]));
    expect(configs.get('retention.ms')).toEqual({
      name: 'retention.ms',
      value: '86400000',
      isDefault: false,
    });
    expect(configs.get('max.message.bytes')).toEqual({
      name: 'max.message.bytes',
      value: String(1 * MiB),
      isDefault: true,
    });
    expect(configs.get('message.timestamp.type')?.value).toBe('CreateTime');

    await createTopic('admin.aaa-first');
    const listed = await unary(stubs.admin, 'ListTopics', {});
    const names = listed.topics.map((summary) => summary.name);
    expect(names).toEqual([...names].sort());
    expect(listed.topics).toContainEqual({
      name: 'admin.orders',
      partitions: 3,
      replicationFactor: 1,
    });

    await unary(stubs.admin, 'DeleteTopic', { name: 'admin.orders' });
    const after = await unary(stubs.admin, 'ListTopics', {});
    expect(after.topics.map((summary) => summary.name)).not.toContain('admin.orders');
    const error = await expectCallError(
      unary(stubs.admin, 'DescribeTopic', { name: 'admin.orders' }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
    expect(error.details).toContain('admin.orders');
    expect(errorDetail(error, 'topic')).toBe('admin.orders');
    await expectCallError(
      unary(stubs.admin, 'DeleteTopic', { name: 'admin.orders' }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
  });

  it('uses the broker default of one partition when partitions is 0', async () => {
    // Goal: 0 partitions / replication factor 0 mean "broker default", per the contract.
    await unary(stubs.admin, 'CreateTopic', { name: 'admin.defaults' });
    const topic = await describeTopic('admin.defaults');
    expect(topic.partitions).toHaveLength(1);
    expect(topic.replicationFactor).toBe(1);
  });

  it('refuses a topic that exists already with TOPIC_ALREADY_EXISTS', async () => {
    // Goal: creation is not silently idempotent; the error names the topic.
    await createTopic('admin.twice');
    const error = await expectCallError(
      unary(stubs.admin, 'CreateTopic', { name: 'admin.twice', partitions: 2 }),
      grpc.status.ALREADY_EXISTS,
      'TOPIC_ALREADY_EXISTS',
    );
    expect(error.details).toContain('admin.twice');
    expect((await describeTopic('admin.twice')).partitions).toHaveLength(1);
  });

  it('refuses invalid topic names with INVALID_TOPIC, and accepts 249 characters', async () => {
    // Goal: Kafka's naming rules hold at the API boundary (they become paths on disk).
    for (const name of ['bad/name', 'with space', 'ümlaut', '..', '.', 'x'.repeat(250)]) {
      await expectCallError(
        unary(stubs.admin, 'CreateTopic', { name }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_TOPIC',
      );
    }
    const longest = 'y'.repeat(249);
    await createTopic(longest);
    expect((await describeTopic(longest)).name).toBe(longest);
    await unary(stubs.admin, 'DeleteTopic', { name: longest });
  });

  it('refuses out-of-range partition counts with INVALID_PARTITIONS', async () => {
    // Goal: negative and oversized partition counts are refused; nothing is created.
    for (const partitions of [-1, 10_001]) {
      await expectCallError(
        unary(stubs.admin, 'CreateTopic', { name: 'admin.partitions', partitions }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_PARTITIONS',
      );
    }
    await expectCallError(
      unary(stubs.admin, 'DescribeTopic', { name: 'admin.partitions' }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
  });

  it('refuses a replication factor one broker cannot meet with INVALID_REPLICATION_FACTOR', async () => {
    // Goal: rf 3 on a single broker fails instead of creating an under-replicated topic.
    for (const replicationFactor of [3, -1]) {
      await expectCallError(
        unary(stubs.admin, 'CreateTopic', { name: 'admin.rf', replicationFactor }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_REPLICATION_FACTOR',
      );
    }
  });

  it('refuses unknown config keys and bad values with INVALID_CONFIG', async () => {
    // Goal: a typo in a config key is an error, not a silently ignored setting.
    const cases: Record<string, string>[] = [
      { 'retention.msec': '1000' },
      { 'retention.ms': 'one day' },
      { 'max.message.bytes': '1' },
      { 'message.timestamp.type': 'WallClock' },
      { toString: '1' },
    ];
    for (const configs of cases) {
      await expectCallError(
        unary(stubs.admin, 'CreateTopic', { name: 'admin.config', configs }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_CONFIG',
      );
    }
    const listed = await unary(stubs.admin, 'ListTopics', {});
    expect(listed.topics.map((summary) => summary.name)).not.toContain('admin.config');
  });

  it('alters topic configuration: set, remove, and refuses invalid changes', async () => {
    // Goal: AlterTopicConfig overrides and resets keys online; a bad change leaves it untouched.
    await createTopic('admin.alter');
    const set = await unary(stubs.admin, 'AlterTopicConfig', {
      name: 'admin.alter',
      set: { 'retention.ms': '60000', 'segment.bytes': '1048576' },
    });
    const afterSet = new Map(set.topic?.configs.map((entry) => [entry.name, entry]));
    expect(afterSet.get('retention.ms')).toMatchObject({ value: '60000', isDefault: false });
    expect(afterSet.get('segment.bytes')).toMatchObject({ value: '1048576', isDefault: false });

    const removed = await unary(stubs.admin, 'AlterTopicConfig', {
      name: 'admin.alter',
      remove: ['retention.ms'],
    });
    const afterRemove = new Map(removed.topic?.configs.map((entry) => [entry.name, entry]));
    expect(afterRemove.get('retention.ms')).toMatchObject({
      value: String(7 * 24 * 3600 * 1000),
      isDefault: true,
    });
    expect(afterRemove.get('segment.bytes')).toMatchObject({ isDefault: false });

    await expectCallError(
      unary(stubs.admin, 'AlterTopicConfig', { name: 'admin.alter', set: { 'retention.ms': 'x' } }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_CONFIG',
    );
    await expectCallError(
      unary(stubs.admin, 'AlterTopicConfig', { name: 'admin.alter', set: { 'no.such.key': '1' } }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_CONFIG',
    );
    await expectCallError(
      unary(stubs.admin, 'AlterTopicConfig', { name: 'admin.alter', remove: ['no.such.key'] }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_CONFIG',
    );
    const unchanged = new Map((await describeTopic('admin.alter')).configs.map((e) => [e.name, e]));
    expect(unchanged.get('retention.ms')).toMatchObject({ isDefault: true });
    expect(unchanged.get('segment.bytes')).toMatchObject({ value: '1048576', isDefault: false });

    await expectCallError(
      unary(stubs.admin, 'AlterTopicConfig', { name: 'admin.none', set: { 'retention.ms': '1' } }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
  });

  it('describes the cluster and topic metadata', async () => {
    // Goal: GetMetadata and DescribeCluster agree on the cluster id and name this broker.
    await createTopic('meta.two', 2);
    const cluster = await unary(stubs.admin, 'DescribeCluster', {});
    expect(cluster.clusterId).not.toBe('');
    expect(cluster.controllerId).toBe(1);
    expect(cluster.brokers).toEqual([{ id: 1, address: running.address, alive: true }]);

    const all = await unary(stubs.data, 'GetMetadata', {});
    expect(all.clusterId).toBe(cluster.clusterId);
    expect(all.brokers).toEqual([{ id: 1, address: running.address }]);
    expect(all.topics.map((topic) => topic.name)).toContain('meta.two');

    const one = await unary(stubs.data, 'GetMetadata', { topics: ['meta.two'] });
    expect(one.topics).toEqual([
      {
        name: 'meta.two',
        partitions: [0, 1].map((partition) => ({
          partition,
          leader: 1,
          replicas: [1],
          leaderEpoch: 1,
        })),
      },
    ]);
    const error = await expectCallError(
      unary(stubs.data, 'GetMetadata', { topics: ['meta.two', 'meta.missing'] }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
    expect(error.details).toContain('meta.missing');
  });
});

describe('produce', () => {
  it('appends plain records with keys, headers and null values, and reads them back', async () => {
    // Goal: the plain-record form round-trips every field, including null vs empty.
    await createTopic('produce.plain', 2);
    const records: ProtoRecord[] = [
      {
        key: bytes('k1'),
        value: bytes('v1'),
        headers: [
          { key: 'trace', value: bytes('abc') },
          { key: 'trace', value: bytes('def') },
          { key: 'nullable' },
        ],
      },
      { key: bytes('tomb') },
      { value: bytes(''), key: bytes(''), timestampMs: 1_700_000_000_000 },
    ];
    const before = Date.now();
    const produced = await unary(stubs.data, 'Produce', {
      topic: 'produce.plain',
      partition: 1,
      acks: 'ACKS_ALL',
      records: { records },
    });
    expect(produced).toEqual({
      baseOffset: 0,
      lastOffset: 2,
      logAppendTimeMs: -1,
      logStartOffset: 0,
      recordCount: 3,
    });

    const fetched = await fetchRecords('produce.plain', 0, 1);
    expect(fetched.highWatermark).toBe(3);
    expect(fetched.nextOffset).toBe(3);
    const [first, second, third] = fetched.records;
    expect(first?.offset).toBe(0);
    expect(text(first?.key)).toBe('k1');
    expect(text(first?.value)).toBe('v1');
    expect(first?.headers.map((header) => [header.key, header.value?.toString() ?? null])).toEqual([
      ['trace', 'abc'],
      ['trace', 'def'],
      ['nullable', null],
    ]);
    expect(first?.timestampMs).toBeGreaterThanOrEqual(before - 1000);
    expect(first?.timestampMs).toBeLessThanOrEqual(Date.now() + 1000);
    expect(second?.value).toBeUndefined();
    expect(text(second?.key)).toBe('tomb');
    expect(third?.key).toEqual(Buffer.alloc(0));
    expect(third?.value).toEqual(Buffer.alloc(0));
    expect(third?.timestampMs).toBe(1_700_000_000_000);

    // The other partition is independent.
    const other = await produceValues('produce.plain', ['p0'], 0);
    expect(other.baseOffset).toBe(0);
    const next = await produceValues('produce.plain', ['d', 'e'], 1);
    expect([next.baseOffset, next.lastOffset]).toEqual([3, 4]);
  });

  it('appends raw batches, back to back in one request, at contiguous offsets', async () => {
    // Goal: the batches form assigns offsets (ignoring the batch's baseOffset) across batches.
    await createTopic('produce.batches');
    await produceValues('produce.batches', ['before']);
    const now = Date.now();
    const batchSizes = [3, 1, 4];
    const batches = await Promise.all(
      batchSizes.map((size, batchIndex) =>
        encodeBatch(
          Array.from({ length: size }, (_, index) => ({ value: bytes(`b${batchIndex}-${index}`) })),
          { defaultTimestamp: now, baseOffset: 999 },
        ),
      ),
    );
    const produced = await unary(stubs.data, 'Produce', {
      topic: 'produce.batches',
      batches: Buffer.concat(batches),
    });
    expect(produced.baseOffset).toBe(1);
    expect(produced.lastOffset).toBe(8);
    expect(produced.recordCount).toBe(8);

    const fetched = await fetchRecords('produce.batches', 0);
    expect(fetched.records.map((record) => [record.offset, text(record.value)])).toEqual([
      [0, 'before'],
      [1, 'b0-0'],
      [2, 'b0-1'],
      [3, 'b0-2'],
      [4, 'b1-0'],
      [5, 'b2-0'],
      [6, 'b2-1'],
      [7, 'b2-2'],
      [8, 'b2-3'],
    ]);
    const fromBatches = fetched.records.filter((record) => record.offset >= 1);
    expect(fromBatches.every((record) => record.timestampMs === now)).toBe(true);
  });

  it('answers according to acks: none, leader and all', async () => {
    // Goal: ACKS_NONE answers -1 offsets yet the records land; LEADER/ALL report offsets.
    await createTopic('produce.acks');
    const none = await unary(stubs.data, 'Produce', {
      topic: 'produce.acks',
      acks: 'ACKS_NONE',
      records: { records: [{ value: bytes('n') }] },
    });
    expect([none.baseOffset, none.lastOffset, none.recordCount]).toEqual([-1, -1, 1]);
    const leader = await unary(stubs.data, 'Produce', {
      topic: 'produce.acks',
      acks: 'ACKS_LEADER',
      records: { records: [{ value: bytes('l') }] },
    });
    expect([leader.baseOffset, leader.lastOffset]).toEqual([1, 1]);
    const all = await unary(stubs.data, 'Produce', {
      topic: 'produce.acks',
      acks: 'ACKS_ALL',
      records: { records: [{ value: bytes('a1') }, { value: bytes('a2') }] },
    });
    expect([all.baseOffset, all.lastOffset]).toEqual([2, 3]);
    // acks=all means committed: visible at once, without waiting.
    const fetched = await fetchRecords('produce.acks', 0);
    expect(fetched.highWatermark).toBe(4);
    expect(fetched.records.map((record) => text(record.value))).toEqual(['n', 'l', 'a1', 'a2']);
  });

  it('stamps the broker time on LogAppendTime topics', async () => {
    // Goal: message.timestamp.type=LogAppendTime replaces producer timestamps by broker time.
    await createTopic('produce.append-time', 1, { 'message.timestamp.type': 'LogAppendTime' });
    const before = Date.now();
    const produced = await unary(stubs.data, 'Produce', {
      topic: 'produce.append-time',
      records: { records: [{ value: bytes('x'), timestampMs: 1000 }, { value: bytes('y') }] },
    });
    const after = Date.now();
    expect(produced.logAppendTimeMs).toBeGreaterThanOrEqual(before);
    expect(produced.logAppendTimeMs).toBeLessThanOrEqual(after);

    const batch = await encodeBatch([{ value: bytes('z') }], { defaultTimestamp: 5 });
    const raw = await unary(stubs.data, 'Produce', {
      topic: 'produce.append-time',
      batches: batch,
    });
    expect(raw.logAppendTimeMs).toBeGreaterThanOrEqual(before);

    const fetched = await fetchRecords('produce.append-time', 0);
    expect(fetched.records.map((record) => record.timestampMs)).toEqual([
      produced.logAppendTimeMs,
      produced.logAppendTimeMs,
      raw.logAppendTimeMs,
    ]);
    const batches = await unary(stubs.data, 'Fetch', {
      topic: 'produce.append-time',
      offset: 0,
      format: 'RECORD_FORMAT_BATCHES',
    });
    for (const span of splitBatches(batches.batches))
      expect(isLogAppendTime(span.header)).toBe(true);
  });

  it('fails with UNKNOWN_TOPIC and INVALID_PARTITION, naming what is missing', async () => {
    // Goal: auto-creation is off by default; a bad partition is NOT_FOUND with its number.
    const unknown = await expectCallError(
      produceValues('produce.nowhere', ['x']),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
    expect(unknown.details).toContain('produce.nowhere');
    expect(errorDetail(unknown, 'topic')).toBe('produce.nowhere');
    const listed = await unary(stubs.admin, 'ListTopics', {});
    expect(listed.topics.map((topic) => topic.name)).not.toContain('produce.nowhere');

    await createTopic('produce.partitions', 2);
    for (const partition of [2, -1]) {
      const error = await expectCallError(
        produceValues('produce.partitions', ['x'], partition),
        grpc.status.NOT_FOUND,
        'INVALID_PARTITION',
      );
      expect(errorDetail(error, 'partition')).toBe(String(partition));
    }
    await expectCallError(
      unary(stubs.data, 'Fetch', { topic: 'produce.partitions', partition: 7, offset: 0 }),
      grpc.status.NOT_FOUND,
      'INVALID_PARTITION',
    );
  });

  it('refuses batches above max.message.bytes with RECORD_TOO_LARGE', async () => {
    // Goal: the default 1 MiB limit and a smaller per-topic limit both apply, to both forms.
    await createTopic('produce.large');
    const big = await encodeBatch([{ value: Buffer.alloc(1.5 * MiB, 7) }], { defaultTimestamp: 1 });
    const error = await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.large', batches: big }),
      grpc.status.INVALID_ARGUMENT,
      'RECORD_TOO_LARGE',
    );
    expect(errorDetail(error, 'limit')).toBe(String(1 * MiB));

    await createTopic('produce.small', 1, { 'max.message.bytes': '1024' });
    await expectCallError(
      unary(stubs.data, 'Produce', {
        topic: 'produce.small',
        records: { records: [{ value: Buffer.alloc(2048, 1) }] },
      }),
      grpc.status.INVALID_ARGUMENT,
      'RECORD_TOO_LARGE',
    );
    const small = await encodeBatch([{ value: Buffer.alloc(2048, 1) }], { defaultTimestamp: 1 });
    await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.small', batches: small }),
      grpc.status.INVALID_ARGUMENT,
      'RECORD_TOO_LARGE',
    );
    expect((await produceValues('produce.small', ['fits'])).baseOffset).toBe(0);
  });

  it('refuses a corrupt batch with CORRUPT_MESSAGE and leaves the log unchanged', async () => {
    // Goal: a request is all or nothing: one bad batch after a good one appends neither.
    await createTopic('produce.corrupt');
    await produceValues('produce.corrupt', ['kept']);
    const good = await encodeBatch([{ value: bytes('good') }], { defaultTimestamp: 1 });
    const bad = await encodeBatch([{ value: bytes('bad!') }], { defaultTimestamp: 1 });
    const lastIndex = bad.length - 1;
    bad[lastIndex] = (bad[lastIndex] ?? 0) ^ 0xff;
    const describedBefore = await describeTopic('produce.corrupt');
    await expectCallError(
      unary(stubs.data, 'Produce', {
        topic: 'produce.corrupt',
        batches: Buffer.concat([good, bad]),
      }),
      grpc.status.INVALID_ARGUMENT,
      'CORRUPT_MESSAGE',
    );
    await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.corrupt', batches: good.subarray(0, 40) }),
      grpc.status.INVALID_ARGUMENT,
      'CORRUPT_MESSAGE',
    );
    const describedAfter = await describeTopic('produce.corrupt');
    expect(describedAfter.partitions[0]?.highWatermark).toBe(1);
    expect(describedAfter.partitions[0]?.sizeBytes).toBe(describedBefore.partitions[0]?.sizeBytes);
    const fetched = await fetchRecords('produce.corrupt', 0);
    expect(fetched.records.map((record) => text(record.value))).toEqual(['kept']);
    expect((await produceValues('produce.corrupt', ['next'])).baseOffset).toBe(1);
  });

  it('refuses a produce with neither batches nor records, or no records, with INVALID_REQUEST', async () => {
    // Goal: an empty produce is a malformed request, not a silent no-op.
    await createTopic('produce.empty');
    await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.empty' }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
    await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.empty', records: { records: [] } }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
    await expectCallError(
      unary(stubs.data, 'Produce', { topic: 'produce.empty', batches: Buffer.alloc(0) }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
  });

  it('refuses a request above requestBytesMax with RESOURCE_EXHAUSTED and keeps serving', async () => {
    // Goal: grpc-js refuses an oversized message from its length prefix; the broker survives.
    await createTopic('produce.huge');
    const error = await expectCallError(
      unary(stubs.data, 'Produce', {
        topic: 'produce.huge',
        records: { records: [{ value: Buffer.alloc(REQUEST_BYTES_MAX + 1024, 3) }] },
      }),
      grpc.status.RESOURCE_EXHAUSTED,
      // Refused by grpc-js before any Brook code runs: no brook-error-code is attached, and
      // clients map the bare status to REQUEST_TOO_LARGE.
      undefined,
    );
    expect(fromServiceError(error).code).toBe('REQUEST_TOO_LARGE');
    expect((await produceValues('produce.huge', ['still serving'])).baseOffset).toBe(0);
    expect((await describeTopic('produce.huge')).partitions[0]?.highWatermark).toBe(1);
  });
});

describe('fetch', () => {
  it('returns records or whole raw batches, with next_offset, high_watermark and log_start_offset', async () => {
    // Goal: RECORDS skips records before the offset; BATCHES returns the stored batch that
    // holds the offset, starting before it.
    await createTopic('fetch.formats');
    await produceValues('fetch.formats', ['a', 'b', 'c', 'd', 'e']);
    await produceValues('fetch.formats', ['f', 'g']);

    const records = await fetchRecords('fetch.formats', 2);
    expect(records.records.map((record) => record.offset)).toEqual([2, 3, 4, 5, 6]);
    expect(records.batches).toEqual(Buffer.alloc(0));
    expect(records.nextOffset).toBe(7);
    expect(records.highWatermark).toBe(7);
    expect(records.logStartOffset).toBe(0);

    const batches = await unary(stubs.data, 'Fetch', {
      topic: 'fetch.formats',
      offset: 2,
      format: 'RECORD_FORMAT_BATCHES',
    });
    expect(batches.records).toEqual([]);
    expect(batches.nextOffset).toBe(7);
    const spans = splitBatches(batches.batches);
    expect(spans.map((span) => [span.header.baseOffset, span.header.recordCount])).toEqual([
      [0, 5],
      [5, 2],
    ]);
    const decoded = await decodeAll(batches.batches);
    expect(decoded.map((record) => record.value?.toString())).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
    ]);

    const atEnd = await fetchRecords('fetch.formats', 7);
    expect(atEnd.records).toEqual([]);
    expect(atEnd.nextOffset).toBe(7);
  });

  it('limits a fetch to max_bytes but always returns the first batch whole', async () => {
    // Goal: a reader never gets stuck behind a batch larger than its max_bytes.
    await createTopic('fetch.max-bytes');
    for (let index = 0; index < 4; index++) {
      await unary(stubs.data, 'Produce', {
        topic: 'fetch.max-bytes',
        records: { records: [{ value: Buffer.alloc(10_000, index) }] },
      });
    }
    const tiny = await unary(stubs.data, 'Fetch', {
      topic: 'fetch.max-bytes',
      offset: 0,
      maxBytes: 100,
      format: 'RECORD_FORMAT_BATCHES',
    });
    const single = splitBatches(tiny.batches);
    expect(single).toHaveLength(1);
    expect(single[0]?.size).toBeGreaterThan(10_000);
    expect(tiny.nextOffset).toBe(1);

    const two = await unary(stubs.data, 'Fetch', {
      topic: 'fetch.max-bytes',
      offset: 1,
      maxBytes: 25_000,
      format: 'RECORD_FORMAT_RECORDS',
    });
    expect(two.records.map((record) => record.offset)).toEqual([1, 2]);
    expect(two.nextOffset).toBe(3);

    const all = await fetchRecords('fetch.max-bytes', 0);
    expect(all.records).toHaveLength(4);
  });

  it('refuses offsets beyond the end or below the start with OFFSET_OUT_OF_RANGE', async () => {
    // Goal: valid offsets are [log_start_offset, high_watermark]; the error carries the range.
    await createTopic('fetch.range');
    await produceValues('fetch.range', ['a', 'b']);
    for (const offset of [3, 100, -1]) {
      const error = await expectCallError(
        fetchRecords('fetch.range', offset),
        grpc.status.OUT_OF_RANGE,
        'OFFSET_OUT_OF_RANGE',
      );
      expect(errorDetail(error, 'high-watermark')).toBe('2');
      expect(errorDetail(error, 'log-start-offset')).toBe('0');
    }
    await expectCallError(
      fetchRecords('fetch.unknown-topic', 0),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
  });

  it('long-polls at the end: returns early when a record arrives', async () => {
    // Goal: a fetch at the high watermark waits for data instead of answering empty at once.
    await createTopic('fetch.long-poll');
    await produceValues('fetch.long-poll', ['first']);
    const started = Date.now();
    const waiting = unary(stubs.data, 'Fetch', {
      topic: 'fetch.long-poll',
      offset: 1,
      maxWaitMs: 10_000,
    });
    setTimeout(() => void produceValues('fetch.long-poll', ['late']), 200);
    const fetched = await waiting;
    const elapsedMs = Date.now() - started;
    expect(fetched.records.map((record) => text(record.value))).toEqual(['late']);
    expect(fetched.nextOffset).toBe(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(150);
    expect(elapsedMs).toBeLessThan(8_000);
  });

  it('long-polls at most max_wait_ms, then answers empty', async () => {
    // Goal: with no new data the fetch ends after about max_wait_ms with nothing.
    await createTopic('fetch.timeout');
    const started = Date.now();
    const fetched = await unary(stubs.data, 'Fetch', {
      topic: 'fetch.timeout',
      offset: 0,
      maxWaitMs: 300,
    });
    const elapsedMs = Date.now() - started;
    expect(fetched.records).toEqual([]);
    expect(fetched.nextOffset).toBe(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(250);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('waits for min_bytes up to max_wait_ms, then returns what there is', async () => {
    // Goal: min_bytes holds the answer back while less data is available.
    await createTopic('fetch.min-bytes');
    await produceValues('fetch.min-bytes', ['small']);
    const started = Date.now();
    const fetched = await unary(stubs.data, 'Fetch', {
      topic: 'fetch.min-bytes',
      offset: 0,
      minBytes: 1_000_000,
      maxWaitMs: 300,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fetched.records.map((record) => text(record.value))).toEqual(['small']);
  });
});

describe('ListOffsets', () => {
  it('finds the earliest, the latest and the first offset at a time', async () => {
    // Goal: timestamp lookups land inside a batch; past the newest record they answer the
    // high watermark with timestamp -1.
    await createTopic('offsets.lookup', 2);
    await unary(stubs.data, 'Produce', {
      topic: 'offsets.lookup',
      records: {
        records: [1000, 2000, 3000].map((timestampMs) => ({
          value: bytes(String(timestampMs)),
          timestampMs,
        })),
      },
    });
    await unary(stubs.data, 'Produce', {
      topic: 'offsets.lookup',
      records: { records: [{ value: bytes('4000'), timestampMs: 4000 }] },
    });

    const earliest = await unary(stubs.data, 'ListOffsets', {
      topic: 'offsets.lookup',
      spec: 'OFFSET_SPEC_EARLIEST',
    });
    expect(earliest.offsets).toEqual([
      { partition: 0, offset: 0, timestampMs: -1 },
      { partition: 1, offset: 0, timestampMs: -1 },
    ]);
    const latest = await unary(stubs.data, 'ListOffsets', {
      topic: 'offsets.lookup',
      partitions: [0],
      spec: 'OFFSET_SPEC_LATEST',
    });
    expect(latest.offsets).toEqual([{ partition: 0, offset: 4, timestampMs: -1 }]);

    const at = async (timestampMs: number) =>
      (
        await unary(stubs.data, 'ListOffsets', {
          topic: 'offsets.lookup',
          partitions: [0],
          spec: 'OFFSET_SPEC_TIMESTAMP',
          timestampMs,
        })
      ).offsets[0];
    expect(await at(0)).toEqual({ partition: 0, offset: 0, timestampMs: 1000 });
    expect(await at(2000)).toEqual({ partition: 0, offset: 1, timestampMs: 2000 });
    expect(await at(2500)).toEqual({ partition: 0, offset: 2, timestampMs: 3000 });
    expect(await at(3001)).toEqual({ partition: 0, offset: 3, timestampMs: 4000 });
    expect(await at(4001)).toEqual({ partition: 0, offset: 4, timestampMs: -1 });
    // An empty partition: the high watermark (0).
    const empty = await unary(stubs.data, 'ListOffsets', {
      topic: 'offsets.lookup',
      partitions: [1],
      spec: 'OFFSET_SPEC_TIMESTAMP',
      timestampMs: 0,
    });
    expect(empty.offsets).toEqual([{ partition: 1, offset: 0, timestampMs: -1 }]);
  });

  it('refuses an unspecified spec, unknown topics and partitions', async () => {
    // Goal: each bad ListOffsets request fails with its own code.
    await createTopic('offsets.errors');
    await expectCallError(
      unary(stubs.data, 'ListOffsets', { topic: 'offsets.errors' }),
      grpc.status.INVALID_ARGUMENT,
      'INVALID_REQUEST',
    );
    await expectCallError(
      unary(stubs.data, 'ListOffsets', {
        topic: 'offsets.errors',
        partitions: [1],
        spec: 'OFFSET_SPEC_LATEST',
      }),
      grpc.status.NOT_FOUND,
      'INVALID_PARTITION',
    );
    await expectCallError(
      unary(stubs.data, 'ListOffsets', { topic: 'offsets.none', spec: 'OFFSET_SPEC_LATEST' }),
      grpc.status.NOT_FOUND,
      'UNKNOWN_TOPIC',
    );
  });
});

interface Subscription {
  readonly records: Record__Output[];
  readonly messages: SubscribeResponse__Output[];
  /** Resolves with the status the stream ended with (undefined for a clean end). */
  readonly ended: Promise<grpc.ServiceError | undefined>;
  waitForRecords(count: number): Promise<void>;
  cancel(): void;
}

function subscribe(request: SubscribeRequest): Subscription {
  const stream = stubs.data.Subscribe(request);
  const records: Record__Output[] = [];
  const messages: SubscribeResponse__Output[] = [];
  stream.on('data', (message: SubscribeResponse__Output) => {
    messages.push(message);
    records.push(...message.records);
  });
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
    stream.on('error', (error: grpc.ServiceError) => resolve(error));
    stream.on('end', () => resolve(undefined));
  });
  return {
    records,
    messages,
    ended,
    waitForRecords: (count) =>
      vi.waitFor(() => expect(records.length).toBeGreaterThanOrEqual(count), {
        timeout: 5_000,
        interval: 10,
      }),
    cancel: () => stream.cancel(),
  };
}

const valuesOf = (records: readonly Record__Output[]): (string | null)[] =>
  records.map((record) => text(record.value));

describe('Subscribe', () => {
  it('streams existing then new records from earliest, in order, and ends with UNKNOWN_TOPIC on deletion', async () => {
    // Goal: a subscription replays the log, follows new commits, and tells the client why it
    // ended when the topic goes away.
    await createTopic('subscribe.earliest');
    await produceValues('subscribe.earliest', ['a', 'b', 'c']);
    const subscription = subscribe({
      topic: 'subscribe.earliest',
      start: { earliest: {} },
    });
    await subscription.waitForRecords(3);
    await produceValues('subscribe.earliest', ['d']);
    await produceValues('subscribe.earliest', ['e', 'f']);
    await subscription.waitForRecords(6);
    expect(valuesOf(subscription.records)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(subscription.records.map((record) => record.offset)).toEqual([0, 1, 2, 3, 4, 5]);
    const last = subscription.messages[subscription.messages.length - 1];
    expect(last?.nextOffset).toBe(6);
    expect(last?.highWatermark).toBe(6);

    await unary(stubs.admin, 'DeleteTopic', { name: 'subscribe.earliest' });
    const error = await subscription.ended;
    expect(error?.code).toBe(grpc.status.NOT_FOUND);
    expect(error?.metadata.get('brook-error-code')).toEqual(['UNKNOWN_TOPIC']);
  });

  it('streams from an offset and from a timestamp', async () => {
    // Goal: the offset and timestamp start positions pick the right first record.
    await createTopic('subscribe.positions');
    await unary(stubs.data, 'Produce', {
      topic: 'subscribe.positions',
      records: {
        records: [1000, 2000, 3000, 4000].map((timestampMs) => ({
          value: bytes(`t${timestampMs}`),
          timestampMs,
        })),
      },
    });
    const fromOffset = subscribe({ topic: 'subscribe.positions', start: { offset: 1 } });
    const fromTime = subscribe({ topic: 'subscribe.positions', start: { timestampMs: 2500 } });
    await fromOffset.waitForRecords(3);
    await fromTime.waitForRecords(2);
    await produceValues('subscribe.positions', ['new']);
    await fromOffset.waitForRecords(4);
    await fromTime.waitForRecords(3);
    expect(valuesOf(fromOffset.records)).toEqual(['t2000', 't3000', 't4000', 'new']);
    expect(valuesOf(fromTime.records)).toEqual(['t3000', 't4000', 'new']);
    fromOffset.cancel();
    fromTime.cancel();
    expect((await fromOffset.ended)?.code).toBe(grpc.status.CANCELLED);
  });

  it('streams only new records from latest', async () => {
    // Goal: "latest" skips what exists. The stream has no "subscribed" signal, so new records
    // are produced until one arrives; whatever arrives must start at or after the old end.
    await createTopic('subscribe.latest');
    await produceValues('subscribe.latest', ['old-1', 'old-2']);
    const subscription = subscribe({ topic: 'subscribe.latest', start: { latest: {} } });
    for (let attempt = 0; attempt < 50 && subscription.records.length === 0; attempt++) {
      await produceValues('subscribe.latest', [`new-${attempt}`]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await subscription.waitForRecords(1);
    const offsets = subscription.records.map((record) => record.offset);
    expect(offsets[0]).toBeGreaterThanOrEqual(2);
    expect(offsets).toEqual(offsets.map((_, index) => (offsets[0] ?? 0) + index));
    expect(valuesOf(subscription.records).every((value) => value?.startsWith('new-'))).toBe(true);
    subscription.cancel();
  });

  it('streams raw batches with RECORD_FORMAT_BATCHES', async () => {
    // Goal: the batches format carries stored batches that decode to the produced records.
    await createTopic('subscribe.batches');
    await produceValues('subscribe.batches', ['x', 'y']);
    const stream = stubs.data.Subscribe({
      topic: 'subscribe.batches',
      start: { offset: 1 },
      format: 'RECORD_FORMAT_BATCHES',
    });
    const message = await new Promise<SubscribeResponse__Output>((resolve, reject) => {
      stream.once('data', resolve);
      stream.once('error', reject);
    });
    stream.on('error', () => undefined);
    stream.cancel();
    expect(message.records).toEqual([]);
    expect(message.nextOffset).toBe(2);
    const decoded = await decodeAll(message.batches);
    expect(decoded.map((record) => [record.offset, record.value?.toString()])).toEqual([
      [0, 'x'],
      [1, 'y'],
    ]);
  });

  it('refuses bad subscriptions with a coded status', async () => {
    // Goal: stream calls carry the same coded errors as unary ones.
    await createTopic('subscribe.errors');
    const cases: [SubscribeRequest, grpc.status, string][] = [
      [
        { topic: 'subscribe.none', start: { earliest: {} } },
        grpc.status.NOT_FOUND,
        'UNKNOWN_TOPIC',
      ],
      [
        { topic: 'subscribe.errors', partition: 3, start: { earliest: {} } },
        grpc.status.NOT_FOUND,
        'INVALID_PARTITION',
      ],
      [
        { topic: 'subscribe.errors', start: { offset: 5 } },
        grpc.status.OUT_OF_RANGE,
        'OFFSET_OUT_OF_RANGE',
      ],
      [{ topic: 'subscribe.errors' }, grpc.status.INVALID_ARGUMENT, 'INVALID_REQUEST'],
    ];
    for (const [request, status, code] of cases) {
      const error = await subscribe(request).ended;
      expect(error?.code, code).toBe(status);
      expect(error?.metadata.get('brook-error-code')).toEqual([code]);
    }
  });
});

describe('auto-creation', () => {
  it('creates unknown topics on produce when autoCreateTopics is on', async () => {
    // Goal: with autoCreateTopics a produce to a new name creates it with the defaults.
    const directory = newDataDir();
    const autoBroker = await startBroker(
      brokerConfig(directory, { autoCreateTopics: true, defaultPartitions: 2 }),
    );
    const autoStubs = connectStubs(autoBroker.address);
    try {
      const produced = await unary(autoStubs.data, 'Produce', {
        topic: 'auto.created',
        partition: 1,
        records: { records: [{ value: bytes('hello') }] },
      });
      expect(produced.baseOffset).toBe(0);
      const topic = await unary(autoStubs.admin, 'DescribeTopic', { name: 'auto.created' });
      expect(topic.topic?.partitions).toHaveLength(2);
      // Invalid names are still refused.
      await expectCallError(
        unary(autoStubs.data, 'Produce', {
          topic: 'auto/bad',
          records: { records: [{ value: bytes('x') }] },
        }),
        grpc.status.INVALID_ARGUMENT,
        'INVALID_TOPIC',
      );
      // Reads do not create topics.
      await expectCallError(
        unary(autoStubs.data, 'Fetch', { topic: 'auto.read', offset: 0 }),
        grpc.status.NOT_FOUND,
        'UNKNOWN_TOPIC',
      );
    } finally {
      autoStubs.close();
      await autoBroker.stop();
    }
  });
});

describe('shutdown and restart', () => {
  it('ends subscriptions with BROKER_UNAVAILABLE and answers long polls when the server stops', async () => {
    // Goal: a stopping broker tells streaming clients to go elsewhere (a retriable code), and
    // neither a stream nor a long-polling fetch holds the shutdown for shutdownTimeoutMs.
    await createTopic('restart.stream');
    await produceValues('restart.stream', ['one']);
    const subscription = subscribe({ topic: 'restart.stream', start: { earliest: {} } });
    await subscription.waitForRecords(1);
    const longPoll = unary(stubs.data, 'Fetch', {
      topic: 'restart.stream',
      offset: 1,
      maxWaitMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(SHUTDOWN_TIMEOUT_MS - 500);
    const error = await subscription.ended;
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(error?.metadata.get('brook-error-code')).toEqual(['BROKER_UNAVAILABLE']);
    const answered = await longPoll;
    expect(answered.records).toEqual([]);
    expect(answered.nextOffset).toBe(1);
  });

  it('keeps topics, configs, data and the cluster id across a restart on the same directory', async () => {
    // Goal: topic metadata is durable: a new broker on the same data serves what the old had.
    const clusterBefore = running.broker.clusterId;
    stubs.close();
    running = await startBroker(brokerConfig(dataDir));
    stubs = connectStubs(running.address);

    const cluster = await unary(stubs.admin, 'DescribeCluster', {});
    expect(cluster.clusterId).toBe(clusterBefore);
    const listed = await unary(stubs.admin, 'ListTopics', {});
    const names = listed.topics.map((topic) => topic.name);
    expect(names).toEqual(
      expect.arrayContaining(['admin.alter', 'produce.plain', 'restart.stream']),
    );
    expect(names).not.toContain('admin.orders');
    expect(names).not.toContain('subscribe.earliest');

    const alter = new Map((await describeTopic('admin.alter')).configs.map((e) => [e.name, e]));
    expect(alter.get('segment.bytes')).toMatchObject({ value: '1048576', isDefault: false });
    expect(alter.get('retention.ms')).toMatchObject({ isDefault: true });
    const appendTime = await describeTopic('produce.append-time');
    expect(appendTime.configs.find((e) => e.name === 'message.timestamp.type')).toMatchObject({
      value: 'LogAppendTime',
      isDefault: false,
    });

    const plain = await describeTopic('produce.plain');
    expect(plain.partitions.map((partition) => partition.highWatermark)).toEqual([1, 5]);
    const fetched = await fetchRecords('produce.plain', 0, 1);
    expect(valuesOf(fetched.records)).toEqual(['v1', null, '', 'd', 'e']);
    const next = await produceValues('produce.plain', ['after restart'], 1);
    expect(next.baseOffset).toBe(5);
  });
});
