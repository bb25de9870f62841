/**
 * One chaos run, start to verdict: a proxied cluster (cluster.ts), the client processes
 * (workload.ts), a seeded nemesis (nemesis.ts) for `durationS`, then heal everything, restart
 * the dead, let replication settle, drain every key, stop the brokers cleanly, digest every
 * replica (replicas.ts) and check the history (checker.ts). Writes history.jsonl,
 * report.json, timeline.html and the broker logs into `out`.
 *
 * Every process started is killed by PID in `finally` and, failing that, by the exit handlers
 * of broker-process.ts and workload.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHistory, type CheckResult } from './checker.js';
import { ChaosCluster } from './cluster.js';
import type { HistoryEvent, Key } from './history.js';
import { topicOfKey } from './history.js';
import { POWER_LOSS_ENV } from '../../src/runtime/power-loss-file-system.js';
import { detectionIn } from './corrupt.js';
import {
  includesCorrupt,
  includesPower,
  LeaderMonitor,
  Nemesis,
  type NemesisName,
} from './nemesis.js';
import { mulberry32 } from './random.js';
import { replicaDigests } from './replicas.js';
import { DRAIN_PROCESS_BASE, recoveries, summarize } from './report.js';
import { timelineHtml } from './timeline.js';
import { finalDrain, HistoryRecorder, Workload } from './workload.js';

export interface ChaosOptions {
  readonly nemesis: readonly NemesisName[];
  readonly durationS: number;
  readonly seed: number;
  readonly brokers: 3 | 5;
  readonly out: string;
  readonly workers: number;
  /** Keep the brokers' data directories even on PASS. */
  readonly keepData: boolean;
  readonly log: (line: string) => void;
}

export interface ChaosOutcome {
  readonly result: CheckResult;
  readonly ops: number;
  readonly anomalies: number;
  readonly summaryLine: string;
}

export const TOPICS = ['chaos-0', 'chaos-1'] as const;
export const KEYS: readonly Key[] = [0, 1, 2, 3];
const FORM_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 60_000;
/** How long the workload goes on after the last heal, so recovery shows in the history. */
const AFTER_HEAL_MS = 4_000;
const REPLICA_CATCH_UP_MS = 2_000;
/**
 * Topic configuration of runs that can corrupt files: small segments, so that a partition has
 * sealed segments (fsynced long ago) to damage, not only the newest one.
 */
const CORRUPT_TOPIC_CONFIGS = { 'segment.bytes': '131072' } as const;

export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const { log } = options;
  mkdirSync(options.out, { recursive: true });
  const dataRoot = join(options.out, 'data');
  rmSync(dataRoot, { recursive: true, force: true });
  const random = mulberry32(options.seed);
  const proxyRandom = mulberry32(options.seed ^ 0x5bd1e995);
  log(
    `chaos: ${options.brokers} brokers, nemesis ${options.nemesis.join(',')}, ${options.durationS} s, seed ${options.seed}, out ${options.out}`,
  );
  // Every broker of a run that can lose power keeps its unsynced writes in memory, so that
  // kill -9 (of one broker or all) drops them.
  const powerLoss = includesPower(options.nemesis);
  const topicConfigs = includesCorrupt(options.nemesis) ? CORRUPT_TOPIC_CONFIGS : {};
  const cluster = await ChaosCluster.start({
    brokers: options.brokers,
    root: dataRoot,
    random: proxyRandom,
    ...(powerLoss ? { env: { [POWER_LOSS_ENV]: '1' } } : {}),
  });
  const recorder = new HistoryRecorder();
  const workload = new Workload({
    workers: options.workers,
    keys: KEYS,
    bootstrap: cluster.bootstrap,
    seed: options.seed,
    recorder,
    log,
  });
  const monitor = new LeaderMonitor(cluster, KEYS, recorder);
  const nemesis = new Nemesis(cluster, recorder, random, options.nemesis, KEYS, log);
  monitor.listen((observation) => nemesis.observe(observation));
  let passed = false;
  let written = false;
  try {
    await cluster.waitUntilFormed(FORM_TIMEOUT_MS);
    await cluster.ask(async (brook) => {
      for (const topic of TOPICS) {
        await brook
          .admin()
          .createTopic(topic, { partitions: 2, replicationFactor: 3, configs: topicConfigs });
      }
    });
    await cluster.waitForFullIsr(TOPICS, FORM_TIMEOUT_MS);
    log('cluster formed, topics in sync; starting the workload');
    await monitor.observe();
    monitor.start();
    workload.start();
    await nemesis.run(Date.now() + options.durationS * 1_000);
    recorder.nemesis('heal', { kind: 'final' });
    await cluster.healAll();
    log('healed everything; the workload goes on briefly');
    await new Promise((resolve) => setTimeout(resolve, AFTER_HEAL_MS));
    await workload.stop();
    await monitor.stop();
    await monitor.observe();
    log('workload stopped; waiting for every replica to be in sync');
    const settled = await cluster
      .waitForFullIsr(TOPICS, SETTLE_TIMEOUT_MS)
      .then(() => true)
      .catch((error: unknown) => {
        log(`cluster did not settle: ${String(error)}`);
        return false;
      });
    const drain = await finalDrain(
      cluster.bootstrap,
      KEYS,
      recorder,
      DRAIN_PROCESS_BASE,
      DRAIN_TIMEOUT_MS,
    );
    for (const error of drain.errors) log(`drain: ${error}`);
    await new Promise((resolve) => setTimeout(resolve, REPLICA_CATCH_UP_MS));
    await cluster.stopCleanly();
    const dataDirs = new Map(cluster.ids.map((id) => [id, cluster.broker(id).dataDir]));
    const replicas = replicaDigests(dataDirs, drain.highWatermarks);
    const history = recorder.history();
    const infoOps = history.filter((e) => e.process !== 'nemesis' && e.type === 'info').length;
    const media = mediaEvidence(cluster, nemesis);
    for (const line of media.notes) log(line);
    const generalEvidence = [
      ...monitor.evidence,
      ...(infoOps > 0 ? [`${infoOps} indeterminate (info) ops`] : []),
      ...proxyEvidence(cluster),
    ];
    // A power-only run took effect only if some broker lost unsynced bytes: a leader change
    // alone would also come from a plain kill.
    const powerOnly = options.nemesis.every((name) => name === 'power');
    const faultEvidence = powerOnly
      ? media.power
      : [...media.power, ...media.corrupt, ...generalEvidence];
    const result = checkHistory({
      history,
      replicas,
      drainFinished: drain.finished && settled,
      faultEvidence,
      requireReplicas: true,
    });
    writeOutputs(options, cluster, history, result, nemesis, replicas, faultEvidence, {
      settled,
      drain,
      topicConfigs,
      otherEvidence: powerOnly ? [...media.corrupt, ...generalEvidence] : [],
      repairViolations: media.repairViolations,
    });
    written = true;
    const ops = history.filter(
      (event) => event.process !== 'nemesis' && event.type !== 'invoke',
    ).length;
    const anomalies = result.anomalies.length;
    passed = result.verdict === 'PASS';
    return {
      result,
      ops,
      anomalies,
      summaryLine: `chaos: ${ops} ops, ${anomalies} anomalies, verdict ${result.verdict}`,
    };
  } finally {
    nemesis.stop();
    workload.kill();
    await monitor.stop().catch(() => undefined);
    await cluster.destroy();
    if (!written) writePartialOutputs(options, cluster, recorder, nemesis);
    if (passed && !options.keepData) rmSync(dataRoot, { recursive: true, force: true });
  }
}

/**
 * Evidence of the power and corrupt faults, and what the damaged brokers logged: power losses
 * that dropped unsynced bytes (a snapshot with pendingBytes 0 is no evidence), and corruptions
 * the broker reported (its log lines for the damaged partition after the restart). A damaged
 * broker seen leading the damaged partition in a new epoch while its damage marker was still
 * there is a repair violation (best effort: metadata and marker are polled every 500 ms).
 */
function mediaEvidence(
  cluster: ChaosCluster,
  nemesis: Nemesis,
): { power: string[]; corrupt: string[]; notes: string[]; repairViolations: string[] } {
  const power: string[] = [];
  for (const loss of nemesis.powerLosses) {
    for (const [broker, bytes] of Object.entries(loss.pendingBytes)) {
      if (bytes !== null && bytes > 0) {
        power.push(
          `power loss at ${loss.atS} s dropped up to ${bytes} unsynced bytes on broker ${broker}`,
        );
      }
    }
  }
  const corrupt: string[] = [];
  const notes: string[] = [];
  const repairViolations: string[] = [];
  const corruptions = nemesis.corruptions;
  for (const [index, corruption] of corruptions.entries()) {
    const { broker, damage } = corruption;
    // This restart's output, up to the next corruption of the same broker.
    const next = corruptions.slice(index + 1).find((later) => later.broker === broker);
    const output = cluster.output(broker).slice(corruption.logFrom, next?.logFrom);
    corruption.detection = detectionIn(output, damage);
    const what = `${damage.kind} of ${damage.file} @${damage.position} on broker ${broker} at ${corruption.killedAtS} s`;
    const detection = corruption.detection;
    if (corruption.restartError !== null) {
      notes.push(`corrupt: ${what}: the broker did not restart`);
    } else if (detection.detected || corruption.markerSeen) {
      corrupt.push(
        `corrupt: ${what} detected (${detection.messages.slice(0, 2).join('; ') || 'damage marker written'})`,
      );
    } else {
      notes.push(
        `corrupt: ${what} not reported by the broker${detection.messages.length > 0 ? ` (it logged: ${detection.messages.join('; ')})` : ''}`,
      );
    }
    for (const led of corruption.ledAfterRestart) {
      if (!led.markerPresent) continue;
      repairViolations.push(
        `broker ${broker} led damaged key ${damage.key} in epoch ${led.epoch} at ${led.atS} s while its damage marker was present`,
      );
    }
  }
  for (const violation of repairViolations) notes.push(`repair violation: ${violation}`);
  return { power, corrupt, notes, repairViolations };
}

/** After a failed run: the broker logs and what the nemesis did, for the post-mortem. */
function writePartialOutputs(
  options: ChaosOptions,
  cluster: ChaosCluster,
  recorder: HistoryRecorder,
  nemesis: Nemesis,
): void {
  try {
    const { out } = options;
    writeFileSync(
      join(out, 'history.jsonl'),
      recorder
        .history()
        .map((event) => JSON.stringify(event))
        .join('\n') + '\n',
    );
    for (const corruption of nemesis.corruptions) {
      const output = cluster.output(corruption.broker).slice(corruption.logFrom);
      corruption.detection = detectionIn(output, corruption.damage);
    }
    writeFileSync(
      join(out, 'nemesis.json'),
      JSON.stringify(
        {
          windows: nemesis.windows,
          powerLosses: nemesis.powerLosses,
          corruptions: nemesis.corruptions,
        },
        null,
        2,
      ) + '\n',
    );
    const logs = join(out, 'logs');
    mkdirSync(logs, { recursive: true });
    for (const id of cluster.ids) {
      writeFileSync(join(logs, `broker-${id}.log`), cluster.output(id));
    }
  } catch (error) {
    options.log(`could not write the partial outputs: ${String(error)}`);
  }
}

/** What the proxies did to the traffic: evidence that network faults took effect. */
function proxyEvidence(cluster: ChaosCluster): string[] {
  const proxies = [
    ...cluster.links.values(),
    ...cluster.ids.map((id) => cluster.broker(id).clientProxy),
  ];
  const total = (count: (proxy: (typeof proxies)[number]) => number): number =>
    proxies.reduce((sum, proxy) => sum + count(proxy), 0);
  const evidence: string[] = [];
  const dropped = total((proxy) => proxy.droppedChunks);
  const delayed = total((proxy) => proxy.delayedChunks);
  const resets = total((proxy) => proxy.resets);
  if (dropped > 0) evidence.push(`proxies dropped ${dropped} chunks`);
  if (delayed > 0) evidence.push(`proxies delayed ${delayed} chunks`);
  if (resets > 0) evidence.push(`proxies reset ${resets} connections`);
  return evidence;
}

function writeOutputs(
  options: ChaosOptions,
  cluster: ChaosCluster,
  history: readonly HistoryEvent[],
  result: CheckResult,
  nemesis: Nemesis,
  replicas: unknown,
  faultEvidence: readonly string[],
  extra: {
    settled: boolean;
    drain: { finished: boolean; errors: string[]; highWatermarks: Map<Key, number> };
    topicConfigs: Readonly<Record<string, string>>;
    otherEvidence: readonly string[];
    repairViolations: readonly string[];
  },
): void {
  const { out } = options;
  writeFileSync(
    join(out, 'history.jsonl'),
    history.map((event) => JSON.stringify(event)).join('\n') + '\n',
  );
  const faults = recoveries(history, nemesis.windows);
  const report = {
    parameters: {
      nemesis: options.nemesis,
      durationS: options.durationS,
      seed: options.seed,
      brokers: options.brokers,
      workers: options.workers,
      keys: KEYS.map((key) => ({ key, ...topicOfKey(key) })),
      topicConfigs: extra.topicConfigs,
      powerLossLayer: includesPower(options.nemesis),
    },
    verdict: result.verdict,
    reasons: result.reasons,
    okOps: result.okOps,
    failOps: result.failOps,
    infoOps: result.infoOps,
    counts: result.counts,
    anomalies: result.anomalies,
    faultEvidence,
    ...(extra.otherEvidence.length > 0 ? { otherEvidence: extra.otherEvidence } : {}),
    powerLosses: nemesis.powerLosses,
    corruptions: nemesis.corruptions.map((corruption) => {
      const { directory: _directory, ...damage } = corruption.damage;
      return { ...corruption, damage };
    }),
    repairViolations: extra.repairViolations,
    settled: extra.settled,
    drain: {
      finished: extra.drain.finished,
      errors: extra.drain.errors,
      highWatermarks: Object.fromEntries(extra.drain.highWatermarks),
    },
    replicas,
    faults,
    recovery: summarize(faults.map((fault) => fault.recoveryMs)),
    sendRecovery: summarize(faults.map((fault) => fault.sendRecoveryMs)),
    allKeysRecovery: summarize(faults.map((fault) => fault.allKeysRecoveryMs)),
  };
  writeFileSync(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  const ms = (value: number | null): string => (value === null ? '-' : `${value} ms`);
  options.log(
    `recovery after heal over ${faults.length} faults: first ok op median ${ms(report.recovery.medianMs)}, worst ${ms(report.recovery.worstMs)}; ` +
      `every key written again median ${ms(report.allKeysRecovery.medianMs)}, worst ${ms(report.allKeysRecovery.worstMs)}`,
  );
  writeFileSync(
    join(out, 'timeline.html'),
    timelineHtml(
      history,
      nemesis.windows,
      options.workers,
      `brook chaos: ${options.nemesis.join(',')} seed ${options.seed}, ${options.brokers} brokers — verdict ${result.verdict}`,
    ),
  );
  const logs = join(out, 'logs');
  mkdirSync(logs, { recursive: true });
  for (const id of cluster.ids) writeFileSync(join(logs, `broker-${id}.log`), cluster.output(id));
}
