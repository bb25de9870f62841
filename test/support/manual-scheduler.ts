/**
 * A `Scheduler` driven by a `ManualClock`: `advance(ms)` moves the clock step by step and runs
 * every task that falls due, in due-time order (ties in scheduling order), so tests of periodic
 * work (heartbeats, liveness, balancing) run without sleeping and the same way every time.
 */
import type { Scheduler } from '../../src/util/ports.js';
import type { ManualClock } from './manual-clock.js';

interface Task {
  readonly id: number;
  dueMs: number;
  readonly intervalMs: number | null;
  readonly run: () => void;
}

export class ManualScheduler implements Scheduler {
  private readonly tasks = new Map<number, Task>();
  private nextId = 1;

  constructor(private readonly clock: ManualClock) {}

  after(delayMs: number, task: () => void): () => void {
    return this.add(Math.max(0, delayMs), null, task);
  }

  every(intervalMs: number, task: () => void): () => void {
    return this.add(Math.max(1, intervalMs), Math.max(1, intervalMs), task);
  }

  get pending(): number {
    return this.tasks.size;
  }

  /** Moves time forward by `ms`, running what falls due on the way (synchronously). */
  advance(ms: number): void {
    const endMs = this.clock.monotonicMs() + ms;
    for (;;) {
      const next = this.nextDue();
      if (next === undefined || next.dueMs > endMs) break;
      this.clock.advance(next.dueMs - this.clock.monotonicMs());
      if (next.intervalMs === null) this.tasks.delete(next.id);
      else next.dueMs += next.intervalMs;
      next.run();
    }
    this.clock.advance(endMs - this.clock.monotonicMs());
  }

  private nextDue(): Task | undefined {
    let best: Task | undefined;
    for (const task of this.tasks.values()) {
      if (best === undefined || task.dueMs < best.dueMs) best = task;
    }
    return best;
  }

  private add(delayMs: number, intervalMs: number | null, run: () => void): () => void {
    const id = this.nextId++;
    this.tasks.set(id, { id, dueMs: this.clock.monotonicMs() + delayMs, intervalMs, run });
    return () => this.tasks.delete(id);
  }
}
