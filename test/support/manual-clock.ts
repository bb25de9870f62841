/**
 * A `Clock` that moves only when a test says so, for time-based behaviour (segment roll by
 * age, retention by time) without sleeping. Wall-clock and monotonic time advance together.
 */
import type { Clock } from '../../src/util/ports.js';

export class ManualClock implements Clock {
  private wallMs: number;
  private monotonic: number;

  constructor(startWallMs = 1_700_000_000_000, startMonotonicMs = 1_000) {
    this.wallMs = startWallMs;
    this.monotonic = startMonotonicMs;
  }

  nowMs(): number {
    return this.wallMs;
  }

  monotonicMs(): number {
    return this.monotonic;
  }

  advance(milliseconds: number): void {
    if (milliseconds < 0) throw new RangeError('a manual clock never goes backwards');
    this.wallMs += milliseconds;
    this.monotonic += milliseconds;
  }

  /** Sets only the wall clock (it may jump, as NTP does); monotonic time is unaffected. */
  setWallMs(wallMs: number): void {
    this.wallMs = wallMs;
  }
}
