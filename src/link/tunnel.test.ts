import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentConfig, ConfigSnapshot, LinkView, RouteConfig } from '../bus/types.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import { createTunnelServer } from '../gate/tunnel-server.js';
import { loadTlsIdentity } from '../gate/tls-identity.js';
import type { TunnelServer } from '../gate/upstream.js';
import { encodeProxyV2 } from '../protocol/proxy-v2.js';
import { encodeFrame, FrameDecoder } from '../protocol/tunnel-frame.js';
import { decodeMessage, encodeMessage } from '../protocol/tunnel-messages.js';
import { createLogger } from '../shared/logger.js';
import { hashToken } from '../shared/token-hash.js';
import { createBusFollower } from './bus-follower.js';
import { createLink, type Link } from './link.js';
import { linkConfig } from './link-config.js';
import { createManualViewSource } from './view-source.js';

const TOKEN = 'tok-0123456789abcdef-secret';
const CLIENT = {
  sourceAddress: '203.0.113.7',
  sourcePort: 40000,
  destAddress: '198.51.100.1',
  destPort: 25565,
};

// Everything logged by every part in this file: the token must never show up in it.
const logLines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    logLines.push(String(chunk));
    done();
  },
});
const log = createLogger({ level: 'debug', destination: sink });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    const t = Date.now();
    await c();
    if (process.env.DEBUG_CLEANUP)
      console.log('cleanup', Date.now() - t, c.toString().slice(0, 80));
  }
});

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gatelink-tunnel-'));
  await loadTlsIdentity({ dataDir });
  return () => rm(dataDir, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A backend that records what it receives, echoes it, and says goodbye after the client's FIN. */
async function startBackend() {
  const received: Buffer[][] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    received.push(chunks);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      socket.write(d);
    });
    socket.on('end', () => socket.end('|bye'));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  return { port, received, bytes: (i: number) => Buffer.concat(received[i] ?? []) };
}

const agent = (tokenHash = hashToken(TOKEN), enabled = true): AgentConfig => ({
  id: 1,
  name: 'a',
  mode: 'push',
  enabled,
  tokenHash,
});

function route(targetPort: number, extra: Partial<RouteConfig> = {}): RouteConfig {
  return {
    id: 10,
    domain: 'play.example.com',
    targetIp: '127.0.0.1',
    targetPort,
    agentId: 1,
    proxyProtocol: false,
    ...extra,
  };
}

function snapshot(version: number, routes: RouteConfig[], agents = [agent()]): ConfigSnapshot {
  return { version, routes, agents };
}

async function startGate(opts: { tls?: boolean; poolSize?: number } = {}) {
  const events: Array<{ level: string; message: string; meta?: unknown }> = [];
  const gate = await createTunnelServer({
    gateId: 'g1',
    host: '127.0.0.1',
    port: 0,
    tls: opts.tls ?? true,
    dataDir,
    poolSize: opts.poolSize ?? 2,
    heartbeatMs: 200,
    openTimeoutMs: 2000,
    log,
  });
  gate.onEvent((e) => events.push(e));
  const { port } = await gate.listen();
  cleanups.push(() => gate.close());
  return { gate, port, events };
}

function viewFor(
  gate: TunnelServer,
  port: number,
  routes: LinkView['routes'],
  extra: Partial<LinkView> = {},
): LinkView {
  return {
    version: 1,
    agentId: 1,
    enabled: true,
    routes,
    gates: [
      { id: 'g1', tunnelAddr: `127.0.0.1:${port}`, tls: gate.tls, fingerprint: gate.fingerprint },
    ],
    ...extra,
  };
}

function startLink(view: LinkView, token = TOKEN, linkId = 'link-a') {
  const views = createManualViewSource();
  const link = createLink({
    config: linkConfig({
      token,
      linkId,
      backoffInitialMs: 50,
      backoffMaxMs: 300,
      targetTimeoutMs: 1000,
    }),
    log,
    views,
  });
  views.push(view);
  void link.start();
  cleanups.push(() => link.close());
  return { link, views };
}

const ready = (link: Link, idle: number) =>
  waitFor(
    () => link.status().some((s) => s.state === 'ready' && s.idleChannels >= idle),
    3000,
    'link ready',
  );

function collect(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

async function roundTrip(
  gate: TunnelServer,
  r: RouteConfig,
  initial: string,
  more: string,
): Promise<string> {
  const { socket, head } = await gate.open(r, CLIENT, Buffer.from(initial));
  const done = collect(socket);
  socket.resume();
  socket.end(more);
  return head.toString() + (await done);
}

describe('tunnel between a Gate and a Link', () => {
  it('relays bytes both ways through TLS and passes a half-close through in both directions', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    expect(gate.hasSession(1)).toBe(true);
    expect(gate.sessions()).toEqual([{ agentId: 1, links: 1 }]);

    const big = 'x'.repeat(256 * 1024);
    // The client ends its side first; the backend still answers after it, through the tunnel.
    expect(await roundTrip(gate, r, 'hello;', big)).toBe(`hello;${big}|bye`);
    expect(backend.bytes(0).toString()).toBe(`hello;${big}`);
  });

  it('dials a Gate over IPv6 with its address in brackets', async () => {
    const backend = await startBackend();
    const gate = await createTunnelServer({
      gateId: 'g6',
      host: '::1',
      port: 0,
      tls: true,
      dataDir,
      heartbeatMs: 200,
      log,
    });
    const { port } = await gate.listen();
    cleanups.push(() => gate.close());
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const view = viewFor(gate, port, [r]);
    const { link } = startLink({
      ...view,
      gates: [{ ...view.gates[0]!, id: 'g6', tunnelAddr: `[::1]:${port}` }],
    });
    await ready(link, 1);
    expect(await roundTrip(gate, r, 'six', '')).toBe('six|bye');
  });

  it('sends the player address to the backend in a PROXY v2 header before the first bytes', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backend.port, { proxyProtocol: true });
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 1);
    await roundTrip(gate, r, 'HANDSHAKE', '');
    expect(backend.bytes(0)).toEqual(
      Buffer.concat([encodeProxyV2(CLIENT), Buffer.from('HANDSHAKE')]),
    );
  });

  it('dials only the target of its own view and refuses a route it does not serve', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    // A Gate that names another target still reaches the Link's own target for that route id.
    expect(await roundTrip(gate, { ...r, targetIp: '10.9.9.9', targetPort: 1 }, 'a', 'b')).toBe(
      'ab|bye',
    );
    await expect(gate.open({ ...r, id: 999 }, CLIENT, Buffer.from('x'))).rejects.toMatchObject({
      code: 'GATE_ERR_TARGET_REFUSED',
    });
    expect(backend.received).toHaveLength(1);
  });

  it('answers target refused when the backend is down and link offline without a session', async () => {
    const { gate, port } = await startGate();
    const closed = await startBackend();
    const r = route(closed.port);
    const down = createServer();
    await new Promise<void>((res) => down.listen(0, '127.0.0.1', res));
    const deadPort = (down.address() as { port: number }).port;
    await new Promise<void>((res) => down.close(() => res()));
    gate.applyConfig(snapshot(1, [r, { ...r, id: 11, agentId: 2 }]));
    const { link } = startLink(viewFor(gate, port, [{ ...r, targetPort: deadPort }]));
    await ready(link, 2);
    await expect(gate.open(r, CLIENT, Buffer.alloc(0))).rejects.toMatchObject({
      code: 'GATE_ERR_TARGET_REFUSED',
    });
    await expect(
      gate.open({ ...r, id: 11, agentId: 2 }, CLIENT, Buffer.alloc(0)),
    ).rejects.toMatchObject({
      code: 'GATE_ERR_LINK_OFFLINE',
    });
  });

  it('replaces used channels and serves a burst larger than the pool', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate({ poolSize: 2 });
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    for (let i = 0; i < 3; i++) expect(await roundTrip(gate, r, `s${i}`, '')).toBe(`s${i}|bye`);
    await ready(link, 2);
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => roundTrip(gate, r, `b${i}`, '')),
    );
    expect(burst).toEqual(Array.from({ length: 8 }, (_, i) => `b${i}|bye`));
    expect(backend.received).toHaveLength(11);
    await ready(link, 2);
  });

  it('load-balances two Links of one agent and fails over when one goes away', async () => {
    const backendA = await startBackend();
    const backendB = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backendA.port);
    gate.applyConfig(snapshot(1, [r]));
    // Two hosts with the same token: each Link's own view says where "its" server is.
    const a = startLink(viewFor(gate, port, [r]), TOKEN, 'host-a');
    const b = startLink(
      viewFor(gate, port, [{ ...r, targetPort: backendB.port }]),
      TOKEN,
      'host-b',
    );
    await ready(a.link, 2);
    await ready(b.link, 2);
    expect(gate.sessions()).toEqual([{ agentId: 1, links: 2 }]);
    for (let i = 0; i < 6; i++) await roundTrip(gate, r, 'x', '');
    expect(backendA.received.length).toBe(3);
    expect(backendB.received.length).toBe(3);

    await a.link.close();
    await waitFor(() => gate.sessions()[0]?.links === 1, 2000, 'session of the closed link gone');
    for (let i = 0; i < 4; i++) expect(await roundTrip(gate, r, 'y', '')).toBe('y|bye');
    expect(backendA.received.length).toBe(3);
    expect(backendB.received.length).toBe(7);
  });

  it('retries an open on another Link when the session it was sent to dies before answering', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate({ tls: false });
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));

    // A Link that authenticates and offers one data channel, then dies when a player comes.
    const frames = (socket: Socket, onMessage: (m: ReturnType<typeof decodeMessage>) => void) => {
      const decoder = new FrameDecoder();
      let raw = false;
      socket.on('data', (d: Buffer) => {
        if (raw) return;
        decoder.push(d);
        for (let f = decoder.next(); f; f = decoder.next()) {
          const m = decodeMessage(f);
          // After an open the player's bytes follow unframed.
          raw = m.type === 'open';
          onMessage(m);
          if (raw) return;
        }
      });
      socket.on('error', () => {});
      cleanups.push(() => void socket.destroy());
    };
    const control = connect(port, '127.0.0.1');
    let opened = false;
    frames(control, (m) => {
      if (m.type === 'challenge') {
        control.write(
          encodeMessage({
            type: 'hello',
            version: 1,
            token: TOKEN,
            linkId: 'doomed',
            software: 't',
          }),
        );
      } else if (m.type === 'welcome') {
        const data = connect(port, '127.0.0.1');
        frames(data, (d) => {
          if (d.type === 'challenge') {
            const mac = createHmac('sha256', Buffer.from(m.sessionKey, 'hex'))
              .update(Buffer.from(d.nonce, 'hex'))
              .digest('hex');
            data.write(encodeMessage({ type: 'dataHello', sessionId: m.sessionId, mac }));
          } else if (d.type === 'open') {
            opened = true;
            control.destroy();
          }
        });
      }
    });
    await waitFor(() => gate.hasSession(1), 2000, 'doomed session');
    await new Promise((res) => setTimeout(res, 50));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    expect(gate.sessions()).toEqual([{ agentId: 1, links: 2 }]);

    expect(await roundTrip(gate, r, 'rescued', '')).toBe('rescued|bye');
    expect(opened).toBe(true);
    expect(gate.sessions()).toEqual([{ agentId: 1, links: 1 }]);
  });

  it('cuts sessions and live connections within a second when the token is rotated', async () => {
    const backend = await startBackend();
    const { gate, port, events } = await startGate();
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    const { socket } = await gate.open(r, CLIENT, Buffer.from('live'));
    const closed = new Promise<void>((res) => socket.once('close', () => res()));
    socket.resume();
    const started = Date.now();
    gate.applyConfig(snapshot(2, [r], [agent(hashToken('the-new-token-value'))]));
    expect(gate.hasSession(1)).toBe(false);
    await closed;
    expect(Date.now() - started).toBeLessThan(1000);
    // The Link keeps trying with the old token and is refused.
    await waitFor(() => link.status()[0]?.lastError === 'LINK_ERR_REFUSED', 2000, 'refusal');
    await waitFor(
      () => events.some((e) => e.message.startsWith('link refused')),
      2000,
      'refusal event',
    );
    expect(gate.hasSession(1)).toBe(false);
  });

  it('closes sessions of a disabled agent, and the Link closes its own when its view says disabled', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link, views } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    gate.applyConfig(snapshot(2, [r], [agent(undefined, false)]));
    expect(gate.hasSession(1)).toBe(false);
    views.push(viewFor(gate, port, [r], { version: 2, enabled: false }));
    expect(link.status()).toEqual([]);
  });

  it('refuses a bad token without ever writing the token to logs or events', async () => {
    const { gate, port, events } = await startGate();
    gate.applyConfig(snapshot(1, []));
    const wrong = 'wrong-token-do-not-log-me';
    const { link } = startLink(viewFor(gate, port, []), wrong);
    await waitFor(
      () => events.some((e) => e.message.startsWith('link refused')),
      2000,
      'refusal event',
    );
    await waitFor(
      () => link.status()[0]?.lastError === 'LINK_ERR_REFUSED',
      2000,
      'link sees the refusal',
    );
    expect(gate.hasSession(1)).toBe(false);
    const everything = JSON.stringify(events) + logLines.join('');
    expect(everything).toContain('link refused');
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(hashToken(wrong));
  });

  it('refuses a Gate whose certificate does not match the pinned fingerprint before sending anything', async () => {
    const { gate, port, events } = await startGate();
    gate.applyConfig(snapshot(1, []));
    const other = await loadTlsIdentity({ dataDir: join(dataDir, 'other') });
    const view = viewFor(gate, port, []);
    const { link } = startLink({
      ...view,
      gates: [{ ...view.gates[0]!, fingerprint: other.fingerprint }],
    });
    await waitFor(
      () => link.status()[0]?.lastError === 'LINK_ERR_FINGERPRINT_MISMATCH',
      2000,
      'mismatch',
    );
    await new Promise((res) => setTimeout(res, 100));
    // The Gate never saw a hello: no session, no refusal.
    expect(events).toEqual([]);
    expect(gate.hasSession(1)).toBe(false);
  });

  it('closes only the connection that sends a malformed frame or a forged data channel', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate({ tls: false });
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const { link } = startLink(viewFor(gate, port, [r]));
    await ready(link, 2);
    const sessionId = link.status()[0]!.sessionId!;

    const probe = async (bytes: Buffer) => {
      const s = connect(port, '127.0.0.1');
      const decoder = new FrameDecoder();
      const frames: string[] = [];
      s.on('data', (d: Buffer) => {
        decoder.push(d);
        for (let f = decoder.next(); f; f = decoder.next()) frames.push(decodeMessage(f).type);
      });
      s.on('error', () => {});
      s.write(bytes);
      await new Promise<void>((res) => s.once('close', () => res()));
      return frames;
    };
    const oversize = Buffer.alloc(5);
    oversize.writeUInt32BE(1 << 30, 0);
    expect(await probe(oversize)).toEqual(['challenge']);
    expect(await probe(encodeFrame(0x7e, Buffer.from('{}')))).toEqual(['challenge']);
    const forged = await probe(
      encodeMessage({ type: 'dataHello', sessionId, mac: '00'.repeat(32) }),
    );
    expect(forged).toEqual(['challenge', 'refused']);
    // The Link's session is untouched.
    expect(await roundTrip(gate, r, 'still', '')).toBe('still|bye');
  });

  it('drops a session whose Link stops answering heartbeats after three intervals', async () => {
    const { gate, port, events } = await startGate({ tls: false });
    gate.applyConfig(snapshot(1, []));
    // A Link that authenticates, then freezes: it never answers a ping.
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    cleanups.push(() => void s.destroy());
    const decoder = new FrameDecoder();
    const seen: string[] = [];
    s.on('data', (d: Buffer) => {
      decoder.push(d);
      for (let f = decoder.next(); f; f = decoder.next()) {
        const m = decodeMessage(f);
        seen.push(m.type);
        if (m.type === 'challenge')
          s.write(
            encodeMessage({
              type: 'hello',
              version: 1,
              token: TOKEN,
              linkId: 'frozen',
              software: 't',
            }),
          );
      }
    });
    await waitFor(() => gate.hasSession(1), 2000, 'session');
    const since = Date.now();
    await waitFor(() => !gate.hasSession(1), 3000, 'session dropped');
    // heartbeat 200 ms: declared dead after 3 silent intervals, not before.
    expect(Date.now() - since).toBeGreaterThanOrEqual(400);
    expect(seen.slice(0, 3)).toEqual(['challenge', 'welcome', 'ping']);
    expect(events.some((e) => (e.meta as { reason?: string }).reason === 'heartbeat')).toBe(true);
  });

  it('survives a Gate that resets its connections and keeps redialing it', async () => {
    let controls = 0;
    let resets = 0;
    const fake = createServer((socket) => {
      socket.on('error', () => {});
      const decoder = new FrameDecoder();
      socket.write(encodeMessage({ type: 'challenge', version: 1, nonce: '00'.repeat(32) }));
      socket.on('data', (d: Buffer) => {
        decoder.push(d);
        for (let f = decoder.next(); f; f = decoder.next()) {
          const m = decodeMessage(f);
          if (m.type === 'hello') {
            controls++;
            socket.write(
              encodeMessage({
                type: 'welcome',
                sessionId: 's',
                sessionKey: '11'.repeat(32),
                gateId: 'fake',
                agentId: 1,
                poolSize: 2,
                heartbeatMs: 200,
              }),
            );
            // Cut the control connection hard a moment later.
            setTimeout(() => {
              resets++;
              socket.resetAndDestroy();
            }, 50);
          } else if (m.type === 'dataHello') {
            resets++;
            socket.resetAndDestroy();
          }
        }
      });
    });
    await new Promise<void>((res) => fake.listen(0, '127.0.0.1', res));
    cleanups.push(() => new Promise<void>((res) => fake.close(() => res())));
    const port = (fake.address() as { port: number }).port;
    const { link } = startLink({
      version: 1,
      agentId: 1,
      enabled: true,
      routes: [],
      gates: [{ id: 'fake', tunnelAddr: `127.0.0.1:${port}`, tls: false, fingerprint: '' }],
    });
    await waitFor(() => controls >= 3 && resets >= 5, 4000, 'several resets and redials');
    expect(link.status()[0]?.state).not.toBe('stopped');
  });

  it('follows its view on the bus and drops a Gate that drains', async () => {
    const backend = await startBackend();
    const { gate, port } = await startGate();
    const r = route(backend.port);
    gate.applyConfig(snapshot(1, [r]));
    const bus = createMemoryBus();
    cleanups.push(() => bus.close());
    const link = createLink({
      config: linkConfig({
        token: TOKEN,
        linkId: 'redis-link',
        backoffInitialMs: 50,
        backoffMaxMs: 300,
      }),
      log,
      views: createBusFollower({ bus, token: TOKEN, log }),
    });
    await link.start();
    cleanups.push(() => link.close());
    expect(link.status()).toEqual([]);
    await bus.publishLinkView(hashToken(TOKEN), viewFor(gate, port, [r]));
    await ready(link, 2);
    expect(await roundTrip(gate, r, 'bus', '')).toBe('bus|bye');

    await gate.close();
    await waitFor(() => link.status()[0]?.state !== 'ready', 2000, 'link notices the drain');
    expect(link.view?.version).toBe(1);
  });
});
