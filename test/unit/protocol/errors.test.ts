import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  BrookError,
  ERRORS,
  ERROR_CODES,
  GrpcStatus,
  grpcStatusOf,
  isBrookError,
  isErrorCode,
  isRetriable,
} from '../../../src/protocol/errors.js';
import { ErrorCode as ProtoErrorCode } from '../../../src/protocol/gen/brook/v1/ErrorCode.js';

const STATUS_VALUES = new Set<number>(Object.values(GrpcStatus));

describe('the error table', () => {
  test('GrpcStatus carries the numbers fixed by the gRPC specification', () => {
    expect(GrpcStatus).toMatchObject({ OK: 0, INVALID_ARGUMENT: 3, NOT_FOUND: 5, UNAVAILABLE: 14 });
    expect(Object.values(GrpcStatus)).toEqual([...Array(17).keys()]);
  });

  test.each(ERROR_CODES)(
    '%s has a non-OK gRPC status, a retriable flag and a description',
    (code) => {
      const spec = ERRORS[code];
      expect(STATUS_VALUES.has(spec.grpcStatus)).toBe(true);
      expect(spec.grpcStatus).not.toBe(GrpcStatus.OK);
      expect(typeof spec.retriable).toBe('boolean');
      expect(spec.description.length).toBeGreaterThan(10);
      expect(grpcStatusOf(code)).toBe(spec.grpcStatus);
      expect(isRetriable(code)).toBe(spec.retriable);
    },
  );

  test('ERROR_CODES lists exactly the table’s keys', () => {
    expect([...ERROR_CODES].sort()).toEqual(Object.keys(ERRORS).sort());
  });

  test('the protocol enum ErrorCode (records.proto) has exactly the table’s codes', () => {
    const protoCodes = Object.keys(ProtoErrorCode)
      .filter((name) => name !== 'ERROR_CODE_UNSPECIFIED')
      .map((name) => name.replace(/^ERROR_CODE_/, ''));
    expect(protoCodes.sort()).toEqual([...ERROR_CODES].sort());
  });

  // Other-language clients learn status and retriability from the comments in records.proto.
  test('records.proto documents each code with the table’s gRPC status and retriability', () => {
    const proto = readFileSync(
      new URL('../../../proto/brook/v1/records.proto', import.meta.url),
      'utf8',
    );
    const documented = new Map<string, { status: string; retriable: boolean }>();
    for (const match of proto.matchAll(
      /\/\/ ([A-Z_]+)(, retriable)?: [^\n]*\n\s*ERROR_CODE_([A-Z_]+) = \d+;/g,
    )) {
      documented.set(match[3]!, { status: match[1]!, retriable: match[2] !== undefined });
    }
    const statusNames = Object.fromEntries(
      Object.entries(GrpcStatus).map(([name, value]) => [value, name]),
    );
    for (const code of ERROR_CODES) {
      expect(documented.get(code), code).toEqual({
        status: statusNames[ERRORS[code].grpcStatus],
        retriable: ERRORS[code].retriable,
      });
    }
  });

  test.each([
    ['NOT_LEADER', true],
    ['BROKER_UNAVAILABLE', true],
    ['REQUEST_TIMED_OUT', true],
    ['UNKNOWN_TOPIC', false],
    ['INVALID_CONFIG', false],
    ['OFFSET_OUT_OF_RANGE', false],
  ] as const)('%s retriable = %s, as in Kafka', (code, retriable) => {
    expect(isRetriable(code)).toBe(retriable);
  });

  test('isErrorCode accepts the codes only, not Object.prototype names or other spellings', () => {
    for (const code of ERROR_CODES) expect(isErrorCode(code)).toBe(true);
    for (const other of [
      '',
      'toString',
      '__proto__',
      'constructor',
      'unknown_topic',
      'OK',
      1,
      null,
      undefined,
    ]) {
      expect(isErrorCode(other)).toBe(false);
    }
  });
});

describe('BrookError', () => {
  test('carries code, message, details, cause and the table’s retriable flag and status', () => {
    const cause = new Error('disk');
    const error = new BrookError('STORAGE_ERROR', 'write failed', {
      cause,
      details: { topic: 't' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BrookError');
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toBe('write failed');
    expect(error.details).toEqual({ topic: 't' });
    expect(error.cause).toBe(cause);
    expect(error.retriable).toBe(true);
    expect(error.grpcStatus).toBe(GrpcStatus.UNAVAILABLE);
  });

  test('has no details and no cause unless given', () => {
    const error = new BrookError('UNKNOWN', 'x');
    expect(error.details).toEqual({});
    expect('cause' in error).toBe(false);
  });

  test('isBrookError checks the class and, when given, the code', () => {
    const error = new BrookError('NOT_LEADER', 'x');
    expect(isBrookError(error)).toBe(true);
    expect(isBrookError(error, 'NOT_LEADER')).toBe(true);
    expect(isBrookError(error, 'UNKNOWN')).toBe(false);
    expect(isBrookError(Object.assign(new Error('x'), { code: 'NOT_LEADER' }))).toBe(false);
    expect(isBrookError(undefined)).toBe(false);
  });
});
