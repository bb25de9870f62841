/**
 * A bounded one-at-a-time queue of async tasks (the controller leader's admin queue): a task
 * starts only after the previous one settled, so each validates against the state its
 * predecessors left. Plus `withTimeout`, which answers a caller late without freeing the queue
 * slot early (the task keeps it until it settles, so the next task never validates against a
 * state a still-pending command may change).
 *
 * Must not: run two tasks at once, or hold more than `tasksMax` waiting (RESOURCE_EXHAUSTED).
 */
import { BrookError } from '../protocol/errors.js';
import type { Scheduler } from '../util/ports.js';

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(private readonly tasksMax: number) {}

  /** Tasks queued or running. */
  get size(): number {
    return this.queued;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.queued >= this.tasksMax) {
      return Promise.reject(
        new BrookError(
          'RESOURCE_EXHAUSTED',
          `the controller already has ${this.queued} operations queued (adminQueueMax); retry later`,
        ),
      );
    }
    this.queued += 1;
    const result = this.tail.then(task);
    const settled = (): void => {
      this.queued -= 1;
    };
    this.tail = result.then(settled, settled);
    return result;
  }
}

/** `promise`, or REQUEST_TIMED_OUT once `timeoutMs` passed first (the work may still finish). */
export function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  scheduler: Scheduler,
  what: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = scheduler.after(timeoutMs, () =>
      reject(
        new BrookError(
          'REQUEST_TIMED_OUT',
          `${what} did not complete within ${timeoutMs} ms; its outcome is unknown`,
        ),
      ),
    );
    promise.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
