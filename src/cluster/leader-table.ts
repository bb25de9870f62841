/**
 * The leader table: which broker leads each partition, with its ISR and offsets, as partition
 * leaders report it in their broker heartbeats. Soft state (never replicated through Raft):
 *
 * - `LeaderTableAggregator`, on the controller leader: keeps the latest state per partition
 *   and a version per change, and answers each heartbeat with what changed since the version
 *   the broker last saw (a delta), or everything (`full`) when the broker's version belongs to
 *   another leader's table (`epoch` = the controller term) or predates the removals it forgot.
 * - `LeaderTableCache`, on every broker: applies the deltas; implements `LeaderTable`.
 *
 * Which report wins for a partition: the higher leader epoch (a Raft term has one leader);
 * within an epoch, the latest report of that leader. A broker's heartbeat lists every
 * partition it leads, so entries it led and no longer reports are removed (it stepped down),
 * as are the entries of a fenced broker and of a deleted topic.
 *
 * Worked example: table epoch 7 at version 4; broker 2 reports p0 (epoch 3) unchanged and
 * p1 (epoch 3) with a new high watermark: p1 gets version 5. A broker that last saw (7, 4)
 * receives { full: false, changed: [p1], removed: [] }; one that saw (6, 90) gets the whole
 * table with full: true.
 *
 * Must not: trust a report of a partition by a broker that does not claim to lead it.
 */
import type { BrokerId } from '../util/brand.js';
import { partitionGroupId } from './types.js';
import type { LeaderTable, PartitionState } from './types.js';

export interface PartitionKey {
  readonly topicId: string;
  readonly partition: number;
}

/** The version of the table a broker has seen: (epoch, version); (0, 0) when none. */
export interface TableVersion {
  readonly epoch: number;
  readonly version: number;
}

export interface LeaderTableDelta extends TableVersion {
  /** True: `changed` is the whole table and replaces what the receiver holds. */
  readonly full: boolean;
  readonly changed: readonly PartitionState[];
  readonly removed: readonly PartitionKey[];
}

interface Entry {
  readonly key: PartitionKey;
  /** Null: removed (a tombstone, kept so deltas can say so). */
  readonly state: PartitionState | null;
  readonly version: number;
}

/** Removed entries remembered for deltas; beyond it the oldest are forgotten (full answers). */
export const LEADER_TABLE_TOMBSTONES_MAX = 10_000;

function keyOf(topicId: string, partition: number): string {
  return partitionGroupId(topicId, partition);
}

function sameState(a: PartitionState, b: PartitionState): boolean {
  return (
    a.leader === b.leader &&
    a.leaderEpoch === b.leaderEpoch &&
    a.highWatermark === b.highWatermark &&
    a.logStartOffset === b.logStartOffset &&
    a.sizeBytes === b.sizeBytes &&
    a.topic === b.topic &&
    a.replicas.join() === b.replicas.join() &&
    a.isr.join() === b.isr.join()
  );
}

export class LeaderTableAggregator implements LeaderTable {
  private readonly entries = new Map<string, Entry>();
  private versionValue = 0;
  /** Deltas from a version below this miss forgotten removals: they get the full table. */
  private floorVersion = 0;
  private tombstones = 0;

  /** `seed`: the table this broker held before it became leader (kept until contradicted). */
  constructor(
    readonly epoch: number,
    seed: readonly PartitionState[] = [],
    private readonly tombstonesMax = LEADER_TABLE_TOMBSTONES_MAX,
  ) {
    for (const state of seed) this.put(state);
  }

  get version(): number {
    return this.versionValue;
  }

  get(topicId: string, partition: number): PartitionState | undefined {
    return this.entries.get(keyOf(topicId, partition))?.state ?? undefined;
  }

  states(): PartitionState[] {
    const states: PartitionState[] = [];
    for (const entry of this.entries.values()) if (entry.state !== null) states.push(entry.state);
    return states;
  }

  /** A broker's heartbeat: every partition it leads now. */
  report(broker: BrokerId, states: readonly PartitionState[]): void {
    const reported = new Set<string>();
    for (const state of states) {
      if (state.leader !== broker) continue;
      const key = keyOf(state.topicId, state.partition);
      reported.add(key);
      const existing = this.entries.get(key)?.state ?? null;
      if (existing !== null) {
        if (state.leaderEpoch < existing.leaderEpoch) continue;
        if (state.leaderEpoch === existing.leaderEpoch && existing.leader !== broker) continue;
        if (sameState(existing, state)) continue;
      }
      this.put(state);
    }
    this.removeWhere((state, key) => state.leader === broker && !reported.has(key));
  }

  /** Removes every entry `matches` selects (a fenced leader's, a deleted topic's). */
  removeWhere(matches: (state: PartitionState, key: string) => boolean): void {
    for (const [key, entry] of this.entries) {
      if (entry.state === null || !matches(entry.state, key)) continue;
      this.entries.set(key, { key: entry.key, state: null, version: ++this.versionValue });
      this.tombstones += 1;
    }
    if (this.tombstones > this.tombstonesMax) this.forgetTombstones();
  }

  /** What a broker that saw `seen` needs to be up to date. */
  deltaSince(seen: TableVersion): LeaderTableDelta {
    const full =
      seen.epoch !== this.epoch || seen.version < this.floorVersion || seen.version > this.version;
    const changed: PartitionState[] = [];
    const removed: PartitionKey[] = [];
    for (const entry of this.entries.values()) {
      if (!full && entry.version <= seen.version) continue;
      if (entry.state !== null) changed.push(entry.state);
      else if (!full) removed.push(entry.key);
    }
    return { epoch: this.epoch, version: this.version, full, changed, removed };
  }

  private put(state: PartitionState): void {
    const key = keyOf(state.topicId, state.partition);
    if (this.entries.get(key)?.state === null) this.tombstones -= 1;
    this.entries.set(key, {
      key: { topicId: state.topicId, partition: state.partition },
      state,
      version: ++this.versionValue,
    });
  }

  private forgetTombstones(): void {
    const dead = [...this.entries].filter(([, entry]) => entry.state === null);
    dead.sort(([, a], [, b]) => a.version - b.version);
    const drop = dead.slice(0, dead.length - Math.floor(this.tombstonesMax / 2));
    for (const [key, entry] of drop) {
      this.entries.delete(key);
      this.floorVersion = Math.max(this.floorVersion, entry.version);
    }
    this.tombstones = dead.length - drop.length;
  }
}

/** Every broker's copy of the controller leader's table (see the module comment). */
export class LeaderTableCache implements LeaderTable {
  private readonly entries = new Map<string, PartitionState>();
  private seen: TableVersion = { epoch: 0, version: 0 };

  get version(): TableVersion {
    return this.seen;
  }

  get(topicId: string, partition: number): PartitionState | undefined {
    return this.entries.get(keyOf(topicId, partition));
  }

  states(): PartitionState[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  apply(delta: LeaderTableDelta): void {
    if (delta.full) this.entries.clear();
    for (const state of delta.changed) {
      this.entries.set(keyOf(state.topicId, state.partition), state);
    }
    for (const key of delta.removed) this.entries.delete(keyOf(key.topicId, key.partition));
    this.seen = { epoch: delta.epoch, version: delta.version };
  }

  /** Drops the entries of a deleted topic at once (the next delta would, a moment later). */
  forgetTopic(topicId: string): void {
    for (const [key, state] of this.entries)
      if (state.topicId === topicId) this.entries.delete(key);
  }
}
