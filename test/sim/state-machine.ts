/**
 * The simulator's state machine: its state is a running hash of every data entry applied (base
 * offset, last offset, term, batch CRC) and their count. Snapshots carry the hash, so a
 * follower restored from a leader's snapshot must reach the same hash at every later offset as
 * a replica that applied everything itself: the checker compares the hash per offset across
 * replicas and restarts.
 */
import { readBatchHeader } from '../../src/protocol/record-batch.js';
import type { Offset } from '../../src/raft/types.js';
import type { AppliedEntry, StateMachine } from '../../src/replica/state-machine.js';
import { mix32 } from './trace.js';

export type StateReporter = (lastOffset: number, hash: number, count: number) => void;

export class SimStateMachine implements StateMachine {
  private hash = 0;
  private count = 0;
  private appliedTo = -1;

  constructor(private readonly report: StateReporter) {}

  apply(entry: AppliedEntry): void {
    const { crc } = readBatchHeader(entry.bytes, 0);
    this.hash = mix32(this.hash, entry.baseOffset, entry.lastOffset, entry.term, crc);
    this.count += 1;
    this.appliedTo = entry.lastOffset;
    this.report(entry.lastOffset, this.hash, this.count);
  }

  snapshot(): Uint8Array {
    const state = { hash: this.hash, count: this.count, appliedTo: this.appliedTo };
    return new TextEncoder().encode(JSON.stringify(state));
  }

  restore(bytes: Uint8Array, lastOffset: Offset): void {
    if (bytes.length === 0) {
      this.hash = 0;
      this.count = 0;
    } else {
      const state = JSON.parse(new TextDecoder().decode(bytes)) as {
        hash: number;
        count: number;
        appliedTo: number;
      };
      this.hash = state.hash;
      this.count = state.count;
      if (state.appliedTo > lastOffset) {
        throw new Error(`snapshot state applied to ${state.appliedTo} but covers ${lastOffset}`);
      }
    }
    this.appliedTo = lastOffset;
    if (lastOffset >= 0) this.report(lastOffset, this.hash, this.count);
  }
}
