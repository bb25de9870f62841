/**
 * Regression test; the bug it guards against (found in review, now fixed): Consumer.fail keeps only the first partition error (`this.failure ??= error`). When two
 * partitions fail before the iterator throws, the second error is dropped, that partition's
 * fetcher has already stopped, and the iterator then waits forever: the partition is silently
 * dead (records produced to it are never delivered) and the application is never told.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Brook } from '../../src/client/index.js';
import { isBrookError } from '../../src/protocol/errors.js';
import { FakeBroker } from '../unit/client/fake-broker.js';

let broker: FakeBroker;
let brook: Brook;

beforeEach(async () => {
  broker = await new FakeBroker().start();
  broker.createTopic('events', 2);
  brook = new Brook({ bootstrap: [broker.address], retry: { retries: 0 } });
});

afterEach(async () => {
  await brook.close();
  await broker.stop();
});

describe('regression: consumer with two failing partitions', () => {
  it('reports the second partition failure too (or keeps delivering it)', async () => {
    const consumer = brook.consumer({ maxWaitMs: 100 });
    await consumer.assign([
      { topic: 'events', partition: 0, from: { offset: 1_000 } },
      { topic: 'events', partition: 1, from: { offset: 1_000 } },
    ]);
    // Both fetches fail while the application is busy elsewhere (not inside next()).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const iterator = consumer[Symbol.asyncIterator]();
    const first = await iterator.next().catch((error: unknown) => error);
    expect(isBrookError(first, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    // The application handles it for the partition named in the error... (both are in this
    // state; whichever it was, the other one must still surface).
    const second = await Promise.race([
      iterator.next().then(
        () => 'record',
        (error: unknown) => (isBrookError(error) ? error.code : String(error)),
      ),
      new Promise((resolve) => setTimeout(() => resolve('nothing: the error was lost'), 1_500)),
    ]);
    expect(second).toBe('OFFSET_OUT_OF_RANGE');
    await consumer.close();
  });
});
