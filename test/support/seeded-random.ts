/**
 * A small seeded pseudo-random source for tests and the simulator (the util `Random` port).
 * The same seed always yields the same sequence, so a failing test replays from its seed.
 * The generator is mulberry32: one 32-bit state word advanced by a fixed odd increment and
 * mixed with multiplies and shifts. It is fast and statistically fine for fault injection and
 * operation choice; it is not cryptographic and must never be used for anything secret.
 */
import type { Random } from '../../src/util/ports.js';

const TWO_POW_32 = 4294967296;

export class SeededRandom implements Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, maxExclusive); maxExclusive must be a positive safe integer. */
  int(maxExclusive: number): number {
    if (!(Number.isSafeInteger(maxExclusive) && maxExclusive > 0)) {
      throw new RangeError(`int(${maxExclusive}): bound must be a positive integer`);
    }
    // Two draws give 53 random bits, enough for any safe bound without visible bias here.
    const high = this.uint32() >>> 11;
    const low = this.uint32();
    const unit = (high * TWO_POW_32 + low) / 2 ** 53;
    return Math.floor(unit * maxExclusive);
  }

  /** Uniform integer in [min, maxInclusive]. */
  between(min: number, maxInclusive: number): number {
    return min + this.int(maxInclusive - min + 1);
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let index = 0; index < length; index++) bytes[index] = this.uint32() & 0xff;
    return bytes;
  }

  /** An independent generator seeded from this one (for a sub-component of a simulation). */
  fork(): SeededRandom {
    return new SeededRandom(this.uint32());
  }
}
