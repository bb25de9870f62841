/** The process's random source, for production; tests and the simulator inject seeded ones. */
import { randomInt } from 'node:crypto';
import type { Random } from '../util/ports.js';

/** randomInt's range must stay below 2^48; its upper bound is exclusive. */
const UINT32_END = 2 ** 32;

export const systemRandom: Random = {
  uint32: () => randomInt(0, UINT32_END),
};
