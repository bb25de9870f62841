/**
 * Splits a byte stream into lines without decoding it: values are produced as the exact bytes
 * between newlines (a trailing "\r" is dropped, so CRLF input works), and a key separator is
 * searched as bytes. Only the unfinished last line is held between chunks, and it may not grow
 * beyond `lineBytesMax`: an endless line fails instead of exhausting memory.
 */
import { BrookError } from '../client/index.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private lineNumber = 0;

  constructor(private readonly lineBytesMax: number) {}

  /** The lines completed by `chunk`, in order. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(this.finish(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.partial.push(chunk.subarray(start));
      this.partialBytes += chunk.length - start;
      if (this.partialBytes > this.lineBytesMax) {
        throw new BrookError(
          'RECORD_TOO_LARGE',
          `record too large: line ${this.lineNumber + 1} is longer than ${this.lineBytesMax} bytes`,
        );
      }
    }
    return lines;
  }

  /** The last line when the input did not end with a newline. */
  end(): Buffer | undefined {
    if (this.partialBytes === 0) return undefined;
    return this.finish(Buffer.alloc(0));
  }

  private finish(tail: Buffer): Buffer {
    let line = tail;
    if (this.partial.length > 0) {
      line = Buffer.concat([...this.partial, tail]);
      this.partial = [];
      this.partialBytes = 0;
    }
    this.lineNumber += 1;
    return line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN
      ? line.subarray(0, -1)
      : line;
  }
}

/** Splits a line at the first `separator`: the key before it, the value after; no separator → null key. */
export function splitKey(
  line: Buffer,
  separator: Buffer | undefined,
): { key: Buffer | null; value: Buffer } {
  if (separator === undefined) return { key: null, value: line };
  const at = line.indexOf(separator);
  if (at < 0) return { key: null, value: line };
  return { key: line.subarray(0, at), value: line.subarray(at + separator.length) };
}
