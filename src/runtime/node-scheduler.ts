/**
 * The `Scheduler` port over Node timers, for production; tests drive a manual one. Timers are
 * unref'd: periodic cluster work never keeps a stopping process alive on its own.
 */
import type { Scheduler } from '../util/ports.js';

export const nodeScheduler: Scheduler = {
  after(delayMs, task) {
    const timer = setTimeout(task, Math.max(0, delayMs));
    timer.unref();
    return () => clearTimeout(timer);
  },
  every(intervalMs, task) {
    const timer = setInterval(task, Math.max(1, intervalMs));
    timer.unref();
    return () => clearInterval(timer);
  },
};
