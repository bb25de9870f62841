/**
 * The chaos harness's link proxy (test/chaos/proxy.ts) over plain loopback sockets: it
 * forwards both ways, drops or holds bytes per direction, delays in order, resets, heals.
 */
import { createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkProxy } from '../../chaos/proxy.js';

interface Echo {
  readonly server: Server;
  readonly address: string;
  /** Bytes the target received, over all connections. */
  received: () => string;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A target that records what arrives and echoes it back upper-cased. */
async function startEcho(): Promise<Echo> {
  let received = '';
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      socket.write(chunk.toString().toUpperCase());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('no port');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { server, address: `127.0.0.1:${bound.port}`, received: () => received };
}

async function startProxy(target: string, random: () => number = () => 0.5): Promise<LinkProxy> {
  const proxy = await LinkProxy.start(target, random);
  cleanups.push(() => proxy.close());
  return proxy;
}

interface Client {
  readonly socket: Socket;
  text: () => string;
  closed: () => boolean;
}

async function connect(address: string): Promise<Client> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), address.split(':').pop()];
  const socket = new Socket();
  let text = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve) => socket.connect(Number(port), host, () => resolve()));
  cleanups.push(() => {
    socket.destroy();
    return Promise.resolve();
  });
  return { socket, text: () => text, closed: () => closed };
}

async function until(what: string, check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LinkProxy', () => {
  it('forwards bytes both ways', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address);
    const client = await connect(proxy.address);
    client.socket.write('hello');
    await until('the echo', () => client.text() === 'HELLO');
    expect(echo.received()).toBe('hello');
  });

  it('drops the forward direction only, and resets the broken stream on heal', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address);
    const client = await connect(proxy.address);
    proxy.cut('forward', 'drop');
    client.socket.write('lost');
    await settle();
    expect(echo.received()).toBe('');
    expect(client.closed()).toBe(false);
    proxy.heal();
    await until('the reset', () => client.closed());
    const again = await connect(proxy.address);
    again.socket.write('back');
    await until('the echo after heal', () => again.text() === 'BACK');
    expect(echo.received()).toBe('back');
  });

  it('drops the backward direction only: the target still receives', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address);
    const client = await connect(proxy.address);
    proxy.cut('backward', 'drop');
    client.socket.write('one-way');
    await until('the target', () => echo.received() === 'one-way');
    await settle();
    expect(client.text()).toBe('');
  });

  it('holds bytes while cut with hold, then delivers them in order on heal', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address);
    const client = await connect(proxy.address);
    proxy.cut('both', 'hold');
    client.socket.write('a');
    await settle(20);
    client.socket.write('b');
    await settle();
    expect(echo.received()).toBe('');
    proxy.heal();
    await until('held bytes', () => client.text() === 'AB' || client.text() === 'A' + 'B');
    expect(echo.received()).toBe('ab');
    expect(client.closed()).toBe(false);
  });

  it('delays every chunk and keeps the order', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address);
    const client = await connect(proxy.address);
    proxy.delay(150);
    const startedMs = Date.now();
    client.socket.write('x');
    await settle(10);
    client.socket.write('y');
    await until('the delayed echo', () => client.text() === 'XY', 3_000);
    // Two delayed hops (there and back): at least 2 × 150 ms.
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(290);
    expect(echo.received()).toBe('xy');
  });

  it('resets connections in lossy mode and on resetAll', async () => {
    const echo = await startEcho();
    const proxy = await startProxy(echo.address, () => 0.1);
    const client = await connect(proxy.address);
    proxy.lossy(0.5);
    client.socket.write('gone');
    await until('the lossy reset', () => client.closed());
    expect(proxy.resets).toBe(1);
    proxy.heal();
    const second = await connect(proxy.address);
    second.socket.write('ok');
    await until('the echo', () => second.text() === 'OK');
    proxy.resetAll();
    await until('resetAll', () => second.closed());
  });
});
