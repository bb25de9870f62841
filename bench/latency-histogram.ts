/**
 * Latency percentiles through an HDR histogram (hdr-histogram-js): values are recorded in
 * microseconds with 3 significant digits, so a percentile is within 0.1 % of the true value at
 * any magnitude, and memory stays fixed however many values come in.
 */
import hdr from 'hdr-histogram-js';
import { round } from './report.js';

/** Longest latency the histogram tracks; longer values are recorded as this (10 minutes). */
const LATENCY_MICROS_MAX = 600_000_000;

export interface LatencySummary {
  readonly count: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly p999_ms: number;
  readonly max_ms: number;
  readonly mean_ms: number;
}

export class LatencyRecorder {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: LATENCY_MICROS_MAX,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one latency, or the same latency for `count` records (one sendMany call). */
  recordNanoseconds(nanoseconds: bigint, count = 1): void {
    const micros = Math.min(
      LATENCY_MICROS_MAX,
      Math.max(1, Math.round(Number(nanoseconds) / 1000)),
    );
    this.histogram.recordValueWithCount(micros, count);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Percentiles in milliseconds (3 decimals); undefined when nothing was recorded. */
  summary(): LatencySummary | undefined {
    if (this.histogram.totalCount === 0) return undefined;
    const ms = (micros: number): number => round(micros / 1000, 3);
    return {
      count: this.histogram.totalCount,
      p50_ms: ms(this.histogram.getValueAtPercentile(50)),
      p99_ms: ms(this.histogram.getValueAtPercentile(99)),
      p999_ms: ms(this.histogram.getValueAtPercentile(99.9)),
      max_ms: ms(this.histogram.maxValue),
      mean_ms: ms(this.histogram.mean),
    };
  }
}
