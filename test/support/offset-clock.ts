/**
 * The real clock, moved forward on demand: for tests that run real timers (a broker's ticks and
 * heartbeats keep working) yet need time-based behaviour (retention by time) without waiting.
 * Wall-clock and monotonic time advance together.
 */
import type { Clock } from '../../src/util/ports.js';

export class OffsetClock implements Clock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  monotonicMs(): number {
    return performance.now() + this.offsetMs;
  }

  advance(milliseconds: number): void {
    if (milliseconds < 0) throw new RangeError('an offset clock never goes backwards');
    this.offsetMs += milliseconds;
  }
}
