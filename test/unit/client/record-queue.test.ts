import { describe, expect, it } from 'vitest';
import { RecordQueue, type PartitionCursor } from '../../../src/client/record-queue.js';
import type { ConsumerRecord } from '../../../src/client/types.js';

function records(partition: number, offsets: readonly number[]): ConsumerRecord[] {
  return offsets.map((offset) => ({
    topic: 't',
    partition,
    offset,
    timestamp: 0,
    key: null,
    value: Buffer.from(`${partition}:${offset}`),
    headers: [],
  }));
}

function drain(queue: RecordQueue): string[] {
  const out: string[] = [];
  for (let record = queue.shift(); record !== undefined; record = queue.shift()) {
    out.push(`${record.partition}:${record.offset}`);
  }
  return out;
}

describe('RecordQueue', () => {
  it('yields chunks in arrival order and moves each partition position', () => {
    const queue = new RecordQueue(1_000);
    const zero: PartitionCursor = { position: 0, epoch: 0 };
    const one: PartitionCursor = { position: 5, epoch: 0 };
    queue.push(zero, 0, records(0, [0, 1]), 10);
    queue.push(one, 0, records(1, [5, 6]), 10);
    queue.push(zero, 0, records(0, [2]), 10);
    expect(drain(queue)).toEqual(['0:0', '0:1', '1:5', '1:6', '0:2']);
    expect(zero.position).toBe(3);
    expect(one.position).toBe(7);
    expect(queue.bufferedBytes).toBe(0);
  });

  it('skips records below the position', () => {
    const queue = new RecordQueue(1_000);
    const cursor: PartitionCursor = { position: 12, epoch: 0 };
    queue.push(cursor, 0, records(0, [10, 11, 12, 13]), 10);
    expect(drain(queue)).toEqual(['0:12', '0:13']);
  });

  it('drops chunks fetched under an older epoch (before a seek)', () => {
    const queue = new RecordQueue(1_000);
    const cursor: PartitionCursor = { position: 0, epoch: 0 };
    queue.push(cursor, 0, records(0, [0, 1, 2]), 10);
    cursor.epoch = 1;
    cursor.position = 100;
    queue.push(cursor, 0, records(0, [1]), 10);
    queue.push(cursor, 1, records(0, [100, 101]), 10);
    expect(drain(queue)).toEqual(['0:100', '0:101']);
  });

  it('asks writers to wait while the buffer is at capacity, and wakes them as it drains', async () => {
    const queue = new RecordQueue(100);
    const cursor: PartitionCursor = { position: 0, epoch: 0 };
    queue.push(cursor, 0, records(0, [0]), 60);
    await queue.waitForRoom();
    queue.push(cursor, 0, records(0, [1]), 60);
    let woken = false;
    const waiting = queue.waitForRoom().then(() => {
      woken = true;
    });
    await Promise.resolve();
    expect(woken).toBe(false);
    expect(queue.shift()?.offset).toBe(0);
    await waiting;
    expect(woken).toBe(true);
  });

  it('drop() releases one partition and close() wakes everyone', async () => {
    const queue = new RecordQueue(100);
    const zero: PartitionCursor = { position: 0, epoch: 0 };
    const one: PartitionCursor = { position: 0, epoch: 0 };
    queue.push(zero, 0, records(0, [0]), 80);
    queue.push(one, 0, records(1, [0]), 80);
    queue.drop(zero);
    expect(queue.bufferedBytes).toBe(80);
    expect(drain(queue)).toEqual(['1:0']);
    const reader = queue.waitForRecords();
    queue.close();
    await reader;
    expect(queue.shift()).toBeUndefined();
  });
});
