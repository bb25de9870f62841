import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { widenReceiveWindows } from '../../src/server/http2-window.js';
import { MiB } from '../../src/util/limits.js';

const silent = pino({ level: 'silent' });
const HTTP2_DEFAULT_WINDOW = 65_535;

/** Connects a plain HTTP/2 client and reports the windows the server granted it. */
async function windowsGranted(port: number): Promise<{ stream: number; connection: number }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => resolve());
      session.once('error', reject);
    });
    // The connection window grows by a WINDOW_UPDATE that follows the settings exchange.
    const deadline = Date.now() + 300;
    while (session.state.remoteWindowSize === HTTP2_DEFAULT_WINDOW && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return {
      stream: session.remoteSettings.initialWindowSize ?? HTTP2_DEFAULT_WINDOW,
      connection: session.state.remoteWindowSize ?? HTTP2_DEFAULT_WINDOW,
    };
  } finally {
    session.destroy();
  }
}

describe('widenReceiveWindows (grpc-js internals it relies on)', () => {
  let server: grpc.Server | undefined;

  afterEach(() => {
    server?.forceShutdown();
    server = undefined;
  });

  async function listen(widen: boolean): Promise<number> {
    const created = new grpc.Server();
    server = created;
    if (widen) expect(widenReceiveWindows(created, 4 * MiB, silent)).toBe(true);
    return new Promise<number>((resolve, reject) => {
      created.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error === null) resolve(port);
        else reject(error);
      });
    });
  }

  it('grants senders a 4 MiB stream window and connection window', async () => {
    const port = await listen(true);
    expect(await windowsGranted(port)).toEqual({ stream: 4 * MiB, connection: 4 * MiB });
  });

  it('differs from what grpc-js grants by default', async () => {
    const port = await listen(false);
    expect(await windowsGranted(port)).toEqual({
      stream: HTTP2_DEFAULT_WINDOW,
      connection: HTTP2_DEFAULT_WINDOW,
    });
  });
});
