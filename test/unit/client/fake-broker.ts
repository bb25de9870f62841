/**
 * An in-process, in-memory stand-in for a broker, serving the real brook.v1 gRPC services on a
 * loopback port, so the client's producer, consumer and admin can be tested over real gRPC
 * without the storage engine. It keeps batches per partition exactly as produced (offsets
 * rewritten), long-polls fetches, and lets a test inject failures per RPC or hold produce
 * answers back to observe back-pressure.
 */
import * as grpc from '@grpc/grpc-js';
import { BrookError } from '../../../src/protocol/errors.js';
import { loadBrookProto, toServiceError } from '../../../src/protocol/grpc.js';
import type { AdminServiceHandlers } from '../../../src/protocol/gen/brook/v1/AdminService.js';
import type { DataServiceHandlers } from '../../../src/protocol/gen/brook/v1/DataService.js';
import type { TopicDescription } from '../../../src/protocol/gen/brook/v1/TopicDescription.js';
import {
  decodeBatch,
  lastOffsetOf,
  readBatchHeader,
  setBaseOffset,
  splitBatches,
} from '../../../src/protocol/record-batch.js';

type Method =
  | 'Produce'
  | 'Fetch'
  | 'ListOffsets'
  | 'GetMetadata'
  | 'DescribeTopic'
  | 'CreateTopic'
  | 'DescribeCluster'
  | 'CreatePartitions'
  | 'ReassignPartition';

interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Buffer;
}

interface Partition {
  batches: StoredBatch[];
  logStartOffset: number;
  highWatermark: number;
}

export interface ProduceSeen {
  readonly topic: string;
  readonly partition: number;
  readonly batchCount: number;
  readonly recordCount: number;
  readonly bytes: number;
}

export class FakeBroker {
  readonly topics = new Map<string, Partition[]>();
  readonly produced: ProduceSeen[] = [];
  readonly calls = new Map<Method, number>();
  maxMessageBytes = 1024 * 1024;
  /** Answers to produce wait for this promise when set (tests of back-pressure). */
  produceGate: Promise<void> | undefined;
  private readonly failures = new Map<Method, BrookError[]>();
  private readonly fetchWaiters = new Set<() => void>();
  private server: grpc.Server | undefined;
  address = '';

  async start(): Promise<this> {
    const { proto } = loadBrookProto();
    const server = new grpc.Server();
    server.addService(proto.brook.v1.DataService.service, this.dataHandlers());
    server.addService(proto.brook.v1.AdminService.service, this.adminHandlers());
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    this.server = server;
    this.address = `127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const wake of this.fetchWaiters) wake();
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server.forceShutdown();
  }

  createTopic(name: string, partitions: number): void {
    this.topics.set(
      name,
      Array.from({ length: partitions }, () => ({
        batches: [],
        logStartOffset: 0,
        highWatermark: 0,
      })),
    );
  }

  /**
   * What GetMetadata answers about the cluster: its brokers, and the leader and replicas of
   * every partition (default: this broker alone, id 1).
   */
  metadataCluster: {
    brokers: { id: number; address: string }[];
    leader: number;
    replicas: number[];
  } | null = null;

  /** The next `count` calls of `method` fail with `error`. */
  failNext(method: Method, error: BrookError, count = 1): void {
    const list = this.failures.get(method) ?? [];
    for (let index = 0; index < count; index++) list.push(error);
    this.failures.set(method, list);
  }

  /** Every stored batch of a partition, decoded. */
  async records(
    topic: string,
    partition: number,
  ): Promise<{ offset: number; key: string | null; value: string | null }[]> {
    const stored = this.topics.get(topic)?.[partition]?.batches ?? [];
    const decoded = await Promise.all(stored.map((batch) => decodeBatch(batch.bytes)));
    return decoded.flatMap((batch) =>
      batch.records.map((record) => ({
        offset: record.offset,
        key: record.key === null ? null : Buffer.from(record.key).toString(),
        value: record.value === null ? null : Buffer.from(record.value).toString(),
      })),
    );
  }

  /** Drops the partition's records below `offset` (as retention would). */
  truncateBefore(topic: string, partition: number, offset: number): void {
    const log = this.partition(topic, partition);
    log.batches = log.batches.filter((batch) => batch.lastOffset >= offset);
    log.logStartOffset = offset;
  }

  private partition(topic: string, partition: number): Partition {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${topic}`);
    const log = partitions[partition];
    if (log === undefined) throw new BrookError('INVALID_PARTITION', `no partition ${partition}`);
    return log;
  }

  private begin(method: Method): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined) throw failure;
  }

  private unary<Request, Response>(
    method: Method,
    body: (request: Request) => Promise<Response> | Response,
  ): grpc.handleUnaryCall<Request, Response> {
    return (call, callback) => {
      (async () => {
        this.begin(method);
        return body(call.request);
      })().then(
        (response) => callback(null, response),
        (error: unknown) =>
          callback(
            toServiceError(
              error instanceof BrookError ? error : new BrookError('UNKNOWN', String(error)),
            ),
          ),
      );
    };
  }

  private dataHandlers(): DataServiceHandlers {
    return {
      Produce: this.unary('Produce', async (request) => {
        const log = this.partition(request.topic, request.partition);
        const payload = request.batches ?? Buffer.alloc(0);
        const spans = splitBatches(payload);
        for (const span of spans) {
          if (span.size > this.maxMessageBytes) {
            throw new BrookError('RECORD_TOO_LARGE', `batch of ${span.size} bytes`);
          }
        }
        if (this.produceGate !== undefined) await this.produceGate;
        const baseOffset = log.highWatermark;
        let recordCount = 0;
        for (const span of spans) {
          const bytes = Buffer.from(payload.subarray(span.position, span.position + span.size));
          setBaseOffset(bytes, 0, log.highWatermark);
          const header = readBatchHeader(bytes);
          log.batches.push({
            baseOffset: log.highWatermark,
            lastOffset: lastOffsetOf(header),
            bytes,
          });
          log.highWatermark = lastOffsetOf(header) + 1;
          recordCount += header.recordCount;
        }
        this.produced.push({
          topic: request.topic,
          partition: request.partition,
          batchCount: spans.length,
          recordCount,
          bytes: payload.length,
        });
        for (const wake of [...this.fetchWaiters]) wake();
        const acked = request.acks !== 'ACKS_NONE';
        return {
          baseOffset: acked ? baseOffset : -1,
          lastOffset: acked ? log.highWatermark - 1 : -1,
          logAppendTimeMs: -1,
          logStartOffset: log.logStartOffset,
          recordCount,
        };
      }),
      Fetch: this.unary('Fetch', async (request) => {
        const log = this.partition(request.topic, request.partition);
        if (request.offset < log.logStartOffset || request.offset > log.highWatermark) {
          throw new BrookError(
            'OFFSET_OUT_OF_RANGE',
            `offset ${request.offset} is outside [${log.logStartOffset}, ${log.highWatermark}]`,
          );
        }
        if (request.offset === log.highWatermark && request.maxWaitMs > 0) {
          await this.waitForData(request.maxWaitMs);
        }
        const chosen: Buffer[] = [];
        let bytes = 0;
        for (const batch of log.batches) {
          if (batch.lastOffset < request.offset) continue;
          if (chosen.length > 0 && bytes + batch.bytes.length > (request.maxBytes || 1024 * 1024))
            break;
          chosen.push(batch.bytes);
          bytes += batch.bytes.length;
        }
        return {
          highWatermark: log.highWatermark,
          logStartOffset: log.logStartOffset,
          batches: Buffer.concat(chosen),
          records: [],
          nextOffset: request.offset,
        };
      }),
      ListOffsets: this.unary('ListOffsets', async (request) => {
        const partitions = this.topics.get(request.topic);
        if (partitions === undefined)
          throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${request.topic}`);
        const wanted =
          request.partitions.length > 0 ? request.partitions : partitions.map((_, index) => index);
        const offsets = await Promise.all(
          wanted.map(async (partition) => {
            const log = this.partition(request.topic, partition);
            if (request.spec === 'OFFSET_SPEC_EARLIEST') {
              return { partition, offset: log.logStartOffset, timestampMs: -1 };
            }
            if (request.spec === 'OFFSET_SPEC_LATEST') {
              return { partition, offset: log.highWatermark, timestampMs: -1 };
            }
            for (const batch of log.batches) {
              const decoded = await decodeBatch(batch.bytes);
              const found = decoded.records.find(
                (record) => record.timestamp >= request.timestampMs,
              );
              if (found !== undefined)
                return { partition, offset: found.offset, timestampMs: found.timestamp };
            }
            return { partition, offset: log.highWatermark, timestampMs: -1 };
          }),
        );
        return { offsets };
      }),
      GetMetadata: this.unary('GetMetadata', (request) => {
        const names = request.topics.length > 0 ? request.topics : [...this.topics.keys()];
        return {
          clusterId: 'fake',
          brokers: this.metadataCluster?.brokers ?? [{ id: 1, address: this.address }],
          topics: names.map((name) => {
            const partitions = this.topics.get(name);
            if (partitions === undefined)
              throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${name}`);
            return {
              name,
              partitions: partitions.map((_, partition) => ({
                partition,
                leader: this.metadataCluster?.leader ?? 1,
                replicas: this.metadataCluster?.replicas ?? [1],
                leaderEpoch: 1,
              })),
            };
          }),
        };
      }),
      Subscribe: (call) => {
        call.emit('error', toServiceError(new BrookError('INVALID_REQUEST', 'not in the fake')));
      },
    };
  }

  private describe(name: string): TopicDescription {
    const partitions = this.topics.get(name);
    if (partitions === undefined) throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${name}`);
    return {
      name,
      replicationFactor: 1,
      partitions: partitions.map((log, partition) => ({
        partition,
        leader: 1,
        replicas: [1],
        isr: [1],
        leaderEpoch: 1,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        sizeBytes: 0,
      })),
      configs: [
        { name: 'max.message.bytes', value: String(this.maxMessageBytes), isDefault: true },
      ],
    };
  }

  private adminHandlers(): AdminServiceHandlers {
    return {
      CreateTopic: this.unary('CreateTopic', (request) => {
        if (this.topics.has(request.name))
          throw new BrookError('TOPIC_ALREADY_EXISTS', `topic ${request.name} exists`);
        this.createTopic(request.name, request.partitions || 1);
        return { topic: this.describe(request.name) };
      }),
      DeleteTopic: this.unary('CreateTopic', (request) => {
        if (!this.topics.delete(request.name))
          throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${request.name}`);
        return {};
      }),
      ListTopics: this.unary('CreateTopic', () => ({
        topics: [...this.topics].map(([name, partitions]) => ({
          name,
          partitions: partitions.length,
          replicationFactor: 1,
        })),
      })),
      DescribeTopic: this.unary('DescribeTopic', (request) => ({
        topic: this.describe(request.name),
      })),
      AlterTopicConfig: this.unary('CreateTopic', (request) => ({
        topic: this.describe(request.name),
      })),
      DescribeCluster: this.unary('DescribeCluster', () => ({
        clusterId: 'fake',
        controllerId: 1,
        brokers: [{ id: 1, address: this.address, alive: true }],
      })),
      CreatePartitions: this.unary('CreatePartitions', (request) => {
        const partitions = this.topics.get(request.name);
        if (partitions === undefined)
          throw new BrookError('UNKNOWN_TOPIC', `unknown topic ${request.name}`);
        if (request.count <= partitions.length)
          throw new BrookError('INVALID_PARTITIONS', `topic has ${partitions.length} partitions`);
        while (partitions.length < request.count) {
          partitions.push({ batches: [], logStartOffset: 0, highWatermark: 0 });
        }
        return { topic: this.describe(request.name) };
      }),
      ReassignPartition: this.unary('ReassignPartition', (request) => ({
        topic: this.describe(request.name),
      })),
    };
  }

  private waitForData(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.fetchWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, maxWaitMs);
      this.fetchWaiters.add(wake);
    });
  }
}
