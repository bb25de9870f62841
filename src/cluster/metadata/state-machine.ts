/**
 * The controller group's state machine: the replica loop applies every committed data batch of
 * the controller log here, on every broker (voters and learners), and each broker reads the
 * result through `MetadataView` (cluster/types.ts).
 *
 * Apply: each record of a batch is one JSON `MetadataCommand`; a command that is malformed or
 * no longer fits the state is skipped deterministically (counted in `ignoredCommands`, never
 * logged, never thrown), so every replica ends with the same state. Listeners hear each change
 * synchronously after it is applied; after `restore` they hear the difference between the old
 * and the new state (metadata/snapshot.ts, `diffMetadata`).
 *
 * Must not: do I/O, read a clock or a random source (time and ids arrive inside commands), or
 * throw for an entry it does not understand. A listener that throws does not stop the other
 * listeners; the first error is rethrown once all have heard the change (a bug in a listener
 * fails the replica loudly rather than leaving brokers half-informed).
 */
import type { Offset } from '../../raft/types.js';
import type { AppliedEntry, StateMachine } from '../../replica/state-machine.js';
import type { BrokerId } from '../../util/brand.js';
import type {
  BrokerRegistration,
  MetadataChange,
  MetadataView,
  TopicAssignment,
} from '../types.js';
import { commandValuesOf, parseCommand } from './commands.js';
import { applyCommand, emptyMetadata } from './metadata-state.js';
import type { MetadataData } from './metadata-state.js';
import { decodeMetadataSnapshot, diffMetadata, encodeMetadataSnapshot } from './snapshot.js';

type Listener = (change: MetadataChange) => void;

/** Why the last ignored command was ignored (diagnostics; not part of the state). */
export interface IgnoredCommand {
  readonly offset: number;
  readonly reason: string;
}

export class MetadataStateMachine implements StateMachine, MetadataView {
  private state: MetadataData = emptyMetadata();
  private applied = -1;
  private readonly listeners = new Set<Listener>();
  /** Commands skipped because they were malformed or no longer fit (same on every replica). */
  ignoredCommands = 0;
  appliedCommands = 0;
  lastIgnored: IgnoredCommand | null = null;

  // ---- StateMachine ----

  apply(entry: AppliedEntry): void {
    const values = commandValuesOf(entry.bytes);
    if (values === null) {
      this.ignore(entry.baseOffset, 'not a controller batch');
    } else {
      for (const [index, value] of values.entries()) {
        this.applyValue(entry.baseOffset + index, value);
      }
    }
    this.applied = entry.lastOffset;
  }

  snapshot(): Uint8Array {
    return encodeMetadataSnapshot(this.state);
  }

  restore(bytes: Uint8Array, lastOffset: Offset): void {
    const before = this.state;
    this.state = decodeMetadataSnapshot(bytes);
    this.applied = lastOffset;
    this.notify(diffMetadata(before, this.state));
  }

  // ---- MetadataView ----

  get clusterId(): string | null {
    return this.state.clusterId;
  }

  get appliedOffset(): number {
    return this.applied;
  }

  brokers(): readonly BrokerRegistration[] {
    return [...this.state.brokers.values()].sort((a, b) => a.id - b.id);
  }

  broker(id: BrokerId): BrokerRegistration | undefined {
    return this.state.brokers.get(id);
  }

  topics(): readonly TopicAssignment[] {
    return [...this.state.topics.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  topic(name: string): TopicAssignment | undefined {
    return this.state.topics.get(name);
  }

  topicById(topicId: string): TopicAssignment | undefined {
    return this.state.topicsById.get(topicId);
  }

  onChange(listener: Listener): () => void {
    // Wrapped, so the same function registered twice is two subscriptions.
    const subscription: Listener = (change) => listener(change);
    this.listeners.add(subscription);
    return () => this.listeners.delete(subscription);
  }

  // ---- internals ----

  private applyValue(offset: number, value: unknown): void {
    const command = parseCommand(value);
    if (command === null) {
      this.ignore(offset, 'malformed command');
      return;
    }
    const outcome = applyCommand(this.state, command);
    if (!outcome.applied) {
      this.ignore(offset, `${command.type}: ${outcome.reason}`);
      return;
    }
    this.appliedCommands += 1;
    this.notify(outcome.changes);
  }

  private ignore(offset: number, reason: string): void {
    this.ignoredCommands += 1;
    this.lastIgnored = { offset, reason };
  }

  private notify(changes: readonly MetadataChange[]): void {
    let failure: { readonly error: unknown } | null = null;
    for (const change of changes) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch (error) {
          failure ??= { error };
        }
      }
    }
    if (failure !== null) throw failure.error;
  }
}
