/**
 * Adapters from grpc-js call shapes to plain async functions: every handler gets the decoded
 * request and an AbortSignal that fires when the client goes away, and whatever it throws goes
 * back as a status with a Brook error code (never as a crash).
 */
import type * as grpc from '@grpc/grpc-js';
import { BrookError } from '../protocol/errors.js';
import { toServiceError } from '../protocol/grpc.js';
import type { Logger } from '../util/ports.js';
import { asBrookError } from './errors.js';

/**
 * A unary call. `track`, when given, registers the call's controller with the server, which
 * aborts it at shutdown (a long poll then answers with what it has instead of holding the
 * shutdown up); it returns the function that unregisters it.
 */
export function unary<Request, Response>(
  method: string,
  logger: Logger,
  handler: (request: Request, signal: AbortSignal) => Promise<Response>,
  track?: (controller: AbortController) => () => void,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort());
    const untrack = track?.(controller);
    // Through a promise, so that a handler throwing synchronously (a lookup of an unknown topic
    // before its first await) still answers with its Brook code instead of a bare UNKNOWN.
    Promise.resolve()
      .then(() => handler(call.request, controller.signal))
      .finally(() => untrack?.())
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(toServiceError(asBrookError(error, logger, method))),
      );
  };
}

/** Resolves when the stream may take more data, or when the call ends. */
function drained(
  call: grpc.ServerWritableStream<unknown, unknown>,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A server stream fed by an async iterable. Back-pressure: when grpc-js's buffer is full (the
 * client reads slowly, HTTP/2 flow control), the producer is not resumed until 'drain', so the
 * broker never buffers more than one chunk per slow stream.
 */
export function serverStream<Request, Response>(
  method: string,
  logger: Logger,
  handler: (request: Request, signal: AbortSignal) => AsyncIterable<Response>,
  register: (controller: AbortController) => () => void,
): grpc.handleServerStreamingCall<Request, Response> {
  return (call) => {
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort());
    let unregister: () => void;
    try {
      unregister = register(controller);
    } catch (error) {
      call.emit('error', toServiceError(asBrookError(error, logger, method)));
      return;
    }
    const pump = async (): Promise<void> => {
      for await (const message of handler(call.request, controller.signal)) {
        if (controller.signal.aborted) break;
        if (!call.write(message)) await drained(call, controller.signal);
      }
    };
    pump().then(
      () => {
        unregister();
        // Aborted with a reason (shutdown): tell the client why, so it can reconnect elsewhere.
        const reason: unknown = controller.signal.reason;
        if (reason instanceof BrookError) call.emit('error', toServiceError(reason));
        else call.end();
      },
      (error: unknown) => {
        unregister();
        call.emit('error', toServiceError(asBrookError(error, logger, method)));
      },
    );
  };
}
