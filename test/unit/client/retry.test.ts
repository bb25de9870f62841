import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, vi } from 'vitest';
import { unaryCall, type UnaryMethod } from '../../../src/client/connection.js';
import { backoffMs, retrying, type RetryPolicy } from '../../../src/client/retry.js';
import { BrookError, isBrookError } from '../../../src/protocol/errors.js';
import { toServiceError } from '../../../src/protocol/grpc.js';

const policy: RetryPolicy = { retries: 3, initialBackoffMs: 1, maxBackoffMs: 4 };

describe('backoffMs', () => {
  it('doubles up to the cap, jittered within [ceiling/2, ceiling]', () => {
    const slow: RetryPolicy = { retries: 10, initialBackoffMs: 100, maxBackoffMs: 1_000 };
    expect(backoffMs(0, slow, 0)).toBe(50);
    expect(backoffMs(0, slow, 0.999)).toBe(100);
    expect(backoffMs(2, slow, 0)).toBe(200);
    expect(backoffMs(2, slow, 0.999)).toBe(400);
    expect(backoffMs(10, slow, 0.999)).toBe(1_000);
    expect(backoffMs(1_000, slow, 0)).toBe(500);
  });
});

describe('retrying', () => {
  it('retries retriable errors and returns the first success', async () => {
    const operation = vi
      .fn<(attempt: number) => Promise<string>>()
      .mockRejectedValueOnce(new BrookError('NOT_LEADER', 'moved'))
      .mockRejectedValueOnce(new BrookError('BROKER_UNAVAILABLE', 'down'))
      .mockResolvedValue('ok');
    const retried: string[] = [];
    await expect(
      retrying(operation, { policy, onRetry: (error) => retried.push(error.code) }),
    ).resolves.toBe('ok');
    expect(retried).toEqual(['NOT_LEADER', 'BROKER_UNAVAILABLE']);
  });

  it('surfaces a non-retriable error at once', async () => {
    const operation = vi.fn(() => Promise.reject(new BrookError('UNKNOWN_TOPIC', 'no such topic')));
    await expect(retrying(operation, { policy })).rejects.toThrow('no such topic');
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('gives up after the configured retries with the last error', async () => {
    const operation = vi.fn((attempt: number) =>
      Promise.reject(new BrookError('NOT_LEADER', `attempt ${attempt}`)),
    );
    await expect(retrying(operation, { policy })).rejects.toThrow('attempt 3');
    expect(operation).toHaveBeenCalledTimes(4);
  });

  it('does not retry bugs (errors that are not BrookErrors)', async () => {
    const operation = vi.fn(() => Promise.reject(new TypeError('oops')));
    await expect(retrying(operation, { policy })).rejects.toThrow(TypeError);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when its signal aborts', async () => {
    const controller = new AbortController();
    const operation = vi.fn(() => Promise.reject(new BrookError('NOT_LEADER', 'moved')));
    const running = retrying(operation, {
      policy: { retries: 5, initialBackoffMs: 10_000, maxBackoffMs: 10_000 },
      signal: controller.signal,
    });
    controller.abort(new BrookError('BROKER_UNAVAILABLE', 'stopped'));
    await expect(running).rejects.toThrow('stopped');
  });
});

/** A fake unary stub that answers with `error` or `response` on the next tick. */
function fakeMethod(
  error: Partial<grpc.ServiceError> | null,
  response?: string,
): UnaryMethod<string, string> {
  return (_request, _metadata, options, callback) => {
    expect(options.deadline).toBeInstanceOf(Date);
    setImmediate(() => callback(error as grpc.ServiceError | null, response));
    return { cancel: () => undefined } as unknown as grpc.ClientUnaryCall;
  };
}

describe('unaryCall error mapping', () => {
  it('maps a failed call with a Brook code in its metadata to that code, keeping details', async () => {
    const status = toServiceError(
      new BrookError('UNKNOWN_TOPIC', 'unknown topic "x"', { details: { topic: 'x' } }),
    );
    const error = await unaryCall(fakeMethod(status as Partial<grpc.ServiceError>), 'request', {
      timeoutMs: 1_000,
    }).catch((caught: unknown) => caught);
    expect(isBrookError(error, 'UNKNOWN_TOPIC')).toBe(true);
    expect((error as BrookError).message).toBe('unknown topic "x"');
    expect((error as BrookError).details['topic']).toBe('x');
    expect((error as BrookError).retriable).toBe(false);
  });

  it('maps transport failures without a Brook code to retriable codes', async () => {
    const unavailable = await unaryCall(
      fakeMethod({
        code: grpc.status.UNAVAILABLE,
        details: 'connection refused',
        metadata: new grpc.Metadata(),
      }),
      'request',
      { timeoutMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(isBrookError(unavailable, 'BROKER_UNAVAILABLE')).toBe(true);
    expect((unavailable as BrookError).retriable).toBe(true);
    const deadline = await unaryCall(
      fakeMethod({
        code: grpc.status.DEADLINE_EXCEEDED,
        details: 'deadline',
        metadata: new grpc.Metadata(),
      }),
      'request',
      { timeoutMs: 1_000 },
    ).catch((caught: unknown) => caught);
    expect(isBrookError(deadline, 'REQUEST_TIMED_OUT')).toBe(true);
  });

  it('resolves with the response', async () => {
    await expect(unaryCall(fakeMethod(null, 'pong'), 'ping', { timeoutMs: 1_000 })).resolves.toBe(
      'pong',
    );
  });
});
