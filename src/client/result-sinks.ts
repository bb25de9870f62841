/**
 * Where acknowledgements go. One sink stands for one `send` or one `sendMany` call, however many
 * records and batches it spans, so a call of 100,000 records costs one promise, not 100,000.
 *
 * A sink settles once: the first failure rejects it (later outcomes are ignored); success
 * resolves it when every record has been acknowledged.
 */
import type { BrookError } from '../protocol/errors.js';
import type { ResultSink } from './accumulator.js';
import type { RecordMetadata } from './types.js';

function noop(): void {
  // Marks a promise as observed: its rejection is delivered to whoever awaits it, and a caller
  // that never awaits does not crash the process with an unhandled rejection.
}

export class SingleResultSink implements ResultSink {
  readonly promise: Promise<RecordMetadata>;
  private resolve!: (metadata: RecordMetadata) => void;
  private reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(noop);
  }

  succeed(
    _index: number,
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
  ): void {
    this.resolve({ topic, partition, offset, timestamp });
  }

  fail(error: BrookError): void {
    this.reject(error);
  }
}

export class ManyResultSink implements ResultSink {
  readonly promise: Promise<RecordMetadata[]>;
  private readonly results: RecordMetadata[];
  private remaining: number;
  private settled = false;
  private resolve!: (results: RecordMetadata[]) => void;
  private reject!: (error: unknown) => void;

  constructor(count: number) {
    this.results = new Array<RecordMetadata>(count);
    this.remaining = count;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.promise.catch(noop);
  }

  succeed(
    index: number,
    topic: string,
    partition: number,
    offset: number,
    timestamp: number,
  ): void {
    if (this.settled) return;
    this.results[index] = { topic, partition, offset, timestamp };
    this.remaining -= 1;
    if (this.remaining === 0) {
      this.settled = true;
      this.resolve(this.results);
    }
  }

  fail(error: BrookError): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}
