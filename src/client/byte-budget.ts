/**
 * A byte budget with first-come, first-served waiting: the producer's bound on buffered record
 * bytes (`bufferBytes`) and the consumer's bound on prefetched bytes.
 *
 * Invariants:
 * - `usedBytes <= capacityBytes`, except that a single request larger than the whole budget is
 *   granted when nothing else is held (otherwise it could never be granted);
 * - waiters are served strictly in arrival order, and a `tryTake` never overtakes a waiter, so a
 *   large request cannot starve behind a stream of small ones;
 * - a wait longer than its `maxWaitMs` fails with retriable RESOURCE_EXHAUSTED rather than
 *   blocking forever.
 *
 * It holds no data, only counts; it performs no I/O besides the wait timers.
 */
import { BrookError } from '../protocol/errors.js';

interface Waiter {
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class ByteBudget {
  private used = 0;
  private readonly waiters: Waiter[] = [];
  private failure: Error | undefined;

  constructor(
    readonly capacityBytes: number,
    private readonly name: string,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private fits(bytes: number): boolean {
    return this.used + bytes <= this.capacityBytes || this.used === 0;
  }

  /** Takes `bytes` now if they fit and nobody is waiting; false otherwise. */
  tryTake(bytes: number): boolean {
    if (this.failure !== undefined) throw this.failure;
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.used += bytes;
    return true;
  }

  /** Takes `bytes`, waiting in line until they fit (at most `maxWaitMs`). */
  take(bytes: number, maxWaitMs: number): Promise<void> {
    if (this.tryTake(bytes)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { bytes, resolve, reject, timer: undefined };
      waiter.timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(
          new BrookError(
            'RESOURCE_EXHAUSTED',
            `waited ${maxWaitMs} ms for ${bytes} bytes of ${this.name} space ` +
              `(${this.used} of ${this.capacityBytes} bytes in use)`,
          ),
        );
        // The line may move now that the head gave up.
        this.grant();
      }, maxWaitMs);
      this.waiters.push(waiter);
    });
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.grant();
  }

  /** Rejects every waiter and every later take with `error` (used on close). */
  fail(error: Error): void {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private grant(): void {
    while (this.waiters.length > 0) {
      const head = this.waiters[0];
      if (head === undefined || !this.fits(head.bytes)) return;
      this.waiters.shift();
      clearTimeout(head.timer);
      this.used += head.bytes;
      head.resolve();
    }
  }
}
