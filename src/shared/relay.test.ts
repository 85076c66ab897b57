import net, { type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { relay } from './relay.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A connected socket pair over loopback: [our end, far end]. */
async function pair(): Promise<[Socket, Socket]> {
  const server = net.createServer({ allowHalfOpen: true });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const far = new Promise<Socket>((r) => server.once('connection', r));
  const near = net.connect({
    port: (server.address() as AddressInfo).port,
    host: '127.0.0.1',
    allowHalfOpen: true,
  });
  await new Promise<void>((r) => near.once('connect', r));
  return [await far, near];
}

const collect = (s: Socket) => {
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(d));
  return {
    text: () => Buffer.concat(chunks).toString(),
    ended: new Promise<void>((r) => s.once('end', () => r())),
  };
};

describe('relay', () => {
  it('writes the head first, then pipes both ways and passes half-close through', async () => {
    // player: Gate's side `p`, the player's own socket `client`; channel: `c` and the backend `backend`.
    const [p, client] = await pair();
    const [backend, c] = await pair();
    let closedWith: Error | undefined | null = null;
    p.write('HEAD|');
    relay(p, c, (err) => (closedWith = err));
    const atClient = collect(client);
    const atBackend = collect(backend);
    client.end('hello');
    await atBackend.ended; // the player's FIN reached the backend…
    expect(atBackend.text()).toBe('hello');
    backend.end('world'); // …which can still answer.
    await atClient.ended;
    expect(atClient.text()).toBe('HEAD|world');
    await new Promise((r) => setTimeout(r, 50));
    expect(closedWith).toBeUndefined();
    expect(p.destroyed && c.destroyed).toBe(true);
  });

  it('destroys both sides when one fails', async () => {
    const [p, client] = await pair();
    const [backend, c] = await pair();
    client.on('error', () => {});
    const closed = new Promise<Error | undefined>((r) => relay(p, c, r));
    backend.on('error', () => {});
    backend.resetAndDestroy();
    const err = await closed;
    expect(err).toBeInstanceOf(Error);
    expect(p.destroyed).toBe(true);
    // The player sees its connection end rather than hang.
    await new Promise<void>((r) => (client.readableEnded ? r() : client.once('end', () => r())));
  });

  it('holds back a fast sender while the far reader is slow, and loses nothing', async () => {
    const [p, client] = await pair();
    const [backend, c] = await pair();
    relay(p, c);
    const total = 32 * 1024 * 1024;
    const block = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += block.length;
        if (!client.write(block)) return void client.once('drain', pump);
      }
      client.end();
    };
    pump();
    // The backend does not read for a while: the relay must pause the player's side instead of
    // buffering everything it is sent.
    backend.pause();
    await new Promise((r) => setTimeout(r, 300));
    expect(sent).toBeLessThan(total);
    expect(p.isPaused()).toBe(true);
    expect(c.writableLength).toBeLessThan(8 * 1024 * 1024);
    let received = 0;
    backend.on('data', (d: Buffer) => (received += d.length));
    backend.resume();
    await new Promise<void>((r) => backend.once('end', () => r()));
    expect(received).toBe(total);
  });

  it('starts a side that was handed over paused', async () => {
    const [p, client] = await pair();
    const [backend, c] = await pair();
    c.pause();
    relay(p, c);
    const atClient = collect(client);
    backend.end('from the server');
    await atClient.ended;
    expect(atClient.text()).toBe('from the server');
  });

  it('passes on a FIN that arrived while a side waited paused, before the relay started', async () => {
    const [p, client] = await pair();
    const [backend, c] = await pair();
    p.pause();
    client.end();
    // A paused socket with nothing buffered still emits 'end' when the FIN comes.
    p.on('end', () => {});
    await new Promise<void>((r) => p.once('end', () => r()));
    const atBackend = collect(backend);
    relay(p, c);
    await atBackend.ended;
    backend.end('bye');
    const atClient = collect(client);
    await atClient.ended;
    expect(atClient.text()).toBe('bye');
  });
});
