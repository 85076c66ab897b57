/**
 * The data plane end to end: a Hub, a Gate and a push-mode Link, all real, wired through routes
 * and agents created with the Hub API; real Minecraft clients and servers at both ends.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../src/gate/gate-config.js';
import { localRoute } from './support/hub-api.js';
import { startSystem, type AgentWithLink, type System } from './support/in-process.js';
import {
  connectPlayer,
  KEEP_ALIVE_ID,
  loginRefusal,
  mcPing,
  motdOf,
  textOf,
  waitForMotd,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';
import {
  closedPort,
  handshake,
  loginBytes,
  packet,
  parseProxyV2,
  rawConnect,
  readMcString,
  relayToBackend,
  splitPackets,
  startEchoBackend,
  startRecordingBackend,
  type RecordingBackend,
} from './support/raw-tcp.js';
import { waitFor } from './support/wait.js';

let system: System;
let backend: MinecraftBackend;
let wildBackend: MinecraftBackend;
let raw: RecordingBackend;
let main: AgentWithLink;

beforeAll(async () => {
  system = await startSystem({ tunnelTls: true });
  backend = await system.startBackend('Backend MOTD xyz');
  wildBackend = await system.startBackend('Wildcard MOTD');
  raw = await startRecordingBackend();
  system.cleanup.add('raw backend', () => raw.close());
  const echo = await startEchoBackend();
  system.cleanup.add('echo backend', () => echo.close());

  main = await system.addAgentWithLink('Main Server 01');
  const agentId = main.agent.ID;
  const api = system.api;
  await api.createRoute(localRoute('play.example.test', backend.port, agentId));
  await api.createRoute(localRoute('*.example.test', wildBackend.port, agentId));
  await api.createRoute(localRoute('down.example.test', await closedPort(), agentId));
  await api.createRoute(localRoute('forge.example.test', raw.port, agentId));
  await api.createRoute({
    ...localRoute('proxied.example.test', raw.port, agentId),
    proxy_protocol: true,
  });
  await api.createRoute(localRoute('echo.example.test', echo.port, agentId));
  // Routes reach the Gate over the bus and the Link by push; wait until both serve them.
  await waitForMotd('play.example.test', system.playerPort, 'Backend MOTD xyz', {
    timeoutMs: 8000,
    what: 'the first route to serve',
  });
}, 40_000);

afterAll(async () => {
  await system?.close();
});

/** A new route to the main backend (`change` alters its input), once the Gate serves it. */
async function servedRoute(domain: string, what: string, change: { target_ip?: string } = {}) {
  const route = await system.api.createRoute({
    ...localRoute(domain, backend.port, main.agent.ID),
    ...change,
  });
  await waitForMotd(domain, system.playerPort, 'Backend MOTD xyz', { what });
  return route;
}

describe('a route through Hub, Gate and a push-mode Link (TLS tunnel)', () => {
  it('shows the backend MOTD to a status ping through the tunnel', async () => {
    const status = await mcPing('play.example.test', system.playerPort);
    expect(textOf(status.description)).toBe('Backend MOTD xyz');
    expect(status.version.name).toBe('1.21.1');
    expect(status.players.max).toBe(20);
  });

  it('lets a player log in and exchange packets with the backend both ways', async () => {
    const player = connectPlayer('play.example.test', system.playerPort, 'Steve');
    try {
      await within(player.joined, 8000, 'join through the Gate');
      // Server → client: a keep_alive the client echoes; then a chat message the server sends on the echo.
      expect(await within(player.chat, 5000, 'welcome message')).toBe('welcome Steve');
      expect(backend.echoed.get('Steve')).toEqual([KEEP_ALIVE_ID]);
      expect(player.isEnded()).toBe(false);
    } finally {
      player.end();
    }
  });

  it('answers an unknown host itself: the no-route MOTD with a pong, and a login disconnect', async () => {
    const status = await mcPing('nobody.unknown.test', system.playerPort);
    expect(textOf(status.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
    // mc.ping resolves only after the pong to its ping: a latency means the Gate answered it.
    expect(typeof status.latency).toBe('number');
    const login = await loginRefusal('nobody.unknown.test', system.playerPort);
    expect(login).toEqual({ joined: false, disconnect: DEFAULT_TEXTS.kickNoRoute });
  });

  it('answers a status exchange sent in one segment for an unknown host: response, then the pong', async () => {
    const payload = Buffer.from('0123456789abcdef', 'hex');
    const all = Buffer.concat([
      handshake('nobody.unknown.test', { nextState: 1 }),
      packet(0x00, Buffer.alloc(0)),
      packet(0x01, payload),
    ]);
    const client = await rawConnect(system.playerPort, [all]);
    await within(client.closed, 3000, 'the Gate to answer and close');
    const packets = splitPackets(client.received());
    expect(packets.map((p) => p.id)).toEqual([0x00, 0x01]);
    const status = JSON.parse(readMcString(packets[0]!.body)) as { description: unknown };
    expect(textOf(status.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
    expect(packets[1]!.body.equals(payload)).toBe(true);
  });

  it('answers for a route whose target is down: offline MOTD with a pong, and a login disconnect', async () => {
    const status = await mcPing('down.example.test', system.playerPort);
    expect(textOf(status.description)).toBe(textOf({ text: DEFAULT_TEXTS.motdOffline }));
    expect(typeof status.latency).toBe('number');
    const login = await loginRefusal('down.example.test', system.playerPort);
    expect(login).toEqual({ joined: false, disconnect: DEFAULT_TEXTS.kickOffline });
  });

  it('serves a wildcard route for any sub-domain, while the exact route keeps precedence', async () => {
    expect(await motdOf('lobby.example.test', system.playerPort)).toBe('Wildcard MOTD');
    expect(await motdOf('A.B.Example.Test.', system.playerPort)).toBe('Wildcard MOTD');
    expect(await motdOf('play.example.test', system.playerPort)).toBe('Backend MOTD xyz');
    const player = connectPlayer('survival.example.test', system.playerPort, 'Wilder');
    try {
      await within(player.joined, 8000, 'join through the wildcard route');
      await waitFor(() => wildBackend.joined.includes('Wilder'), {
        what: 'the wildcard backend to see the player',
      });
      expect(backend.joined).not.toContain('Wilder');
    } finally {
      player.end();
    }
  });

  it('routes a Forge handshake by its host name and hands the backend the original bytes unchanged', async () => {
    const sent = loginBytes('forge.example.test\0FML3\0', 'Forgey');
    const { got } = await relayToBackend(system.playerPort, [sent], raw, sent.length);
    expect(got.equals(sent)).toBe(true);
  });

  it('routes a handshake that arrives one byte at a time and forwards every byte', async () => {
    const before = raw.connections.length;
    const sent = loginBytes('forge.example.test\0FML2\0', 'Slowpoke');
    const client = await rawConnect(system.playerPort, []);
    try {
      client.socket.setNoDelay(true);
      for (const byte of sent) {
        client.socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await waitFor(() => raw.connections.length > before, { what: 'a backend connection' });
      expect((await raw.waitBytes(before, sent.length)).equals(sent)).toBe(true);
    } finally {
      client.socket.destroy();
    }
  });

  it('gives the backend the player address in a PROXY v2 header before the original bytes', async () => {
    const sent = loginBytes('proxied.example.test', 'Proxied');
    const { got, clientPort } = await relayToBackend(
      system.playerPort,
      [sent],
      raw,
      16 + 12 + sent.length,
    );
    const header = parseProxyV2(got);
    expect(header).toMatchObject({
      command: 'PROXY',
      family: 'TCP4',
      sourceAddress: '127.0.0.1',
      sourcePort: clientPort,
      destAddress: '127.0.0.1',
      destPort: system.playerPort,
    });
    expect(got.subarray(header.length).equals(sent)).toBe(true);
  });

  it('routes a host name with a TCPShield-style real-IP suffix and forwards it unchanged', async () => {
    const sent = loginBytes('Forge.Example.Test.///203.0.113.5:25565///1700000000', 'Shield');
    const { got } = await relayToBackend(system.playerPort, [sent], raw, sent.length);
    expect(got.equals(sent)).toBe(true);
  });

  it('relays 4 MiB each way unchanged and passes half-closes through in both directions', async () => {
    const payload = randomBytes(4 * 1024 * 1024);
    const hs = handshake('echo.example.test', { nextState: 2 });
    const client = await rawConnect(system.playerPort, [hs, payload], { allowHalfOpen: true });
    // The player stops sending; the backend answers the FIN with a trailer and its own FIN.
    client.socket.end();
    await within(client.closed, 15_000, 'the echoed stream to end');
    const got = client.received();
    const expected = Buffer.concat([hs, payload, Buffer.from('|bye')]);
    expect(got.length).toBe(expected.length);
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(digest(got)).toBe(digest(expected));
  });

  it('answers a legacy (pre-1.7) server-list ping itself without reaching any backend', async () => {
    const before = raw.connections.length;
    const client = await rawConnect(system.playerPort, [Buffer.from([0xfe, 0x01])]);
    await within(client.closed, 3000, 'the Gate to answer and close');
    const answer = client.received();
    expect(answer[0]).toBe(0xff);
    expect(answer.subarray(3).swap16().toString('utf16le')).toContain(DEFAULT_TEXTS.motdLegacy);
    expect(raw.connections.length).toBe(before);
  });

  it('sends new connections to the new target once a route is changed through the API', async () => {
    const route = await servedRoute('moving.example.test', 'the new route to serve');
    await system.api.ok('PUT', `/api/routes/${route.ID}`, { target_port: wildBackend.port });
    await waitForMotd('moving.example.test', system.playerPort, 'Wildcard MOTD', {
      timeoutMs: 3000,
      what: 'the changed target to answer',
    });
    await system.api.deleteRoute(route.ID);
  });

  it('follows a route renamed through the API: the new name is served, the old one is unknown', async () => {
    const route = await servedRoute('old-name.example.org', 'the route under its first name');
    await system.api.ok('PUT', `/api/routes/${route.ID}`, { domain: 'new-name.example.org' });
    expect(await motdOf('old-name.example.org', system.playerPort)).toBe(DEFAULT_TEXTS.motdNoRoute);
    expect(await motdOf('new-name.example.org', system.playerPort)).toBe('Backend MOTD xyz');
    await system.api.deleteRoute(route.ID);
  });

  it('serves 40 players connecting at once, well past the pool of pre-opened channels', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        mcPing('play.example.test', system.playerPort).then((s) => textOf(s.description)),
      ),
    );
    expect(results.filter((m) => m === 'Backend MOTD xyz')).toHaveLength(40);
    const players = Array.from({ length: 8 }, (_, i) =>
      connectPlayer('play.example.test', system.playerPort, `Crowd${i}`),
    );
    try {
      const greetings = await within(
        Promise.all(players.map((p) => p.chat)),
        15_000,
        'eight greetings',
      );
      expect(greetings.sort()).toEqual(players.map((_, i) => `welcome Crowd${i}`).sort());
    } finally {
      for (const p of players) p.end();
    }
  });

  it('relays players over TLS tunnels without a process warning per connection', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 5; i++) await mcPing('play.example.test', system.playerPort);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('resolves a target host name on the Link side', async () => {
    const route = await servedRoute('named.example.org', 'the route with a host name target', {
      target_ip: 'localhost',
    });
    await system.api.deleteRoute(route.ID);
  });

  it('stops new connections to a route as soon as the API has deleted it', async () => {
    const route = await servedRoute('short-lived.example.org', 'the new route to serve');
    await system.api.deleteRoute(route.ID);
    // The very next connection after the API answered: no route any more.
    const status = await mcPing('short-lived.example.org', system.playerPort);
    expect(textOf(status.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
    const login = await loginRefusal('short-lived.example.org', system.playerPort);
    expect(login.disconnect).toBe(DEFAULT_TEXTS.kickNoRoute);
  });
});
