/**
 * Regression test; the bug it guards against (found in review, now fixed): the fetch budget (max_bytes, up to fetchBytesMax = 16 MiB) is counted in stored batch
 * bytes, but a RECORD_FORMAT_RECORDS answer re-encodes every record as protobuf, which for small
 * records is larger than the batch, and grpc-js refuses to send more than fetchBytesMax + 1 MiB.
 * A client generated from proto/ that asks for a large fetch (any value it is allowed to ask
 * for) gets RESOURCE_EXHAUSTED for ever at that offset instead of a smaller answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../src/protocol/record-batch.js';
import { startBroker, type RunningBroker } from '../../src/server/run.js';
import { DEFAULT_BROKER_CONFIG } from '../../src/server/config.js';
import { silentLogger } from '../../src/util/ports.js';
import { connectStubs, unary, type Stubs } from '../support/grpc-stubs.js';
import { removeDirectory, temporaryDirectory } from '../support/broker-process.js';

let running: RunningBroker;
let stubs: Stubs;
let dataDir: string;

beforeAll(async () => {
  dataDir = temporaryDirectory('brook-regression-');
  running = await startBroker(
    { ...DEFAULT_BROKER_CONFIG, dataDir, listen: '127.0.0.1:0' },
    silentLogger,
  );
  stubs = connectStubs(running.address, { 'grpc.max_receive_message_length': 256 * 1024 * 1024 });
});

afterAll(async () => {
  stubs.close();
  await running.stop();
  removeDirectory(dataDir);
});

describe('regression: records-format fetch of many small records', () => {
  it('answers a 16 MiB records-format fetch (with fewer records if need be)', async () => {
    await unary(stubs.admin, 'CreateTopic', { name: 'tiny', partitions: 1 });
    const records = Array.from({ length: 60_000 }, (_, index) => ({
      value: Buffer.from([index % 256]),
      timestamp: 1_700_000_000_000 + index,
    }));
    const batch = await encodeBatch(records, { defaultTimestamp: 1_700_000_000_000 });
    expect(batch.length).toBeLessThan(1024 * 1024);
    let stored = 0;
    while (stored < 17 * 1024 * 1024) {
      await unary(stubs.data, 'Produce', { topic: 'tiny', batches: batch }, { deadlineMs: 60_000 });
      stored += batch.length;
    }
    const outcome = await unary(
      stubs.data,
      'Fetch',
      { topic: 'tiny', offset: 0, maxBytes: 16 * 1024 * 1024, format: 'RECORD_FORMAT_RECORDS' },
      { deadlineMs: 60_000 },
    ).then(
      (response) => `records ${response.records.length}`,
      (error: unknown) => String(error),
    );
    expect(outcome).toMatch(/^records \d+$/);
  }, 120_000);
});
