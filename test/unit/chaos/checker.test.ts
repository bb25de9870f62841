/**
 * The chaos history checker on hand-made histories: one (or more) per anomaly of
 * reliability.md §2.5 and §7.3, the verdict rules, and the info/fail semantics of §2.4.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../chaos/checker.js';
import type { Anomaly, AnomalyType, CheckInput, CheckResult } from '../../chaos/checker.js';
import type { ClientEvent, HistoryEvent, Key, MicroOp, Value } from '../../chaos/history.js';

type Completion = 'ok' | 'fail' | 'info';
/** `[offset, value]` as read by a poll. */
type Pair = readonly [number, Value];
/** `[key, value, offset]` of one send micro-op. */
type Send = readonly [Key, Value, number | null];

/** Builds a history one event at a time; `index` and `time` follow the order of the calls. */
class HistoryBuilder {
  readonly events: HistoryEvent[] = [];

  private push(event: Pick<ClientEvent, 'process' | 'type' | 'f' | 'value'>): this {
    const index = this.events.length;
    this.events.push({ index, time: index * 1000, ...event });
    return this;
  }

  invokeSends(process: number, sends: readonly Send[]): this {
    const value: MicroOp[] = sends.map(([key, v]) => ['send', key, v] as const);
    return this.push({ process, type: 'invoke', f: 'send', value });
  }

  completeSends(process: number, type: Completion, sends: readonly Send[]): this {
    const value: MicroOp[] = sends.map(([key, v, offset]) => ['send', key, [offset, v]] as const);
    return this.push({ process, type, f: 'send', value });
  }

  /** One op sending several micro-ops, invoked and completed back to back. */
  sends(process: number, sends: readonly Send[], type: Completion = 'ok'): this {
    return this.invokeSends(process, sends).completeSends(process, type, sends);
  }

  send(process: number, key: Key, value: Value, offset: number | null, type: Completion = 'ok') {
    return this.sends(process, [[key, value, offset]], type);
  }

  invokePoll(process: number): this {
    return this.push({ process, type: 'invoke', f: 'poll', value: [['poll']] });
  }

  completePoll(process: number, type: Completion, reads: Record<number, readonly Pair[]>): this {
    return this.push({ process, type, f: 'poll', value: [['poll', reads]] });
  }

  poll(process: number, reads: Record<number, readonly Pair[]>, type: Completion = 'ok'): this {
    return this.invokePoll(process).completePoll(process, type, reads);
  }

  assign(process: number, keys: readonly Key[], type: Completion = 'ok'): this {
    this.push({ process, type: 'invoke', f: 'assign', value: keys });
    return this.push({ process, type, f: 'assign', value: keys });
  }

  nemesis(f: string, value: unknown): this {
    const index = this.events.length;
    this.events.push({ index, time: index * 1000, process: 'nemesis', type: 'info', f, value });
    return this;
  }

  /** Key `key` written with values 1..count at offsets 0..count-1 by process `process`. */
  writeSequence(process: number, key: Key, count: number): this {
    for (let value = 1; value <= count; value++) this.send(process, key, value, value - 1);
    return this;
  }
}

function history(): HistoryBuilder {
  return new HistoryBuilder();
}

/** `[[0, 1], [1, 2], ...]`: values from..to at offsets from-1..to-1. */
function pairs(from: Value, to: Value): Pair[] {
  const out: Pair[] = [];
  for (let value = from; value <= to; value++) out.push([value - 1, value]);
  return out;
}

function check(builder: HistoryBuilder, overrides: Partial<CheckInput> = {}): CheckResult {
  return checkHistory({
    history: builder.events,
    replicas: [],
    drainFinished: true,
    faultEvidence: ['leader of key 0 changed'],
    minOkOps: 0,
    ...overrides,
  });
}

function ofType(result: CheckResult, type: AnomalyType): Anomaly[] {
  return result.anomalies.filter((anomaly) => anomaly.type === type);
}

function typesOf(result: CheckResult): AnomalyType[] {
  return [...new Set(result.anomalies.map((anomaly) => anomaly.type))].sort();
}

describe('a clean history', () => {
  it('passes, with nemesis events dropped', () => {
    const h = history()
      .assign(1, [0, 3])
      .nemesis('kill', { brokers: [2] })
      .writeSequence(0, 0, 3)
      .writeSequence(2, 3, 2)
      .nemesis('restart', { brokers: [2] })
      .poll(1, { 0: pairs(1, 2), 3: pairs(1, 2) })
      .poll(1, { 0: pairs(3, 3) });
    const result = check(h, {
      replicas: [
        { key: 0, broker: 1, highWatermark: 3, digest: 'a' },
        { key: 0, broker: 2, highWatermark: 3, digest: 'a' },
        { key: 3, broker: 1, highWatermark: 2, digest: 'b' },
        { key: 3, broker: 3, highWatermark: 2, digest: 'b' },
      ],
    });
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe('PASS');
    expect(result.reasons).toEqual([]);
    expect(result.okOps).toBe(8);
    expect(result.failOps).toBe(0);
    expect(result.infoOps).toBe(0);
    expect(Object.values(result.counts).every((count) => count === 0)).toBe(true);
  });

  it('counts fail and info completions', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(0, 0, 2, null, 'fail')
      .send(0, 0, 3, null, 'info')
      .poll(1, { 0: pairs(1, 1) });
    const result = check(h);
    expect(result).toMatchObject({ verdict: 'PASS', okOps: 2, failOps: 1, infoOps: 1 });
  });
});

describe('inconsistent-offsets and duplicate (§2.5 items 1-2)', () => {
  it('reports two values at one offset', () => {
    const h = history()
      .send(0, 2, 1, 0)
      .send(1, 2, 2, 0)
      .poll(3, { 2: [[0, 1]] });
    const result = check(h);
    expect(ofType(result, 'inconsistent-offsets')).toEqual([
      {
        type: 'inconsistent-offsets',
        key: 2,
        detail: { key: 2, offset: 0, index: 0, values: [1, 2] },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('reports one value at two offsets', () => {
    const h = history()
      .send(0, 1, 7, 0)
      .poll(3, { 1: [[4, 7]] });
    const result = check(h);
    expect(ofType(result, 'duplicate')).toEqual([
      { type: 'duplicate', key: 1, detail: { key: 1, value: 7, count: 2, offsets: [0, 4] } },
    ]);
    expect(result.verdict).toBe('FAIL');
  });
});

describe('G1a (§2.5 item 3)', () => {
  it('reports a definitely failed send read by an ok poll', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(0, 0, 2, null, 'fail')
      .poll(1, { 0: pairs(1, 2) });
    const result = check(h);
    expect(typesOf(result)).toEqual(['G1a']);
    expect(ofType(result, 'G1a')).toEqual([
      { type: 'G1a', key: 0, detail: { key: 0, value: 2, offset: 1, writer: 3, reader: 5 } },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('accepts a failed send that nobody reads', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(0, 0, 2, null, 'fail')
      .send(0, 0, 3, 1)
      .poll(1, {
        0: [
          [0, 1],
          [1, 3],
        ],
      });
    expect(check(h).verdict).toBe('PASS');
  });

  it('does not count a failed send read only by a failed poll', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(0, 0, 2, null, 'fail')
      .poll(1, { 0: pairs(1, 2) }, 'fail')
      .poll(2, { 0: pairs(1, 1) });
    expect(ofType(check(h), 'G1a')).toEqual([]);
  });

  it('reports a value that no send ever carried, with no writer', () => {
    const h = history()
      .send(0, 4, 1, 0)
      .poll(1, {
        4: [
          [0, 1],
          [1, 99],
        ],
      });
    expect(ofType(check(h), 'G1a')).toEqual([
      { type: 'G1a', key: 4, detail: { key: 4, value: 99, offset: 1, writer: null, reader: 3 } },
    ]);
  });
});

describe('lost-write (§2.5 item 5)', () => {
  it('reports an acknowledged write below a value some ok poll read', () => {
    const h = history()
      .writeSequence(0, 5, 3)
      .poll(1, { 5: pairs(1, 1) })
      .poll(2, { 5: pairs(3, 3) });
    const result = check(h);
    expect(ofType(result, 'lost-write')).toEqual([
      {
        type: 'lost-write',
        key: 5,
        detail: { key: 5, value: 2, index: 1, maxReadIndex: 2, maxReadValue: 3, writer: 3 },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('reports a write at an offset no poll reached only as unseen, not lost', () => {
    const h = history()
      .writeSequence(0, 0, 3)
      .poll(1, { 0: pairs(1, 2) });
    const result = check(h);
    expect(typesOf(result)).toEqual(['unseen']);
  });

  it('counts an info send as committed once an ok poll read one of its writes', () => {
    // Op 0 is info; an ok poll of key 1 proves it committed, so its value 2 on key 0 is lost:
    // key 0's value 2 was read only by an info poll, below value 3 that an ok poll read.
    const h = history()
      .send(0, 0, 1, 0)
      .sends(
        1,
        [
          [0, 2, null],
          [1, 7, null],
        ],
        'info',
      )
      .send(2, 0, 3, 2)
      .poll(3, { 0: pairs(1, 2) }, 'info')
      .poll(4, { 0: pairs(1, 1), 1: [[0, 7]] })
      .poll(5, { 0: pairs(3, 3) });
    const result = check(h);
    expect(ofType(result, 'lost-write')).toEqual([
      {
        type: 'lost-write',
        key: 0,
        detail: { key: 0, value: 2, index: 1, maxReadIndex: 2, maxReadValue: 3, writer: 3 },
      },
    ]);
  });

  it('does not count an info send nobody ok-read as committed', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(1, 0, 2, null, 'info')
      .send(2, 0, 3, 2)
      .poll(3, { 0: pairs(1, 2) }, 'info')
      .poll(4, { 0: pairs(1, 1) })
      .poll(5, { 0: pairs(3, 3) });
    expect(ofType(check(h), 'lost-write')).toEqual([]);
  });

  it('accepts an info send that an ok poll read', () => {
    const h = history()
      .send(0, 0, 1, 0)
      .send(1, 0, 2, null, 'info')
      .send(2, 0, 3, 2)
      .poll(3, { 0: pairs(1, 3) });
    expect(check(h).verdict).toBe('PASS');
  });
});

describe('poll-skip and nonmonotonic-poll (§2.5 item 6)', () => {
  it('reports a process skipping values between two polls', () => {
    const h = history()
      .writeSequence(0, 0, 4)
      .poll(1, { 0: pairs(1, 1) })
      .poll(1, { 0: pairs(4, 4) })
      .poll(2, { 0: pairs(1, 4) });
    const result = check(h);
    expect(typesOf(result)).toEqual(['poll-skip']);
    expect(ofType(result, 'poll-skip')).toEqual([
      {
        type: 'poll-skip',
        key: 0,
        detail: {
          key: 0,
          delta: 3,
          values: [1, 4],
          skipped: { values: [2, 3], count: 2 },
          ops: [9, 11],
        },
      },
    ]);
  });

  it('reports a process reading backwards or re-reading a value', () => {
    const h = history()
      .writeSequence(0, 6, 3)
      .poll(1, { 6: pairs(1, 2) })
      .poll(1, { 6: pairs(2, 3) })
      .poll(1, { 6: pairs(1, 3) });
    const result = check(h);
    expect(typesOf(result)).toEqual(['nonmonotonic-poll']);
    expect(ofType(result, 'nonmonotonic-poll').map((anomaly) => anomaly.detail)).toEqual([
      { key: 6, values: [2, 2], delta: 0, ops: [7, 9] },
      { key: 6, values: [3, 1], delta: -2, ops: [9, 11] },
    ]);
  });

  it('does not advance on fail or info polls, but checks them', () => {
    const h = history()
      .writeSequence(0, 0, 3)
      .poll(1, { 0: pairs(1, 1) })
      .poll(1, { 0: pairs(2, 3) }, 'info')
      .poll(1, { 0: pairs(2, 3) }, 'fail')
      .poll(1, { 0: pairs(2, 3) });
    expect(check(h).verdict).toBe('PASS');
    const skipping = history()
      .writeSequence(0, 0, 3)
      .poll(1, { 0: pairs(1, 1) })
      .poll(1, { 0: pairs(3, 3) }, 'info')
      .poll(2, { 0: pairs(1, 3) });
    expect(ofType(check(skipping), 'poll-skip')).toHaveLength(1);
  });

  it('forgets keys an ok or info assign leaves out, not those it keeps or a failed assign', () => {
    const rewind = (assigned: readonly Key[], type: Completion): CheckResult =>
      check(
        history()
          .writeSequence(0, 0, 2)
          .poll(1, { 0: pairs(1, 2) })
          .assign(1, assigned, type)
          .poll(1, { 0: pairs(1, 2) }),
      );
    expect(rewind([1], 'ok').verdict).toBe('PASS');
    expect(rewind([1], 'info').verdict).toBe('PASS');
    expect(typesOf(rewind([1], 'fail'))).toEqual(['nonmonotonic-poll']);
    expect(typesOf(rewind([0, 1], 'ok'))).toEqual(['nonmonotonic-poll']);
  });

  it('keeps each process apart', () => {
    const h = history()
      .writeSequence(0, 0, 2)
      .poll(1, { 0: pairs(1, 2) })
      .poll(2, { 0: pairs(1, 2) });
    expect(check(h).verdict).toBe('PASS');
  });
});

describe('nonmonotonic-send (§2.5 item 7)', () => {
  it('reports a process whose later send lands before its earlier one', () => {
    const h = history()
      .send(0, 3, 1, null)
      .send(0, 3, 2, null)
      .poll(1, {
        3: [
          [0, 2],
          [1, 1],
        ],
      });
    const result = check(h);
    expect(ofType(result, 'nonmonotonic-send')).toEqual([
      {
        type: 'nonmonotonic-send',
        key: 3,
        detail: { key: 3, values: [1, 2], delta: -1, ops: [1, 3] },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('ignores failed sends and sends whose place is unknown', () => {
    const h = history()
      .send(0, 3, 1, 1)
      .send(0, 3, 2, null, 'fail')
      .send(0, 3, 3, null, 'info')
      .send(0, 3, 4, 2)
      .poll(1, {
        3: [
          [1, 1],
          [2, 4],
        ],
      });
    expect(check(h).verdict).toBe('PASS');
  });
});

describe('within one op (§2.5 items 8-9)', () => {
  it('reports int-poll-skip', () => {
    const h = history()
      .writeSequence(0, 0, 3)
      .poll(1, {
        0: [
          [0, 1],
          [2, 3],
        ],
      })
      .poll(2, { 0: pairs(1, 3) });
    const result = check(h);
    expect(typesOf(result)).toEqual(['int-poll-skip']);
    expect(ofType(result, 'int-poll-skip')[0]).toEqual({
      type: 'int-poll-skip',
      key: 0,
      detail: { key: 0, values: [1, 3], delta: 2, skipped: { values: [2], count: 1 }, op: 7 },
    });
  });

  it('reports int-nonmonotonic-poll', () => {
    const h = history()
      .writeSequence(0, 1, 2)
      .poll(1, {
        1: [
          [1, 2],
          [0, 1],
        ],
      });
    const result = check(h);
    expect(typesOf(result)).toEqual(['int-nonmonotonic-poll']);
    expect(ofType(result, 'int-nonmonotonic-poll')[0]).toMatchObject({
      key: 1,
      detail: { values: [2, 1], delta: -1 },
    });
  });

  it('counts int-send-skip but allows it', () => {
    // Process 1's send lands between the two sends of process 0's op.
    const h = history()
      .invokeSends(0, [
        [0, 1, null],
        [0, 3, null],
      ])
      .send(1, 0, 2, 1)
      .completeSends(0, 'ok', [
        [0, 1, 0],
        [0, 3, 2],
      ])
      .poll(2, { 0: pairs(1, 3) });
    const result = check(h);
    expect(ofType(result, 'int-send-skip')).toEqual([
      {
        type: 'int-send-skip',
        key: 0,
        detail: { key: 0, values: [1, 3], delta: 2, skipped: { values: [2], count: 1 }, op: 3 },
      },
    ]);
    expect(result.counts['int-send-skip']).toBe(1);
    expect(result.verdict).toBe('PASS');
  });

  it('reports int-nonmonotonic-send', () => {
    const h = history()
      .sends(0, [
        [2, 1, 1],
        [2, 2, 0],
      ])
      .poll(1, {
        2: [
          [0, 2],
          [1, 1],
        ],
      });
    const result = check(h);
    expect(ofType(result, 'int-nonmonotonic-send')).toEqual([
      {
        type: 'int-nonmonotonic-send',
        key: 2,
        detail: { key: 2, values: [1, 2], delta: -1, op: 1 },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });
});

describe('realtime-offset-order (§7.3)', () => {
  it('reports a send invoked after another completed that got a lower offset', () => {
    const h = history().send(0, 7, 1, 5).send(1, 7, 2, 3);
    const result = check(h);
    expect(ofType(result, 'realtime-offset-order')).toEqual([
      {
        type: 'realtime-offset-order',
        key: 7,
        detail: {
          key: 7,
          earlier: { op: 1, value: 1, offset: 5 },
          later: { op: 3, value: 2, offset: 3 },
        },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('places an info send where a poll saw it', () => {
    const h = history()
      .send(0, 7, 1, 5)
      .send(1, 7, 2, null, 'info')
      .poll(
        2,
        {
          7: [
            [3, 2],
            [5, 1],
          ],
        },
        'info',
      );
    expect(ofType(check(h), 'realtime-offset-order')).toHaveLength(1);
  });

  it('allows concurrent sends in either order', () => {
    const h = history()
      .invokeSends(0, [[7, 1, null]])
      .invokeSends(1, [[7, 2, null]])
      .completeSends(0, 'ok', [[7, 1, 1]])
      .completeSends(1, 'ok', [[7, 2, 0]])
      .poll(2, {
        7: [
          [0, 2],
          [1, 1],
        ],
      });
    expect(check(h).verdict).toBe('PASS');
  });
});

describe('unseen (§2.5 item 11)', () => {
  it('reports acknowledged values no ok poll returned by the end', () => {
    const h = history()
      .writeSequence(0, 9, 3)
      .poll(1, { 9: pairs(1, 1) })
      .poll(2, { 9: pairs(1, 2) }, 'info');
    const result = check(h);
    expect(ofType(result, 'unseen')).toEqual([
      { type: 'unseen', key: 9, detail: { key: 9, count: 2, values: [2, 3] } },
    ]);
    expect(result.verdict).toBe('FAIL');
  });
});

describe('replica-divergence (§7.3)', () => {
  const clean = history()
    .writeSequence(0, 0, 2)
    .poll(1, { 0: pairs(1, 2) });

  it('reports replicas at the same high watermark with different digests', () => {
    const result = check(clean, {
      replicas: [
        { key: 0, broker: 1, highWatermark: 2, digest: 'aa' },
        { key: 0, broker: 2, highWatermark: 2, digest: 'aa' },
        { key: 0, broker: 3, highWatermark: 2, digest: 'bb' },
      ],
    });
    expect(ofType(result, 'replica-divergence')).toEqual([
      {
        type: 'replica-divergence',
        key: 0,
        detail: {
          key: 0,
          reason: 'digests differ',
          highWatermark: 2,
          digests: { 1: 'aa', 2: 'aa', 3: 'bb' },
        },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });

  it('reports replicas at different high watermarks as not settled', () => {
    const result = check(clean, {
      replicas: [
        { key: 0, broker: 1, highWatermark: 2, digest: 'aa' },
        { key: 0, broker: 2, highWatermark: 1, digest: 'cc' },
      ],
    });
    expect(ofType(result, 'replica-divergence')).toEqual([
      {
        type: 'replica-divergence',
        key: 0,
        detail: { key: 0, reason: 'not settled', highWatermarks: { 1: 2, 2: 1 } },
      },
    ]);
    expect(result.verdict).toBe('FAIL');
  });
});

describe('verdict', () => {
  const clean = history()
    .writeSequence(0, 0, 2)
    .poll(1, { 0: pairs(1, 2) });

  it('is UNKNOWN when the fault left no evidence', () => {
    const result = check(clean, { faultEvidence: [] });
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toEqual(['the fault left no evidence it took effect']);
  });

  it('is UNKNOWN with fewer ok ops than the minimum (100 by default)', () => {
    const { minOkOps: _, ...input } = {
      history: clean.events,
      replicas: [],
      drainFinished: true,
      faultEvidence: ['leader change'],
      minOkOps: 0,
    };
    const result = checkHistory(input);
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toEqual(['only 3 ok ops (< 100)']);
    expect(check(clean, { minOkOps: 3 }).verdict).toBe('PASS');
    expect(check(clean, { minOkOps: 4 }).verdict).toBe('UNKNOWN');
  });

  it('is UNKNOWN when the drain did not finish', () => {
    const result = check(clean, { drainFinished: false });
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toHaveLength(1);
  });

  it('is UNKNOWN, not a crash, when an op never completed', () => {
    const h = history()
      .writeSequence(0, 0, 2)
      .invokeSends(2, [[0, 3, null]])
      .poll(1, { 0: pairs(1, 2) });
    const result = check(h);
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toContain('op 4 (process 2) never completed');
  });

  it('analyses a never-completed send as info: read by an ok poll, it is no phantom', () => {
    const h = history()
      .invokeSends(2, [[0, 1, null]])
      .poll(1, { 0: pairs(1, 1) });
    const result = check(h);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe('UNKNOWN');
  });

  it('is UNKNOWN on a completion without an invoke or a malformed event', () => {
    const orphan = history()
      .writeSequence(0, 0, 1)
      .completePoll(1, 'ok', { 0: pairs(1, 1) });
    const orphaned = check(orphan);
    expect(orphaned.verdict).toBe('UNKNOWN');
    expect(orphaned.reasons).toContain('op 2: ok from process 1, no invoke');
    const malformed = history()
      .writeSequence(0, 0, 1)
      .poll(1, { 0: pairs(1, 1) });
    malformed.events.push({
      index: 4,
      time: 0,
      process: 1,
      type: 'ok',
      f: 'poll',
      value: 'x',
    } as unknown as HistoryEvent);
    const result = check(malformed);
    expect(result.verdict).toBe('UNKNOWN');
    expect(result.reasons).toContain('event 4: value is not a list');
  });

  it('is UNKNOWN when replicas are required but missing', () => {
    expect(check(clean, { requireReplicas: true }).verdict).toBe('UNKNOWN');
    const partial = check(clean, {
      requireReplicas: true,
      replicas: [{ key: 1, broker: 1, highWatermark: 0, digest: '' }],
    });
    expect(partial.reasons).toEqual(['no replica snapshot for keys 0']);
  });

  it('is FAIL rather than UNKNOWN when an anomaly is found', () => {
    const h = history().send(0, 0, 1, 0);
    const result = check(h, { faultEvidence: [], drainFinished: false });
    expect(result.verdict).toBe('FAIL');
    expect(result.reasons[0]).toBe('unseen: 1');
  });

  it('lists a bounded number of anomalies per type but counts them all', () => {
    const h = history();
    for (let key = 0; key < 5; key++) h.send(0, key, 1, 0);
    const result = check(h, { anomaliesPerTypeMax: 2 });
    expect(result.counts.unseen).toBe(5);
    expect(ofType(result, 'unseen')).toHaveLength(2);
    expect(result.reasons).toContain('unseen: listed 2 of 5');
  });
});

describe('scale', () => {
  it('checks a history of 100k events (a chaos run of a few minutes)', () => {
    const h = history();
    const keys = 8;
    const valuesPerKey = 3125;
    for (let value = 1; value <= valuesPerKey; value++) {
      for (let key = 0; key < keys; key++) {
        h.send(key, key, value, value - 1);
        h.poll(100 + key, { [key]: [[value - 1, value]] });
      }
    }
    expect(h.events).toHaveLength(100_000);
    const result = check(h, { minOkOps: 50_000 });
    expect(result.verdict).toBe('PASS');
    expect(result.okOps).toBe(50_000);
  });
});
