/**
 * Seeded random operations on a PartitionLog, checked against a plain in-memory model after
 * every step: appends (leader and follower style, concurrent, some compressed), flushes,
 * reads with random budgets and bounds, timestamp lookups, termAt, truncation at both ends,
 * retention, rolls through tiny segments, config changes, clean reopen, and power losses with
 * torn writes, between operations or at a random file operation inside one (an append that
 * rolls, a truncation, retention, a flush). After a crash the recovered log must hold, byte
 * for byte and with no garbage, a contiguous run of the batches appended so far, everything
 * the log had reported durable, and a log start no lower than before; then the run goes on.
 *
 * Replay a failure: STORAGE_FUZZ_SEED=<seed> npx vitest run test/unit/storage/partition-log.fuzz
 * More seeds: STORAGE_FUZZ_SEEDS=<count> (and STORAGE_FUZZ_STEPS=<steps per seed>).
 */
import { describe, expect, it } from 'vitest';
import { Compression } from '../../../src/protocol/compression.js';
import { encodeBatch } from '../../../src/protocol/record-batch.js';
import type { PartitionLog } from '../../../src/storage/partition-log.js';
import { silentLogger } from '../../../src/util/ports.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MemoryFileSystem } from '../../support/memory-file-system.js';
import { SeededRandom } from '../../support/seeded-random.js';
import { BASE_TIME_MS, openLog } from './fixtures.js';

const environment = process.env;
const fixedSeed = environment['STORAGE_FUZZ_SEED'];
const seedCount = Number(environment['STORAGE_FUZZ_SEEDS'] ?? 100);
const stepsPerSeed = Number(environment['STORAGE_FUZZ_STEPS'] ?? 250);
const seeds =
  fixedSeed === undefined
    ? Array.from({ length: seedCount }, (_, i) => i + 1)
    : [Number(fixedSeed)];

interface ModelBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly term: number;
  readonly timestamps: readonly number[];
  /** The bytes as stored (offsets and term assigned). */
  readonly bytes: Buffer;
}

class Model {
  batches: ModelBatch[] = [];
  logStart = 0;
  end = 0;
  term = 0;

  dropBelow(offset: number): void {
    this.batches = this.batches.filter((batch) => batch.lastOffset >= offset);
  }

  dropFrom(offset: number): void {
    this.batches = this.batches.filter((batch) => batch.baseOffset < offset);
  }

  /** What read(from, maxBytes, upTo) must return. */
  read(
    from: number,
    maxBytes: number,
    upTo: number,
  ): { data: Buffer; first: number; next: number } {
    const limit = Math.min(upTo, this.end);
    const chosen: ModelBatch[] = [];
    let total = 0;
    for (const batch of this.batches) {
      if (batch.lastOffset < from) continue;
      if (batch.lastOffset >= limit) break;
      if (chosen.length > 0 && total + batch.bytes.length > maxBytes) break;
      chosen.push(batch);
      total += batch.bytes.length;
      if (total >= maxBytes) break;
    }
    const first = chosen[0]?.baseOffset ?? from;
    const next = chosen.length === 0 ? from : (chosen[chosen.length - 1]?.lastOffset ?? 0) + 1;
    return { data: Buffer.concat(chosen.map((batch) => batch.bytes)), first, next };
  }

  offsetForTimestamp(target: number): { offset: number; timestamp: number } | undefined {
    for (const batch of this.batches) {
      for (let index = 0; index < batch.timestamps.length; index++) {
        const offset = batch.baseOffset + index;
        const timestamp = batch.timestamps[index] ?? 0;
        if (offset >= this.logStart && timestamp >= target) return { offset, timestamp };
      }
    }
    return undefined;
  }

  termAt(offset: number): number | undefined {
    if (offset < this.logStart || offset >= this.end) return undefined;
    return this.batches.find((batch) => batch.baseOffset <= offset && offset <= batch.lastOffset)
      ?.term;
  }

  everything(): Buffer {
    return Buffer.concat(this.batches.map((batch) => batch.bytes));
  }
}

class FuzzRun {
  readonly random: SeededRandom;
  readonly clock = new ManualClock(BASE_TIME_MS);
  fs: MemoryFileSystem;
  log!: PartitionLog;
  readonly model = new Model();
  config = { segmentBytes: 600, indexIntervalBytes: 100, segmentMs: 60_000, retentionMs: -1 };
  readonly trace: string[] = [];

  constructor(readonly seed: number) {
    this.random = new SeededRandom(seed);
    this.fs = new MemoryFileSystem(this.random.fork());
  }

  async open(): Promise<void> {
    this.log = await openLog({ fs: this.fs, clock: this.clock, logger: silentLogger }, this.config);
  }

  note(step: string): void {
    this.trace.push(step);
    if (this.trace.length > 30) this.trace.shift();
  }

  async makeBatch(baseOffset: number): Promise<{ bytes: Buffer; timestamps: number[] }> {
    const count = this.random.between(1, 4);
    const timestamps = Array.from(
      { length: count },
      () => this.clock.nowMs() + this.random.between(-2000, 2000),
    );
    const records = timestamps.map((timestamp) => ({
      value: Buffer.from(this.random.bytes(this.random.int(120))),
      key: this.random.chance(0.3) ? Buffer.from('key') : null,
      timestamp,
    }));
    const bytes = await encodeBatch(records, {
      defaultTimestamp: this.clock.nowMs(),
      baseOffset,
      partitionLeaderEpoch: this.model.term,
      ...(this.random.chance(0.15) ? { compression: Compression.gzip } : {}),
    });
    return { bytes, timestamps };
  }

  /** Starts `count` appends at once; returns their promises (offsets are already assigned). */
  async startAppends(count: number): Promise<Promise<unknown>[]> {
    if (this.random.chance(0.1)) this.model.term += 1;
    const follower = this.random.chance(0.3);
    const prepared = [];
    let next = this.model.end;
    for (let index = 0; index < count; index++) {
      const batch = await this.makeBatch(follower ? next : 9999);
      next += batch.timestamps.length;
      prepared.push(batch);
    }
    return prepared.map(({ bytes, timestamps }) => {
      const options = follower ? { assignOffsets: false } : { term: this.model.term };
      const promise = this.log.append(bytes, options);
      // Offsets and term are assigned synchronously, so the bytes are final right away.
      const baseOffset = this.model.end;
      const lastOffset = baseOffset + timestamps.length - 1;
      this.model.batches.push({ baseOffset, lastOffset, term: this.model.term, timestamps, bytes });
      this.model.end = lastOffset + 1;
      return promise;
    });
  }

  async step(): Promise<void> {
    this.clock.advance(this.random.int(3000));
    const roll = this.random.int(100);
    if (roll < 35) await this.append();
    else if (roll < 47) await this.flush();
    else if (roll < 62) await this.read();
    else if (roll < 67) await this.lookUpTimestamp();
    else if (roll < 71) this.checkTerms();
    else if (roll < 76) await this.truncateSuffix();
    else if (roll < 80) await this.truncatePrefix();
    else if (roll < 85) await this.retention();
    else if (roll < 88) this.changeConfig();
    else if (roll < 91) await this.reopen();
    else if (roll < 95) await this.crash();
    else await this.crashDuring();
    this.checkOffsets();
  }

  async append(): Promise<void> {
    const count = this.random.between(1, 4);
    this.note(`append ${count}`);
    await Promise.all(await this.startAppends(count));
  }

  async flush(): Promise<void> {
    this.note('flush');
    expect(await this.log.flush()).toBe(this.model.end);
  }

  async read(): Promise<void> {
    const from = this.random.between(this.model.logStart, this.model.end);
    const maxBytes = this.random.between(1, 2500);
    const upTo = this.random.chance(0.3)
      ? this.random.between(from, this.model.end)
      : Number.MAX_SAFE_INTEGER;
    this.note(`read ${from} ${maxBytes} ${upTo}`);
    const actual = await this.log.read(from, maxBytes, upTo);
    const expected = this.model.read(from, maxBytes, upTo);
    expect(actual.data.equals(expected.data)).toBe(true);
    if (expected.data.length > 0) expect(actual.firstOffset).toBe(expected.first);
    expect(actual.nextOffset).toBe(expected.next);
  }

  async lookUpTimestamp(): Promise<void> {
    const target = this.clock.nowMs() - this.random.int(200_000);
    this.note(`offsetForTimestamp ${target}`);
    expect(await this.log.offsetForTimestamp(target)).toEqual(
      this.model.offsetForTimestamp(target),
    );
  }

  checkTerms(): void {
    for (let offset = this.model.logStart - 2; offset <= this.model.end + 1; offset++) {
      expect(this.log.termAt(offset)).toBe(this.model.termAt(offset));
    }
    expect(this.log.lastTerm()).toBe(this.model.batches.at(-1)?.term);
  }

  async truncateSuffix(): Promise<void> {
    const boundaries = [
      ...this.model.batches.map((b) => b.baseOffset).filter((o) => o >= this.model.logStart),
      this.model.end,
    ];
    const offset = this.random.pick(boundaries);
    this.note(`truncateSuffix ${offset}`);
    const cuts = offset < this.model.end;
    await this.log.truncateSuffix(offset);
    this.model.dropFrom(offset);
    this.model.end = offset;
    // A real cut is made durable (everything below it is fsynced); a no-op changes nothing.
    if (cuts) expect(this.log.durableEndOffset).toBe(offset);
  }

  async truncatePrefix(): Promise<void> {
    const offset = this.random.between(this.model.logStart, this.model.end + 3);
    this.note(`truncatePrefix ${offset}`);
    await this.log.truncatePrefix(offset);
    this.model.logStart = Math.max(this.model.logStart, offset);
    this.model.dropBelow(this.model.logStart);
    this.model.end = Math.max(this.model.end, this.model.logStart);
  }

  async retention(): Promise<void> {
    const retentionMs = this.random.pick([-1, 5_000, 60_000, 600_000]);
    const retentionBytes = this.random.pick([-1, -1, 300, 1500, 5000]);
    this.log.updateConfig({ retentionMs, retentionBytes });
    this.note(`retention ${retentionMs} ${retentionBytes}`);
    const endBefore = this.log.logEndOffset;
    await this.log.applyRetention();
    const start = this.log.logStartOffset;
    expect(start).toBeGreaterThanOrEqual(this.model.logStart);
    expect(this.log.logEndOffset).toBe(endBefore);
    if (start !== this.model.logStart) {
      // The new start is a segment base: a batch's, or the end when only an empty active
      // segment is left.
      const isBase = this.model.batches.some((batch) => batch.baseOffset === start);
      expect(isBase || start === this.model.end).toBe(true);
    }
    this.model.logStart = start;
    this.model.dropBelow(start);
  }

  changeConfig(): void {
    this.config = {
      ...this.config,
      segmentBytes: this.random.between(150, 2000),
      indexIntervalBytes: this.random.between(0, 400),
      segmentMs: this.random.pick([10_000, 60_000, 3_600_000]),
    };
    this.note(`config ${JSON.stringify(this.config)}`);
    this.log.updateConfig(this.config);
  }

  async reopen(): Promise<void> {
    this.note('reopen');
    await this.log.close();
    await this.open();
    expect([this.log.logStartOffset, this.log.logEndOffset]).toEqual([
      this.model.logStart,
      this.model.end,
    ]);
    await this.checkEverything();
  }

  /** A power loss, maybe while appends and a flush are in flight. */
  async crash(): Promise<void> {
    const inFlight = this.random.chance(0.5)
      ? await this.startAppends(this.random.between(1, 5))
      : [];
    if (inFlight.length > 0 && this.random.chance(0.5)) inFlight.push(this.log.flush());
    // Let some of the in-flight work reach the disk before the power goes.
    for (let tick = this.random.int(6); tick > 0; tick--) await Promise.resolve();
    const durable = this.log.durableEndOffset;
    this.note(`crash with ${inFlight.length} in flight, durable ${durable}`);
    this.fs = this.fs.crash({ tornWrites: true });
    await Promise.allSettled(inFlight);
    await this.open();
    const end = this.log.logEndOffset;
    expect(this.log.logStartOffset).toBe(this.model.logStart);
    expect(end).toBeGreaterThanOrEqual(Math.max(durable, this.model.logStart));
    expect(end).toBeLessThanOrEqual(this.model.end);
    const boundary =
      end === this.model.logStart || this.model.batches.some((b) => b.lastOffset + 1 === end);
    expect(boundary).toBe(true);
    // Only whole batches below the recovered end remain (a batch straddling a mid-batch log
    // start is gone too when the log came back empty at that start).
    this.model.batches = this.model.batches.filter((batch) => batch.lastOffset < end);
    this.model.end = end;
    expect(this.log.durableEndOffset).toBe(end);
    await this.checkEverything();
  }

  /** Power loss at the nth file operation of a randomly chosen operation. */
  async crashDuring(): Promise<void> {
    const before = { logStart: this.model.logStart, end: this.model.end };
    const countdown = this.random.between(1, 14);
    let seen = 0;
    let crashed: { fs: MemoryFileSystem; durable: number; logStart: number } | undefined;
    const crashNow = (): void => {
      crashed = {
        durable: this.log.durableEndOffset,
        logStart: this.log.logStartOffset,
        fs: this.fs.crash({ tornWrites: true }),
      };
    };
    this.fs.setOperationHook(() => {
      seen += 1;
      if (crashed === undefined && seen === countdown) crashNow();
    });
    const kind = await this.startInterruptible();
    this.fs.setOperationHook(undefined);
    if (crashed === undefined) crashNow();
    const { fs, durable, logStart } = crashed ?? { fs: this.fs, durable: 0, logStart: 0 };
    this.note(`crash during ${kind} at operation ${countdown}, durable ${durable}`);
    this.fs = fs;
    await this.open();
    const start = this.log.logStartOffset;
    const end = this.log.logEndOffset;
    expect(start).toBeGreaterThanOrEqual(before.logStart);
    expect(start).toBeLessThanOrEqual(Math.max(logStart, before.logStart));
    expect(end).toBeGreaterThanOrEqual(Math.max(start, durable));
    expect(end).toBeLessThanOrEqual(Math.max(this.model.end, start));
    this.model.logStart = start;
    this.model.batches = this.model.batches.filter(
      (b) => b.lastOffset >= start && b.lastOffset < end,
    );
    const boundary = end === start || this.model.batches.at(-1)?.lastOffset === end - 1;
    expect(boundary).toBe(true);
    this.model.end = end;
    await this.checkEverything();
  }

  /** Starts one operation that the crash may interrupt, and waits for it to settle. */
  async startInterruptible(): Promise<string> {
    const kind = this.random.pick(['append', 'truncateSuffix', 'truncatePrefix', 'retention']);
    const work: Promise<unknown>[] = [];
    if (kind === 'append') {
      work.push(...(await this.startAppends(this.random.between(1, 6))), this.log.flush());
    } else if (kind === 'truncateSuffix') {
      const boundaries = this.model.batches.map((b) => b.baseOffset);
      const offset = this.random.pick([
        ...boundaries.filter((o) => o >= this.model.logStart),
        this.model.end,
      ]);
      work.push(this.log.truncateSuffix(offset));
    } else if (kind === 'truncatePrefix') {
      work.push(
        this.log.truncatePrefix(this.random.between(this.model.logStart, this.model.end + 3)),
      );
    } else {
      this.log.updateConfig({ retentionMs: -1, retentionBytes: this.random.pick([0, 500, 2000]) });
      work.push(this.log.applyRetention());
    }
    await Promise.allSettled(work);
    return kind;
  }

  checkOffsets(): void {
    expect(this.log.logStartOffset).toBe(this.model.logStart);
    expect(this.log.logEndOffset).toBe(this.model.end);
    expect(this.log.durableEndOffset).toBeLessThanOrEqual(this.model.end);
  }

  async checkEverything(): Promise<void> {
    const all = await this.log.read(this.model.logStart, Number.MAX_SAFE_INTEGER);
    expect(all.data.equals(this.model.everything())).toBe(true);
  }
}

describe('PartitionLog fuzz', () => {
  for (const seed of seeds) {
    it(`seed ${seed}`, async () => {
      const run = new FuzzRun(seed);
      try {
        await run.open();
        for (let step = 0; step < stepsPerSeed; step++) await run.step();
        await run.reopen();
        await run.log.close();
      } catch (error) {
        const replay = `STORAGE_FUZZ_SEED=${seed} npx vitest run test/unit/storage/partition-log.fuzz`;
        console.error(
          `storage fuzz failed; replay with: ${replay}\nlast steps:\n${run.trace.join('\n')}`,
        );
        throw error;
      }
    });
  }
});
