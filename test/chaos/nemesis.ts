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
 * - mixed: each cycle picks a random subset (one or two) of the families above.
 *
 * All choices come from the run's seeded generator; wall-clock timing (how long a broker takes
 * to start, when a leader is looked up) still varies between runs.
 */
import type { ChaosCluster } from './cluster.js';
import type { Key } from './history.js';
import { topicOfKey } from './history.js';
import { between, choose, shuffled } from './random.js';
import type { HistoryRecorder } from './workload.js';

export const BASE_FAMILIES = ['kill', 'pause', 'partition', 'delay'] as const;
export type BaseFamily = (typeof BASE_FAMILIES)[number];
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

const LEADER_LOOKUP_TIMEOUT_MS = 1_500;

export class Nemesis {
  readonly windows: FaultWindow[] = [];
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
      const active = await this.inject(this.pickFamilies());
      await this.sleep(holdMs);
      await this.healAll(active);
    }
  }

  stop(): void {
    this.stopped = true;
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
    const count = mixed && available.length > 1 && this.random() < 0.3 ? 2 : 1;
    return shuffled(this.random, available).slice(0, count);
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
  private async targets(): Promise<{ brokers: number[]; why: string }> {
    const running = this.cluster.ids.filter((id) => this.cluster.isRunning(id));
    const minorityMax = Math.floor((this.cluster.ids.length - 1) / 2);
    const count = minorityMax >= 2 && this.random() < 0.3 ? 2 : 1;
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

/**
 * Watches every key's leader and leader epoch (through any broker that answers); each change
 * is fault evidence for the checker.
 */
export class LeaderMonitor {
  readonly evidence: string[] = [];
  private readonly last = new Map<Key, { leader: number; epoch: number; isr: string }>();
  private stopped = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly keys: readonly Key[],
    private readonly recorder: HistoryRecorder,
    private readonly intervalMs = 500,
  ) {}

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
