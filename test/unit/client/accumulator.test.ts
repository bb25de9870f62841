import { describe, expect, it } from 'vitest';
import { RecordAccumulator, type ResultSink } from '../../../src/client/accumulator.js';
import { BATCH_HEADER_BYTES } from '../../../src/protocol/record-batch.js';

const sink: ResultSink = { succeed: () => undefined, fail: () => undefined };
const record = { key: null, value: Buffer.from('v') };

function accumulator(
  batchBytes = 1000,
  lingerMs = 5,
  maxInFlightPerPartition = 1,
): RecordAccumulator {
  return new RecordAccumulator({ batchBytes, lingerMs, maxInFlightPerPartition });
}

describe('RecordAccumulator', () => {
  it('keeps a partial batch until it has lingered', () => {
    const records = accumulator(1000, 5);
    records.append('t', 0, record, 100, sink, 0, 1_000);
    expect(records.ready(1_004, false)).toHaveLength(0);
    expect(records.nextLingerDeadlineMs()).toBe(1_005);
    const [queue] = records.ready(1_005, false);
    expect(queue?.partition).toBe(0);
  });

  it('makes a full batch ready at once and opens the next one', () => {
    const records = accumulator(BATCH_HEADER_BYTES + 300, 1_000);
    for (let index = 0; index < 4; index++) records.append('t', 0, record, 100, sink, index, 0);
    const [queue] = records.ready(0, false);
    expect(queue).toBeDefined();
    if (queue === undefined) return;
    expect(queue.batches.map((batch) => batch.records.length)).toEqual([3, 1]);
    // Only the closed batch leaves; the open one keeps lingering.
    const drained = records.drain(queue, 10_000, 0, false);
    expect(drained.map((batch) => batch.records.length)).toEqual([3]);
    expect(records.ready(0, false)).toHaveLength(0);
    expect(records.ready(0, true)).toHaveLength(1);
  });

  it('reports when an append would open a new batch', () => {
    const records = accumulator(BATCH_HEADER_BYTES + 250);
    expect(records.opensNewBatch('t', 0, 100)).toBe(true);
    records.append('t', 0, record, 100, sink, 0, 0);
    expect(records.opensNewBatch('t', 0, 100)).toBe(false);
    records.append('t', 0, record, 100, sink, 1, 0);
    expect(records.opensNewBatch('t', 0, 100)).toBe(true);
    expect(records.opensNewBatch('t', 1, 1)).toBe(true);
  });

  it('gives a record larger than batchBytes a batch of its own', () => {
    const records = accumulator(BATCH_HEADER_BYTES + 100);
    records.append('t', 0, record, 10, sink, 0, 0);
    records.append('t', 0, record, 5_000, sink, 1, 0);
    records.append('t', 0, record, 10, sink, 2, 0);
    const queue = records.queue('t', 0);
    expect(queue.batches.map((batch) => batch.records.length)).toEqual([1, 1, 1]);
    expect(queue.batches[1]?.full).toBe(true);
  });

  it('keeps append order within a partition across batches', () => {
    const records = accumulator(BATCH_HEADER_BYTES + 200, 0);
    for (let index = 0; index < 10; index++) records.append('t', 0, record, 100, sink, index, 0);
    const queue = records.queue('t', 0);
    const drained = records.drain(queue, Number.MAX_SAFE_INTEGER, 0, false);
    expect(drained.flatMap((batch) => batch.indexes)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(records.isEmpty).toBe(true);
  });

  it('drains as many batches as fit in a request, at least one', () => {
    const records = accumulator(BATCH_HEADER_BYTES + 100, 0);
    for (let index = 0; index < 6; index++) records.append('t', 0, record, 100, sink, index, 0);
    const queue = records.queue('t', 0);
    const perBatch = BATCH_HEADER_BYTES + 100;
    expect(records.drain(queue, perBatch * 2, 0, false)).toHaveLength(2);
    expect(records.drain(queue, 1, 0, false)).toHaveLength(1);
    expect(records.drain(queue, perBatch * 10, 0, false)).toHaveLength(3);
  });

  it('holds back a partition at its in-flight limit, also from linger deadlines', () => {
    const records = accumulator(1000, 5, 1);
    records.append('t', 0, record, 10, sink, 0, 0);
    records.append('t', 1, record, 10, sink, 0, 3);
    const queue = records.queue('t', 0);
    queue.inFlight = 1;
    expect(records.ready(100, true).map((ready) => ready.partition)).toEqual([1]);
    expect(records.nextLingerDeadlineMs()).toBe(8);
    queue.inFlight = 0;
    expect(records.nextLingerDeadlineMs()).toBe(5);
  });

  it('flushing makes every partition ready regardless of linger', () => {
    const records = accumulator(1000, 60_000);
    records.append('a', 0, record, 10, sink, 0, 0);
    records.append('b', 2, record, 10, sink, 0, 0);
    expect(records.ready(1, false)).toHaveLength(0);
    expect(records.ready(1, true)).toHaveLength(2);
    expect(records.takeAll()).toHaveLength(2);
    expect(records.isEmpty).toBe(true);
  });
});
