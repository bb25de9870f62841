/** The benchmark cases by name: each starts its own cluster and stops it before it returns. */
import type { BenchOptions, CaseName } from '../options.js';
import type { BenchResult } from '../report.js';
import { runConsume } from './consume.js';
import { runFailover } from './failover.js';
import { runLatency } from './latency.js';
import { runPartitions } from './partitions.js';
import { runProduce } from './produce.js';

export const CASES: Readonly<Record<CaseName, (options: BenchOptions) => Promise<BenchResult>>> = {
  produce: runProduce,
  latency: runLatency,
  consume: runConsume,
  partitions: runPartitions,
  failover: runFailover,
};
