/**
 * produce: sustained produce throughput with acks=all, and the latency of each sendMany call.
 *
 * Before the cluster starts, the disk's synced-write speed is measured in the same directory
 * (sequential 1 MiB writes, an fdatasync each), so the figure also comes as a ratio to this
 * machine's own limit on this run.
 */
import { BenchCluster, runDirectory } from '../bench-cluster.js';
import { measureSyncedWriteMBps } from '../disk-baseline.js';
import type { BenchOptions } from '../options.js';
import { fixedChunkSource, produceLoad } from '../produce-load.js';
import { log, Progress } from '../progress.js';
import { round, type ProduceResult } from '../report.js';
import {
  commonFields,
  cpuMicrosPerRecord,
  loadProducer,
  measureProduce,
  TOPIC,
  warmupLimits,
} from './common.js';

export async function runProduce(options: BenchOptions): Promise<ProduceResult> {
  const diskMBps = measureSyncedWriteMBps(runDirectory());
  log(`disk: ${diskMBps.toFixed(0)} MB/s of synced 1 MiB writes`);
  return BenchCluster.with(options.brokers, async (cluster) => {
    const brook = cluster.client();
    await cluster.createTopic(brook, TOPIC, options.partitions, options.replicationFactor);
    const producer = loadProducer(brook, options);
    const source = fixedChunkSource(TOPIC, options.recordBytes, options.chunk);
    const warmup = warmupLimits(options.limits);
    const warmupProgress = new Progress('warm-up', warmup.records);
    const warmed = await produceLoad(producer, source, options, warmup, {
      progress: warmupProgress,
    });
    warmupProgress.end();

    const phase = await measureProduce(
      cluster,
      producer,
      source,
      options,
      'produce',
      'sendMany call -> every record acknowledged (acks=all)',
    );
    await producer.close();
    const common = commonFields('produce', options, cluster, phase);
    return {
      ...common,
      chunk: options.chunk,
      window: options.window,
      in_flight: options.inFlight,
      compression: options.compression,
      warmup_records: warmed.records,
      broker_cpu_us_per_record: cpuMicrosPerRecord(phase.cpuSeconds, phase.records),
      disk_synced_MB_per_s: round(diskMBps, 1),
      ratio_to_disk: common.MB_per_s === null ? null : round(common.MB_per_s / diskMBps, 3),
    };
  });
}
