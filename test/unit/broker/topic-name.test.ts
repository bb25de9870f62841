import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkTopicName } from '../../../src/broker/topic-name.js';
import { expectBrookError } from '../../support/expect-brook-error.js';

const LEGAL_CHARACTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
const LEGAL_LIST = LEGAL_CHARACTERS.split('');

describe('checkTopicName (Kafka’s topic-name rules)', () => {
  test.each([
    'a',
    'orders',
    'Orders.v2_final-1',
    '_internal',
    '-leading-dash',
    '...',
    '.hidden',
    'a..b',
    LEGAL_CHARACTERS,
    'x'.repeat(249),
  ])('accepts %j', (name) => {
    expect(() => checkTopicName(name)).not.toThrow();
  });

  test.each([
    ['empty', ''],
    ['"."', '.'],
    ['".."', '..'],
    ['250 characters', 'x'.repeat(250)],
    ['a space', 'my topic'],
    ['a leading space', ' orders'],
    ['a slash', 'a/b'],
    ['a path escape', '../etc'],
    ['a backslash', 'a\\b'],
    ['a colon', 'a:b'],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'orders\n'],
    ['a tab', 'a\tb'],
    ['an accented letter', 'café'],
    ['CJK', '主题'],
    ['an emoji', 'orders🚀'],
    ['a fullwidth letter', 'ａ'],
    ['a wildcard', 'orders*'],
  ])('refuses a name with %s as INVALID_TOPIC', (_what, name) => {
    expectBrookError(() => checkTopicName(name), 'INVALID_TOPIC');
  });

  test('accepts every name of 1..249 legal characters other than "." and ".."', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...LEGAL_LIST), minLength: 1, maxLength: 249 }),
        (name) => {
          fc.pre(name !== '.' && name !== '..');
          checkTopicName(name);
        },
      ),
    );
  });

  test('refuses every name with one character outside [a-zA-Z0-9._-]', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...LEGAL_LIST), maxLength: 100 }),
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 1 })
          .filter((char) => !LEGAL_CHARACTERS.includes(char)),
        fc.string({ unit: fc.constantFrom(...LEGAL_LIST), maxLength: 100 }),
        (before, illegal, after) => {
          const error = expectBrookError(
            () => checkTopicName(before + illegal + after),
            'INVALID_TOPIC',
          );
          expect(error.details).toEqual({ topic: before + illegal + after });
        },
      ),
    );
  });

  test('a very long name is refused with a bounded message and detail', () => {
    const name = 'x'.repeat(100_000);
    const error = expectBrookError(() => checkTopicName(name), 'INVALID_TOPIC');
    expect(error.message).toContain('100000 characters');
    expect(error.message.length).toBeLessThan(500);
    expect(error.details['topic']?.length).toBe(300);
  });
});
