/**
 * Nemeses: seeded fault schedules against a ChaosCluster. Each cycle is quiet → fault → hold →
 * heal; every fault and heal is appended to the history as a nemesis event (`f`: kill,
 * restart, pause, resume, partition, delay, heal), with what it did in `value`.
 *
 * Families:
 * - kill: kill -9 a random broker or the current leader of a random key (in a cluster of 5,
 *   sometimes two brokers: still a minority); restart it on heal.
 * - pause: SIGSTOP the same kinds of targets, longer than the 500–1000 ms election timeout;
 *   SIGCONT on heal.
 * - partition: cut broker-to-broker links (both ways, or one way): isolate one broker, isolate a
 *   leader, majority/minority, ring (a bridge in a cluster of 3), one-way (a broker's outbound
 *   links only). Client links stay up, as in Jepsen (clients reach every broker).
 * - delay: slow links (delay on every link and client proxy), or lossy links (connection resets
 *   with a small probability per chunk, plus some delay).
 * - power: every broker killed at once (kill -9 in one tick) while started with
 *   BROOK_TEST_POWER_LOSS=1 (run.ts starts every broker so when the run can pick `power`), so
 *   each loses the writes it had not fsynced; the event records each broker's `pendingBytes`
 *   from its last power-loss stats snapshot (what the kill dropped, at most). Heal: restart all.
 * - corrupt: kill -9 one broker, damage the files of one of its workload partitions
 *   (corrupt.ts: bit flips in a log batch or an index, a cut log, a damaged raft-state or
 *   raft-snapshot), restart it on heal. The broker must detect the damage on open and repair
 *   from its peers; the nemesis then watches that partition's damage-marker file and its leader,
 *   and records whether the damaged broker led it while still repairing (`corruptions`).
 * - mixed: each cycle picks a random subset (one or two) of the families above; power and
 *   corrupt come up less often than the others and always alone.
 *
 * All choices come from the run's seeded generator; wall-clock timing (how long a broker takes
 * to start, when a leader is looked up) still varies between runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  POWER_LOSS_STATS_FILE,
  type PowerLossStats,
} from '../../src/runtime/power-loss-file-system.js';
import type { ChaosCluster } from './cluster.js';
import { damageBroker, DAMAGE_MARKER_FILE, type Damage } from './corrupt.js';
import type { Key } from './history.js';
import { topicOfKey } from './history.js';
import { between, choose, shuffled } from './random.js';
import type { HistoryRecorder } from './workload.js';

export const BASE_FAMILIES = ['kill', 'pause', 'partition', 'delay', 'power', 'corrupt'] as const;
export type BaseFamily = (typeof BASE_FAMILIES)[number];
/** Families that run alone (never combined with another in one cycle). */
const SOLO_FAMILIES: readonly BaseFamily[] = ['power', 'corrupt'];
/** How often mixed picks a family, relative to the others. */
const MIXED_WEIGHTS: Readonly<Record<BaseFamily, number>> = {
  kill: 1,
  pause: 1,
  partition: 1,
  delay: 1,
  power: 0.4,
  corrupt: 0.4,
};
/** Hold (fault → heal) per family, where it differs from the run's timing. */
const HOLD_MS: Partial<Record<BaseFamily, readonly [number, number]>> = {
  power: [1_000, 3_000],
  corrupt: [1_000, 3_000],
};
/** Extra quiet after the heal of these families: every broker (or one) restarts from disk. */
const AFTER_HEAL_QUIET_MS: Partial<Record<BaseFamily, readonly [number, number]>> = {
  power: [3_000, 5_000],
  corrupt: [2_000, 4_000],
};
/** Whether a run with these nemeses can pick `power` (its brokers need the power-loss layer). */
export function includesPower(names: readonly NemesisName[]): boolean {
  return names.includes('power') || names.includes('mixed');
}
/** Whether a run with these nemeses can pick `corrupt`. */
export function includesCorrupt(names: readonly NemesisName[]): boolean {
  return names.includes('corrupt') || names.includes('mixed');
}
export const NEMESIS_NAMES = [...BASE_FAMILIES, 'mixed'] as const;
export type NemesisName = (typeof NEMESIS_NAMES)[number];

export function isNemesisName(name: string): name is NemesisName {
  return (NEMESIS_NAMES as readonly string[]).includes(name);
}

/** One fault window, for the report and the timeline. */
export interface FaultWindow {
  readonly family: BaseFamily;
  readonly description: string;
  readonly startNs: number;
  healNs: number | undefined;
}

export interface NemesisTiming {
  readonly quietMs: readonly [number, number];
  readonly holdMs: readonly [number, number];
}

export const DEFAULT_TIMING: NemesisTiming = { quietMs: [2_000, 4_000], holdMs: [3_000, 6_000] };

interface ActiveFault {
  readonly window: FaultWindow;
  readonly heal: () => Promise<void>;
}

/** One power loss: what each broker had not fsynced at its last stats snapshot. */
export interface PowerLoss {
  readonly atS: number;
  /** Broker id → pendingBytes of its last snapshot (null: no readable snapshot). */
  readonly pendingBytes: Record<number, number | null>;
  /** Broker id → how old that snapshot was at the kill, ms. */
  readonly snapshotAgeMs: Record<number, number | null>;
}

/** What a LeaderMonitor saw of one key. */
export interface LeaderObservation {
  readonly key: Key;
  readonly leader: number;
  readonly epoch: number;
  readonly isr: readonly number[];
  readonly highWatermark: number;
  readonly timeNs: number;
}

/** One corrupt fault and what became of it (filled in as the run goes on; see run.ts). */
export interface Corruption {
  readonly broker: number;
  readonly damage: Damage;
  readonly killedAtS: number;
  /** The key's leader epoch and high watermark last seen before the kill. */
  readonly epochAtKill: number | null;
  readonly highWatermarkAtKill: number | null;
  restartedAtS: number | null;
  restartError: string | null;
  /** Where this restart's log output starts in ChaosCluster.output(broker). */
  logFrom: number;
  /** The partition's damage-marker file was seen (the broker recorded the damage). */
  markerSeen: boolean;
  markerSeenAtS: number | null;
  markerClearedAtS: number | null;
  /** Leaderships of the damaged key by the damaged broker, in a new epoch, after the restart. */
  readonly ledAfterRestart: { atS: number; epoch: number; markerPresent: boolean }[];
  /** Filled in at the end of the run from the broker's log. */
  detection?: { detected: boolean; messages: string[]; errors: number; warnings: number };
}

/** How long after its restart a damaged partition is watched when no marker shows up. */
const REPAIR_WATCH_MS = 30_000;
const MARKER_POLL_MS = 100;

const LEADER_LOOKUP_TIMEOUT_MS = 1_500;

export class Nemesis {
  readonly windows: FaultWindow[] = [];
  readonly powerLosses: PowerLoss[] = [];
  readonly corruptions: Corruption[] = [];
  private readonly lastSeen = new Map<Key, LeaderObservation>();
  private readonly watchers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private wake: () => void = () => undefined;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly recorder: HistoryRecorder,
    private readonly random: () => number,
    private readonly families: readonly NemesisName[],
    private readonly keys: readonly Key[],
    private readonly log: (line: string) => void,
    private readonly timing: NemesisTiming = DEFAULT_TIMING,
  ) {}

  /** Runs fault cycles until `endMs` (Date.now() scale) or `stop()`; the last fault is healed. */
  async run(endMs: number): Promise<void> {
    while (!this.stopped) {
      const quietMs = between(this.random, ...this.timing.quietMs);
      const holdMs = between(this.random, ...this.timing.holdMs);
      if (Date.now() + quietMs + holdMs + 1_000 > endMs) break;
      await this.sleep(quietMs);
      if (this.isStopped()) break;
      const families = this.pickFamilies();
      const hold = families.length === 1 ? HOLD_MS[families[0] as BaseFamily] : undefined;
      const active = await this.inject(families);
      await this.sleep(hold === undefined ? holdMs : between(this.random, ...hold));
      await this.healAll(active);
      const extra =
        families.length === 1 ? AFTER_HEAL_QUIET_MS[families[0] as BaseFamily] : undefined;
      if (extra !== undefined && !this.isStopped()) {
        await this.sleep(Math.min(between(this.random, ...extra), Math.max(0, endMs - Date.now())));
      }
    }
  }

  /** A LeaderMonitor observation: tracks epochs and who leads a partition under repair. */
  observe(observation: LeaderObservation): void {
    const seconds = observation.timeNs / 1e9;
    for (const corruption of this.corruptions) {
      if (corruption.damage.key !== observation.key || corruption.restartedAtS === null) continue;
      if (corruption.markerClearedAtS !== null) continue;
      if (!corruption.markerSeen && (seconds - corruption.restartedAtS) * 1_000 > REPAIR_WATCH_MS) {
        continue;
      }
      const markerPresent = this.checkMarker(corruption);
      const newEpoch =
        corruption.epochAtKill === null || observation.epoch > corruption.epochAtKill;
      if (observation.leader === corruption.broker && newEpoch) {
        const last = corruption.ledAfterRestart.at(-1);
        if (last?.epoch !== observation.epoch || last.markerPresent !== markerPresent) {
          corruption.ledAfterRestart.push({
            atS: round1(seconds),
            epoch: observation.epoch,
            markerPresent,
          });
        }
      }
    }
    this.lastSeen.set(observation.key, observation);
  }

  /** Looks at the damaged partition's damage marker; records when it appears and goes. */
  private checkMarker(corruption: Corruption): boolean {
    const present = existsSync(join(corruption.damage.directory, DAMAGE_MARKER_FILE));
    const seconds = round1(this.recorder.nowNs() / 1e9);
    if (present && !corruption.markerSeen) {
      corruption.markerSeen = true;
      corruption.markerSeenAtS = seconds;
    }
    if (!present && corruption.markerSeen && corruption.markerClearedAtS === null) {
      corruption.markerClearedAtS = seconds;
    }
    return present;
  }

  /**
   * Polls the marker every 100 ms from the restart until it is gone (or, when it never shows
   * up, for REPAIR_WATCH_MS): a repair can take less than one LeaderMonitor interval.
   */
  private watchMarker(corruption: Corruption): void {
    const startedMs = Date.now();
    const timer = setInterval(() => {
      this.checkMarker(corruption);
      const done =
        corruption.markerClearedAtS !== null ||
        (!corruption.markerSeen && Date.now() - startedMs > REPAIR_WATCH_MS);
      if (done || this.stopped) {
        clearInterval(timer);
        this.watchers.delete(timer);
      }
    }, MARKER_POLL_MS);
    this.watchers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.watchers) clearInterval(timer);
    this.watchers.clear();
    this.wake();
  }

  /** Read through a call: `stop()` may run while `run` awaits. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private pickFamilies(): BaseFamily[] {
    const pool = new Set<BaseFamily>();
    for (const family of this.families) {
      if (family === 'mixed') BASE_FAMILIES.forEach((base) => pool.add(base));
      else pool.add(family);
    }
    const available = [...pool];
    const mixed = this.families.includes('mixed');
    const weight = (family: BaseFamily): number => (mixed ? MIXED_WEIGHTS[family] : 1);
    const first = weightedPick(this.random, available, weight);
    if (SOLO_FAMILIES.includes(first)) return [first];
    const rest = available.filter((family) => family !== first && !SOLO_FAMILIES.includes(family));
    if (!mixed || rest.length === 0 || this.random() >= 0.3) return [first];
    return [first, weightedPick(this.random, rest, weight)];
  }

  private async inject(families: readonly BaseFamily[]): Promise<ActiveFault[]> {
    const active: ActiveFault[] = [];
    for (const family of families) {
      try {
        active.push(await this.injectOne(family));
      } catch (error) {
        this.log(`nemesis ${family} failed to start: ${String(error)}`);
      }
    }
    return active;
  }

  private async healAll(active: readonly ActiveFault[]): Promise<void> {
    for (const fault of [...active].reverse()) {
      try {
        await fault.heal();
      } catch (error) {
        this.log(`nemesis heal of ${fault.window.description} failed: ${String(error)}`);
      }
      fault.window.healNs = this.recorder.nowNs();
    }
  }

  private open(family: BaseFamily, description: string): FaultWindow {
    const window: FaultWindow = {
      family,
      description,
      startNs: this.recorder.nowNs(),
      healNs: undefined,
    };
    this.windows.push(window);
    this.log(`nemesis: ${description}`);
    return window;
  }

  private injectOne(family: BaseFamily): Promise<ActiveFault> {
    switch (family) {
      case 'kill':
        return this.kill();
      case 'pause':
        return this.pause();
      case 'partition':
        return this.partition();
      case 'delay':
        return Promise.resolve(this.delay());
      case 'power':
        return this.power();
      case 'corrupt':
        return this.corrupt();
    }
  }

  /** The current leader of a random key, or undefined when none is known quickly. */
  private async leaderOfRandomKey(): Promise<{ key: Key; leader: number } | undefined> {
    const key = choose(this.random, this.keys);
    const { topic, partition } = topicOfKey(key);
    try {
      const description = await Promise.race([
        this.cluster.describeTopic(topic),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('timeout')), LEADER_LOOKUP_TIMEOUT_MS),
        ),
      ]);
      const leader = description.partitions.find((p) => p.partition === partition)?.leader;
      return leader !== undefined && leader > 0 ? { key, leader } : undefined;
    } catch {
      return undefined;
    }
  }

  /** One or (in a cluster of 5) sometimes two running brokers; the first may be a leader. */
  private async targets(most?: number): Promise<{ brokers: number[]; why: string }> {
    const running = this.cluster.ids.filter((id) => this.cluster.isRunning(id));
    const minorityMax = Math.floor((this.cluster.ids.length - 1) / 2);
    const count = most ?? (minorityMax >= 2 && this.random() < 0.3 ? 2 : 1);
    const wantLeader = this.random() < 0.5;
    const chosen: number[] = [];
    let why = 'random';
    if (wantLeader) {
      const found = await this.leaderOfRandomKey();
      if (found !== undefined && running.includes(found.leader)) {
        chosen.push(found.leader);
        why = `leader of key ${found.key}`;
      }
    }
    for (const id of shuffled(this.random, running)) {
      if (chosen.length >= count) break;
      if (!chosen.includes(id)) chosen.push(id);
    }
    return { brokers: chosen, why };
  }

  private async kill(): Promise<ActiveFault> {
    const { brokers, why } = await this.targets();
    const window = this.open('kill', `kill -9 broker ${brokers.join(',')} (${why})`);
    for (const id of brokers) await this.cluster.kill9(id);
    this.recorder.nemesis('kill', { brokers, why });
    return {
      window,
      heal: async () => {
        for (const id of brokers) await this.cluster.restart(id);
        this.recorder.nemesis('restart', { brokers });
      },
    };
  }

  /**
   * Power loss: every broker killed in the same tick; each one's last power-loss stats
   * snapshot (written every 100 ms, read once it is dead) says how many bytes it had not
   * fsynced, which the kill dropped (at most: some may have been fsynced in the last 100 ms).
   */
  private async power(): Promise<ActiveFault> {
    const ids = this.cluster.ids.filter((id) => this.cluster.isRunning(id));
    const window = this.open('power', `power loss: kill -9 brokers ${ids.join(',')} at once`);
    const killedAtMs = Date.now();
    await Promise.all(ids.map((id) => this.cluster.kill9(id)));
    const pendingBytes: Record<number, number | null> = {};
    const snapshotAgeMs: Record<number, number | null> = {};
    for (const id of ids) {
      const stats = readPowerStats(this.cluster.broker(id).dataDir);
      const age = stats === undefined ? null : killedAtMs - stats.atMs;
      // A snapshot older than a second is not from the process just killed.
      const usable = stats !== undefined && age !== null && age < 1_000;
      pendingBytes[id] = usable ? stats.pendingBytes : null;
      snapshotAgeMs[id] = age;
    }
    this.powerLosses.push({
      atS: round1(this.recorder.nowNs() / 1e9),
      pendingBytes,
      snapshotAgeMs,
    });
    this.recorder.nemesis('power', { brokers: ids, pendingBytes, snapshotAgeMs });
    return {
      window,
      heal: async () => {
        const results = await Promise.allSettled(ids.map((id) => this.cluster.restart(id)));
        this.recorder.nemesis('restart', { brokers: ids, kind: 'power' });
        const failed = results.find((result) => result.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      },
    };
  }

  /**
   * Media damage to one stopped broker: kill -9, damage one workload partition's files
   * (corrupt.ts), restart on heal; `observe` then watches the repair.
   */
  private async corrupt(): Promise<ActiveFault> {
    const { brokers } = await this.targets(1);
    const id = brokers[0];
    if (id === undefined) throw new Error('no running broker to corrupt');
    const broker = this.cluster.broker(id);
    await this.cluster.kill9(id);
    const damage = damageBroker(this.random, broker.dataDir, this.keys);
    const window = this.open(
      'corrupt',
      damage === undefined
        ? `corrupt broker ${id}: kill -9, nothing to damage`
        : `corrupt broker ${id}: ${damage.kind} ${damage.file} @${damage.position}`,
    );
    const seen = damage === undefined ? undefined : this.lastSeen.get(damage.key);
    const killedAtS = round1(this.recorder.nowNs() / 1e9);
    this.recorder.nemesis('kill', { brokers: [id], why: 'corrupt' });
    const corruption: Corruption | undefined =
      damage === undefined
        ? undefined
        : {
            broker: id,
            damage,
            killedAtS,
            epochAtKill: seen?.epoch ?? null,
            highWatermarkAtKill: seen?.highWatermark ?? null,
            restartedAtS: null,
            restartError: null,
            logFrom: 0,
            markerSeen: false,
            markerSeenAtS: null,
            markerClearedAtS: null,
            ledAfterRestart: [],
          };
    if (corruption !== undefined) this.corruptions.push(corruption);
    this.recorder.nemesis('corrupt', {
      broker: id,
      ...(damage === undefined
        ? { damage: null }
        : {
            kind: damage.kind,
            key: damage.key,
            file: damage.file,
            position: damage.position,
            fileBytes: damage.fileBytes,
            flips: damage.flips,
            baseOffset: damage.baseOffset,
            lastOffset: damage.lastOffset,
            detail: damage.detail,
          }),
    });
    this.log(`nemesis: ${damage === undefined ? 'no damage applied' : damage.detail}`);
    return {
      window,
      heal: async () => {
        if (corruption !== undefined) {
          corruption.logFrom = this.cluster.output(id).length;
          // Recovery runs before the broker says it is ready: watch from the start.
          corruption.restartedAtS = round1(this.recorder.nowNs() / 1e9);
          this.watchMarker(corruption);
        }
        try {
          await this.cluster.restart(id);
          this.recorder.nemesis('restart', { brokers: [id], kind: 'corrupt' });
        } catch (error) {
          const message = String(error);
          if (corruption !== undefined) corruption.restartError = message.slice(0, 4_000);
          this.recorder.nemesis('restart-failed', { brokers: [id], error: message.slice(0, 500) });
          throw error;
        }
      },
    };
  }

  private async pause(): Promise<ActiveFault> {
    const { brokers, why } = await this.targets();
    const window = this.open('pause', `SIGSTOP broker ${brokers.join(',')} (${why})`);
    for (const id of brokers) this.cluster.pause(id);
    this.recorder.nemesis('pause', { brokers, why });
    return {
      window,
      heal: () => {
        for (const id of brokers) this.cluster.resume(id);
        this.recorder.nemesis('resume', { brokers });
        return Promise.resolve();
      },
    };
  }

  private async partition(): Promise<ActiveFault> {
    const ids = this.cluster.ids;
    const kinds = ['isolate-one', 'isolate-leader', 'majority-minority', 'ring', 'one-way'];
    const kind = choose(this.random, kinds);
    const cuts: [number, number][] = [];
    let detail: string;
    const cutBoth = (a: number, b: number): void => {
      cuts.push([a, b], [b, a]);
    };
    if (kind === 'isolate-one' || kind === 'isolate-leader' || kind === 'one-way') {
      let victim = choose(this.random, ids);
      if (kind === 'isolate-leader') victim = (await this.leaderOfRandomKey())?.leader ?? victim;
      for (const other of ids) {
        if (other === victim) continue;
        if (kind === 'one-way') cuts.push([victim, other]);
        else cutBoth(victim, other);
      }
      detail = kind === 'one-way' ? `${victim} cannot send to the others` : `${victim} alone`;
    } else if (kind === 'majority-minority') {
      const order = shuffled(this.random, ids);
      const minority = order.slice(0, Math.floor((ids.length - 1) / 2));
      const majority = order.slice(minority.length);
      for (const a of minority) for (const b of majority) cutBoth(a, b);
      detail = `[${minority.join(',')}] | [${majority.join(',')}]`;
    } else {
      // Ring: each broker sees only its two neighbours (with 3 brokers: a bridge, one pair cut).
      const order = shuffled(this.random, ids);
      const neighbours = (a: number, b: number): boolean => {
        const distance = Math.abs(order.indexOf(a) - order.indexOf(b));
        return distance === 1 || distance === order.length - 1;
      };
      if (ids.length <= 3) cutBoth(order[0] ?? 1, order[1] ?? 2);
      else for (const a of ids) for (const b of ids) if (a < b && !neighbours(a, b)) cutBoth(a, b);
      detail = ids.length <= 3 ? `bridge ${order.join('-')}` : `ring ${order.join('-')}`;
    }
    const window = this.open('partition', `partition ${kind}: ${detail}`);
    for (const [from, to] of cuts) {
      this.cluster.link(from, to).cut('forward', 'drop');
      this.cluster.link(to, from).cut('backward', 'drop');
    }
    this.recorder.nemesis('partition', { kind, detail, cuts });
    return {
      window,
      heal: () => {
        this.cluster.healNetwork();
        this.recorder.nemesis('heal', { kind: 'partition' });
        return Promise.resolve();
      },
    };
  }

  private delay(): ActiveFault {
    const lossy = this.random() < 0.5;
    const delayMs = lossy ? between(this.random, 5, 40) : between(this.random, 50, 250);
    const probability = lossy ? between(this.random, 1, 20) / 1_000 : 0;
    const description = lossy
      ? `lossy links: resets p=${probability} per chunk, delay ${delayMs} ms`
      : `slow links: delay ${delayMs} ms`;
    const window = this.open('delay', description);
    for (const link of this.cluster.links.values()) {
      link.delay(delayMs);
      link.lossy(probability);
    }
    for (const id of this.cluster.ids) {
      const proxy = this.cluster.broker(id).clientProxy;
      proxy.delay(delayMs);
      proxy.lossy(probability / 4);
    }
    this.recorder.nemesis('delay', { delayMs, resetProbability: probability });
    return {
      window,
      heal: () => {
        this.cluster.healNetwork();
        this.recorder.nemesis('heal', { kind: 'delay' });
        return Promise.resolve();
      },
    };
  }
}

function weightedPick<T>(
  random: () => number,
  items: readonly T[],
  weight: (item: T) => number,
): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let pick = random() * total;
  for (const item of items) {
    pick -= weight(item);
    if (pick < 0) return item;
  }
  return choose(random, items);
}

/** The broker's last power-loss stats snapshot, or undefined. */
export function readPowerStats(dataDir: string): PowerLossStats | undefined {
  try {
    const value = JSON.parse(
      readFileSync(join(dataDir, POWER_LOSS_STATS_FILE), 'utf8'),
    ) as Partial<PowerLossStats>;
    if (typeof value.pendingBytes !== 'number' || typeof value.atMs !== 'number') return undefined;
    return value as PowerLossStats;
  } catch {
    return undefined;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * Watches every key's leader and leader epoch (through any broker that answers); each change
 * is fault evidence for the checker.
 */
export class LeaderMonitor {
  readonly evidence: string[] = [];
  private readonly last = new Map<Key, { leader: number; epoch: number; isr: string }>();
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  private readonly listeners: ((observation: LeaderObservation) => void)[] = [];

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly keys: readonly Key[],
    private readonly recorder: HistoryRecorder,
    private readonly intervalMs = 500,
  ) {}

  /** Calls `listener` with every observation of a key that has a leader. */
  listen(listener: (observation: LeaderObservation) => void): void {
    this.listeners.push(listener);
  }

  start(): void {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /** One look at every key (also used before and after the run). */
  async observe(): Promise<void> {
    const topics = [...new Set(this.keys.map((key) => topicOfKey(key).topic))];
    for (const topic of topics) {
      let description;
      try {
        description = await this.cluster.describeTopic(topic);
      } catch {
        continue;
      }
      for (const partition of description.partitions) {
        const key = this.keys.find((candidate) => {
          const tp = topicOfKey(candidate);
          return tp.topic === topic && tp.partition === partition.partition;
        });
        if (key === undefined || partition.leader < 0) continue;
        const before = this.last.get(key);
        const isr = [...partition.isr].sort((a, b) => a - b).join(',');
        const now = { leader: partition.leader, epoch: partition.leaderEpoch, isr };
        const seconds = (this.recorder.nowNs() / 1e9).toFixed(1);
        if (before !== undefined && (before.leader !== now.leader || before.epoch !== now.epoch)) {
          this.evidence.push(
            `leader of key ${key} changed ${before.leader}→${now.leader} (epoch ${before.epoch}→${now.epoch}) by ${seconds} s`,
          );
        }
        if (before !== undefined && before.isr !== now.isr) {
          this.evidence.push(
            `ISR of key ${key} changed [${before.isr}]→[${now.isr}] by ${seconds} s`,
          );
        }
        this.last.set(key, now);
        const observation: LeaderObservation = {
          key,
          leader: partition.leader,
          epoch: partition.leaderEpoch,
          isr: [...partition.isr],
          highWatermark: partition.highWatermark,
          timeNs: this.recorder.nowNs(),
        };
        for (const listener of this.listeners) listener(observation);
      }
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.observe();
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }
}
