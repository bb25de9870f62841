/**
 * The simulator's agenda: events ordered by (time, sequence). The sequence number breaks ties
 * in insertion order, so two events at the same millisecond always run in the same order and
 * a seed replays exactly.
 */

export interface SimEvent {
  readonly time: number;
  readonly sequence: number;
  /** What happens, for the trace (hashed, and printed with --verbose). */
  readonly label: string;
  readonly run: () => void;
}

export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, label: string, run: () => void): void {
    this.heap.push({ time, sequence: this.nextSequence++, label, run });
    this.up(this.heap.length - 1);
  }

  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  pop(): SimEvent | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private before(left: number, right: number): boolean {
    const a = this.heap[left];
    const b = this.heap[right];
    if (a === undefined || b === undefined) return false;
    return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
  }

  private swap(left: number, right: number): void {
    const a = this.heap[left];
    const b = this.heap[right];
    if (a === undefined || b === undefined) return;
    this.heap[left] = b;
    this.heap[right] = a;
  }

  private up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private down(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }
}
