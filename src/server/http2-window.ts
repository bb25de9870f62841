/**
 * Large HTTP/2 receive windows for the broker's gRPC server.
 *
 * HTTP/2 starts every stream and every connection with a 64 KiB receive window, and the
 * receiver hands out more only as its event loop reads. On this kind of machine that caps one
 * stream near 200 MB/s idle, and far lower when the broker's event loop is busy: the produce
 * path (client → leader) and the replication stream (leader → follower) both send bulk data
 * *to* a gRPC server, so the window is the broker's to set (PERF-NOTES.md measures 4 MiB
 * windows at about 4× the throughput of the defaults).
 *
 * grpc-js 1.14 has a client option for this (`grpc-node.flow_control_window`) but none for the
 * server (grpc/grpc-node#3058 proposes one). Until it lands, this reaches into two internals of
 * `grpc.Server`: the options object every listener's `http2.createServer` receives (for the
 * per-stream SETTINGS_INITIAL_WINDOW_SIZE) and the method that creates each listener (to widen
 * every session's connection window). Both are checked before use; when a grpc-js upgrade
 * removes them the broker logs a warning and runs with the defaults, and
 * `test/integration/http2-window.test.ts` fails so that the upgrade does not go unnoticed.
 */
import type * as http2 from 'node:http2';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from '../util/ports.js';

/** The grpc-js internals used here, as far as they are used. */
interface ServerInternals {
  commonServerOptions?: http2.ServerOptions | null;
  createHttp2Server?: (credentials: grpc.ServerCredentials) => http2.Http2Server;
}

/**
 * Gives every stream and connection `bytes` of receive window. Call before `bindAsync`.
 * Returns false (after a warning) when this grpc-js version does not have the internals.
 */
export function widenReceiveWindows(server: grpc.Server, bytes: number, logger: Logger): boolean {
  const internals = server as unknown as ServerInternals;
  const options = internals.commonServerOptions;
  const create = internals.createHttp2Server;
  if (typeof options !== 'object' || options === null || typeof create !== 'function') {
    logger.warn(
      { windowBytes: bytes },
      'this grpc-js version has no known way to set the server HTTP/2 window; keeping 64 KiB',
    );
    return false;
  }
  options.settings = { ...options.settings, initialWindowSize: bytes };
  internals.createHttp2Server = (credentials) => {
    const listener = create.call(server, credentials);
    listener.on('session', (session: http2.ServerHttp2Session) => {
      // The connection window is not a setting: it grows by WINDOW_UPDATE, which Node sends
      // once its own settings are in place.
      session.once('localSettings', () => {
        if (!session.destroyed) session.setLocalWindowSize(bytes);
      });
    });
    return listener;
  };
  return true;
}
