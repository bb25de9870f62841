import { describe, expect, it } from 'vitest';
import { LineSplitter, splitKey } from '../../../src/cli/line-splitter.js';
import { isBrookError } from '../../../src/client/index.js';

function lines(splitter: LineSplitter, chunks: readonly string[]): string[] {
  const out = chunks.flatMap((chunk) =>
    splitter.push(Buffer.from(chunk)).map((line) => line.toString()),
  );
  const last = splitter.end();
  return last === undefined ? out : [...out, last.toString()];
}

describe('LineSplitter', () => {
  it('splits lines across chunk boundaries and keeps empty lines', () => {
    expect(lines(new LineSplitter(100), ['a\nb', 'c\n\nd', 'e\n'])).toEqual(['a', 'bc', '', 'de']);
  });

  it('returns an unterminated last line, and no phantom line after a final newline', () => {
    expect(lines(new LineSplitter(100), ['x\ny'])).toEqual(['x', 'y']);
    expect(lines(new LineSplitter(100), ['x\n'])).toEqual(['x']);
    expect(lines(new LineSplitter(100), [])).toEqual([]);
  });

  it('drops the carriage return of CRLF line ends', () => {
    expect(lines(new LineSplitter(100), ['a\r\nb\r', '\n'])).toEqual(['a', 'b']);
  });

  it('keeps bytes as they are (no decoding)', () => {
    const splitter = new LineSplitter(100);
    const [line] = splitter.push(Buffer.from([0xff, 0xfe, 0x0a]));
    expect(line).toEqual(Buffer.from([0xff, 0xfe]));
  });

  it('fails a line that grows beyond the limit instead of buffering it', () => {
    const splitter = new LineSplitter(10);
    splitter.push(Buffer.from('ok\n12345'));
    let error: unknown;
    try {
      splitter.push(Buffer.from('678901'));
    } catch (caught) {
      error = caught;
    }
    expect(isBrookError(error, 'RECORD_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toMatch(/line 2 is longer than 10 bytes/);
  });
});

describe('splitKey', () => {
  const separator = Buffer.from(':');

  it('splits at the first separator only', () => {
    const { key, value } = splitKey(Buffer.from('user-1:a:b'), separator);
    expect(key?.toString()).toBe('user-1');
    expect(value.toString()).toBe('a:b');
  });

  it('gives a null key without a separator, an empty key or value at the edges', () => {
    expect(splitKey(Buffer.from('no key'), separator)).toEqual({
      key: null,
      value: Buffer.from('no key'),
    });
    expect(splitKey(Buffer.from(':v'), separator)).toEqual({
      key: Buffer.alloc(0),
      value: Buffer.from('v'),
    });
    expect(splitKey(Buffer.from('k:'), separator)).toEqual({
      key: Buffer.from('k'),
      value: Buffer.alloc(0),
    });
    expect(splitKey(Buffer.from('a::b'), Buffer.from('::'))).toEqual({
      key: Buffer.from('a'),
      value: Buffer.from('b'),
    });
    expect(splitKey(Buffer.from('a:b'), undefined)).toEqual({
      key: null,
      value: Buffer.from('a:b'),
    });
  });
});
