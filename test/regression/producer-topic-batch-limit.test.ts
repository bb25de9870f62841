/**
 * Regression test; the bug it guards against (found in review, now fixed): the producer checks each record against the topic's max.message.bytes, but fills
 * batches up to its own `batchBytes` (default 1 MiB - 4 KiB) whatever the topic allows. On a
 * topic with a smaller max.message.bytes, records that are each fine are refused together
 * with RECORD_TOO_LARGE (non-retriable; the producer does not split), so `brook produce` and
 * any client fail on such a topic as soon as two records share a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Brook } from '../../src/client/index.js';
import {
  removeDirectory,
  startBroker,
  stopAllBrokers,
  type BrokerProcess,
} from '../support/broker-process.js';

let broker: BrokerProcess;
let brook: Brook;

beforeAll(async () => {
  broker = await startBroker();
  brook = new Brook({ bootstrap: [broker.address] });
});

afterAll(async () => {
  await brook.close();
  await broker.stop();
  await stopAllBrokers();
  removeDirectory(broker.dataDir);
});

describe('regression: producer batches vs the topic max.message.bytes', () => {
  it('sends 100 records of 500 bytes to a topic that accepts 16 KiB batches', async () => {
    await brook.admin().createTopic('small-batches', {
      partitions: 1,
      configs: { 'max.message.bytes': String(16 * 1024) },
    });
    const producer = brook.producer({ lingerMs: 50 });
    const outcome = await producer
      .sendMany(
        Array.from({ length: 100 }, (_, index) => ({
          topic: 'small-batches',
          value: Buffer.alloc(500, index % 256),
        })),
      )
      .then(
        (results) => `sent ${results.length}`,
        (error: unknown) => String(error),
      );
    expect(outcome).toBe('sent 100');
  });
});
