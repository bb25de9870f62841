/**
 * The running trace hash of a simulation: every event, delivered message and decision is
 * folded in, so two runs of one seed print the same `trace hash` exactly when they did the
 * same things in the same order. Two independent 32-bit FNV-1a style lanes (64 bits in all):
 * enough to tell runs apart, not cryptographic.
 */

export class TraceHash {
  private low = 0x811c9dc5;
  private high = 0x01000193;
  private count = 0;

  get events(): number {
    return this.count;
  }

  add(text: string): void {
    this.count += 1;
    let low = this.low;
    let high = this.high;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      low = Math.imul(low ^ code, 0x01000193);
      high = Math.imul(high ^ code, 0x5bd1e995) ^ (high >>> 15);
    }
    // A separator, so that "ab" + "c" and "a" + "bc" differ.
    this.low = Math.imul(low ^ 0xff, 0x01000193);
    this.high = Math.imul(high ^ 0xff, 0x5bd1e995);
  }

  hex(): string {
    const part = (value: number): string => (value >>> 0).toString(16).padStart(8, '0');
    return part(this.high) + part(this.low);
  }
}

/** Mixes numbers into a 32-bit hash (entry identities, prefix chains). */
export function mix32(seed: number, ...values: number[]): number {
  let hash = seed >>> 0;
  for (const value of values) {
    // Two halves, so values beyond 32 bits (offsets) are mixed whole.
    for (const half of [value >>> 0, Math.floor(value / 4294967296) >>> 0]) {
      hash = Math.imul(hash ^ half, 0x5bd1e995);
      hash ^= hash >>> 13;
      hash = Math.imul(hash, 0xc2b2ae35);
      hash ^= hash >>> 16;
    }
  }
  return hash >>> 0;
}

/** A 64-bit-ish identity for a prefix: two 32-bit chains with different seeds. */
export function chainPrefix(previous: string, ...values: number[]): string {
  const [a, b] = previous.split(':').map((part) => Number.parseInt(part, 36));
  const next1 = mix32(a ?? 0, ...values);
  const next2 = mix32((b ?? 0) ^ 0x9e3779b9, ...values, 0x85ebca6b);
  return `${next1.toString(36)}:${next2.toString(36)}`;
}

export const EMPTY_PREFIX = '0:0';
