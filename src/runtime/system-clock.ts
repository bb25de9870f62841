/** The real clock, for production; tests and the simulator inject their own. */
import type { Clock } from '../util/ports.js';

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};
