/**
 * The data plane end to end: a Hub, a Gate and a push-mode Link, all real, wired through routes
 * and agents created with the Hub API; real Minecraft clients and servers at both ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../src/gate/gate-config.js';
import type { AgentJson, LogJson } from './support/hub-api.js';
import { startSystem, type AgentWithLink, type System } from './support/in-process.js';
import {
  connectPlayer,
  KEEP_ALIVE_ID,
  loginRefusal,
  mcPing,
  startMinecraftBackend,
  textOf,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';
import { createHash, randomBytes } from 'node:crypto';
import {
  closedPort,
  handshake,
  loginStart,
  parseProxyV2,
  packet,
  rawConnect,
  readMcString,
  splitPackets,
  startBlobBackend,
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
  backend = await startMinecraftBackend('Backend MOTD xyz');
  system.cleanup.add('backend', () => backend.close());
  wildBackend = await startMinecraftBackend('Wildcard MOTD');
  system.cleanup.add('wildcard backend', () => wildBackend.close());
  raw = await startRecordingBackend();
  system.cleanup.add('raw backend', () => raw.close());
  const echo = await startEchoBackend();
  system.cleanup.add('echo backend', () => echo.close());

  main = await system.addAgentWithLink('Main Server 01');
  const agentId = main.agent.ID;
  const api = system.api;
  await api.createRoute({ domain: 'play.example.test', target_ip: '127.0.0.1', target_port: backend.port, agent_id: agentId });
  await api.createRoute({ domain: '*.example.test', target_ip: '127.0.0.1', target_port: wildBackend.port, agent_id: agentId });
  await api.createRoute({ domain: 'down.example.test', target_ip: '127.0.0.1', target_port: await closedPort(), agent_id: agentId });
  await api.createRoute({ domain: 'forge.example.test', target_ip: '127.0.0.1', target_port: raw.port, agent_id: agentId });
  await api.createRoute({
    domain: 'proxied.example.test',
    target_ip: '127.0.0.1',
    target_port: raw.port,
    agent_id: agentId,
    proxy_protocol: true,
  });
  await api.createRoute({ domain: 'echo.example.test', target_ip: '127.0.0.1', target_port: echo.port, agent_id: agentId });
  // Routes reach the Gate over the bus and the Link by push; wait until both serve them.
  await waitFor(async () => textOf((await mcPing('play.example.test', system.playerPort)).description) === 'Backend MOTD xyz', {
    timeoutMs: 8000,
    what: 'the first route to serve',
  });
}, 40_000);

afterAll(async () => {
  await system?.close();
});

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
    const all = Buffer.concat([handshake('nobody.unknown.test', { nextState: 1 }), packet(0x00, Buffer.alloc(0)), packet(0x01, payload)]);
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
    expect(textOf((await mcPing('lobby.example.test', system.playerPort)).description)).toBe('Wildcard MOTD');
    expect(textOf((await mcPing('A.B.Example.Test.', system.playerPort)).description)).toBe('Wildcard MOTD');
    expect(textOf((await mcPing('play.example.test', system.playerPort)).description)).toBe('Backend MOTD xyz');
    const player = connectPlayer('survival.example.test', system.playerPort, 'Wilder');
    try {
      await within(player.joined, 8000, 'join through the wildcard route');
      await waitFor(() => wildBackend.joined.includes('Wilder'), { what: 'the wildcard backend to see the player' });
      expect(backend.joined).not.toContain('Wilder');
    } finally {
      player.end();
    }
  });

  it('routes a Forge handshake by its host name and hands the backend the original bytes unchanged', async () => {
    const before = raw.connections.length;
    const sent = Buffer.concat([handshake('forge.example.test\0FML3\0', { nextState: 2 }), loginStart('Forgey')]);
    const client = await rawConnect(system.playerPort, [sent]);
    try {
      await waitFor(() => raw.connections.length > before, { what: 'a backend connection' });
      const got = await raw.waitBytes(before, sent.length);
      expect(got.equals(sent)).toBe(true);
    } finally {
      client.socket.destroy();
    }
  });

  it('routes a handshake that arrives one byte at a time and forwards every byte', async () => {
    const before = raw.connections.length;
    const sent = Buffer.concat([handshake('forge.example.test\0FML2\0', { nextState: 2 }), loginStart('Slowpoke')]);
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
    const before = raw.connections.length;
    const sent = Buffer.concat([handshake('proxied.example.test', { nextState: 2 }), loginStart('Proxied')]);
    const client = await rawConnect(system.playerPort, [sent]);
    try {
      await waitFor(() => raw.connections.length > before, { what: 'a backend connection' });
      const got = await raw.waitBytes(before, 16 + 12 + sent.length);
      const header = parseProxyV2(got);
      expect(header).toMatchObject({
        command: 'PROXY',
        family: 'TCP4',
        sourceAddress: '127.0.0.1',
        sourcePort: client.socket.localPort,
        destAddress: '127.0.0.1',
        destPort: system.playerPort,
      });
      expect(got.subarray(header.length).equals(sent)).toBe(true);
    } finally {
      client.socket.destroy();
    }
  });

  it('routes a host name with a TCPShield-style real-IP suffix and forwards it unchanged', async () => {
    const before = raw.connections.length;
    const sent = Buffer.concat([handshake('Forge.Example.Test.///203.0.113.5:25565///1700000000', { nextState: 2 }), loginStart('Shield')]);
    const client = await rawConnect(system.playerPort, [sent]);
    try {
      await waitFor(() => raw.connections.length > before, { what: 'a backend connection' });
      expect((await raw.waitBytes(before, sent.length)).equals(sent)).toBe(true);
    } finally {
      client.socket.destroy();
    }
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
    const route = await system.api.createRoute({
      domain: 'moving.example.test',
      target_ip: '127.0.0.1',
      target_port: backend.port,
      agent_id: main.agent.ID,
    });
    await waitFor(async () => textOf((await mcPing('moving.example.test', system.playerPort)).description) === 'Backend MOTD xyz', {
      what: 'the new route to serve',
    });
    await system.api.ok('PUT', `/api/routes/${route.ID}`, { target_port: wildBackend.port });
    await waitFor(async () => textOf((await mcPing('moving.example.test', system.playerPort)).description) === 'Wildcard MOTD', {
      timeoutMs: 3000,
      what: 'the changed target to answer',
    });
    await system.api.deleteRoute(route.ID);
  });

  it('serves 40 players connecting at once, well past the pool of pre-opened channels', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () => mcPing('play.example.test', system.playerPort).then((s) => textOf(s.description))),
    );
    expect(results.filter((m) => m === 'Backend MOTD xyz')).toHaveLength(40);
    const players = Array.from({ length: 8 }, (_, i) => connectPlayer('play.example.test', system.playerPort, `Crowd${i}`));
    try {
      const greetings = await within(Promise.all(players.map((p) => p.chat)), 15_000, 'eight greetings');
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
    const route = await system.api.createRoute({
      domain: 'named.example.org',
      target_ip: 'localhost',
      target_port: backend.port,
      agent_id: main.agent.ID,
    });
    await waitFor(async () => textOf((await mcPing('named.example.org', system.playerPort)).description) === 'Backend MOTD xyz', {
      what: 'the route with a host name target',
    });
    await system.api.deleteRoute(route.ID);
  });

  it('stops new connections to a route as soon as the API has deleted it', async () => {
    const route = await system.api.createRoute({
      domain: 'short-lived.example.org',
      target_ip: '127.0.0.1',
      target_port: backend.port,
      agent_id: main.agent.ID,
    });
    await waitFor(async () => textOf((await mcPing('short-lived.example.org', system.playerPort)).description) === 'Backend MOTD xyz', {
      what: 'the new route to serve',
    });
    await system.api.deleteRoute(route.ID);
    // The very next connection after the API answered: no route any more.
    const status = await mcPing('short-lived.example.org', system.playerPort);
    expect(textOf(status.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
    const login = await loginRefusal('short-lived.example.org', system.playerPort);
    expect(login.disconnect).toBe(DEFAULT_TEXTS.kickNoRoute);
  });
});

describe('what the Hub API reports about the data plane', () => {
  it('lists the Gate online with its TLS fingerprint and the Link session', async () => {
    const gates = await system.api.ok<Array<Record<string, unknown>>>('GET', '/api/gates');
    expect(gates).toHaveLength(1);
    expect(gates[0]).toMatchObject({
      ID: 'gate-e2e',
      online: true,
      tls: true,
      public_addr: `127.0.0.1:${system.playerPort}`,
      tunnel_addr: `127.0.0.1:${system.gate.ports.tunnelPort}`,
    });
    expect(gates[0]!['fingerprint']).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(gates[0]!['sessions']).toBeGreaterThanOrEqual(1);
    const agent: AgentJson = await system.api.getAgent(main.agent.ID);
    expect(agent).toMatchObject({ online: true, gates: ['gate-e2e'], sessions: 1 });
  });

  it('counts connections and bytes per route, agent and Gate in GET /api/stats', async () => {
    const routes = await system.api.ok<Array<{ ID: number; domain: string }>>('GET', '/api/routes');
    const play = routes.find((r) => r.domain === 'play.example.test')!;
    type Row = { route_id?: number; agent_id?: number; gate_id?: string; connections: number; bytes_in: number; bytes_out: number; active: number };
    type Stats = { connections_active: number; errors: number; connections_total: number; bytes_in: number; bytes_out: number; gates_online: number; agents_online: number; by_route: Row[]; by_agent: Row[]; by_gate: Row[] };
    const read = () => system.api.ok<Stats>('GET', '/api/stats');
    const initial = await read();
    const before = initial.by_route.find((r) => r.route_id === play.ID)?.connections ?? 0;
    await mcPing('down.example.test', system.playerPort);

    for (let i = 0; i < 3; i++) await mcPing('play.example.test', system.playerPort);
    const player = connectPlayer('play.example.test', system.playerPort, 'Counter');
    await within(player.chat, 8000, 'welcome message');
    // Live connections reach the Hub with the Gate's next heartbeat.
    await waitFor(async () => (await read()).connections_active >= 1, { what: 'an active connection in /api/stats' });
    player.end();

    const stats = await waitFor(
      async () => {
        const s = await read();
        const row = s.by_route.find((r) => r.route_id === play.ID);
        return row && row.connections >= before + 4 && row.active === 0 && s.errors > initial.errors ? s : undefined;
      },
      { timeoutMs: 5000, what: 'traffic of four connections in /api/stats' },
    );
    const row = stats.by_route.find((r) => r.route_id === play.ID)!;
    // A status exchange alone is over 100 bytes each way; a login and play a lot more.
    expect(row.bytes_in).toBeGreaterThan(300);
    expect(row.bytes_out).toBeGreaterThan(1000);
    expect(stats.gates_online).toBe(1);
    expect(stats.agents_online).toBeGreaterThanOrEqual(1);
    expect(stats.connections_total).toBeGreaterThanOrEqual(row.connections);
    expect(stats.by_agent.find((r) => r.agent_id === main.agent.ID)?.connections).toBeGreaterThanOrEqual(row.connections);
    expect(stats.by_gate.find((r) => r.gate_id === 'gate-e2e')?.connections).toBeGreaterThanOrEqual(row.connections);
  });

  it('counts player-to-server and server-to-player bytes exactly, in their own directions', async () => {
    const blob = await startBlobBackend(200_000);
    system.cleanup.add('blob backend', () => blob.close());
    const route = await system.api.createRoute({
      domain: 'blob.example.test',
      target_ip: '127.0.0.1',
      target_port: blob.port,
      agent_id: main.agent.ID,
    });
    const sent = Buffer.concat([handshake('blob.example.test', { nextState: 2 }), loginStart('Counted')]);
    await waitFor(
      async () => {
        const client = await rawConnect(system.playerPort, [sent]);
        await within(client.closed, 5000, 'the blob to arrive');
        return client.received().length === 200_000;
      },
      { what: 'the blob route to serve' },
    );
    type Row = { route_id: number; connections: number; bytes_in: number; bytes_out: number; active: number };
    const row = await waitFor(
      async () => {
        const stats = await system.api.ok<{ by_route: Row[] }>('GET', '/api/stats');
        const r = stats.by_route.find((x) => x.route_id === route.ID);
        // Counters are flushed on their own clock: wait for the closed connection's last bytes.
        return r && r.connections >= 1 && r.bytes_out >= 200_000 * r.connections ? r : undefined;
      },
      { what: 'the blob route in /api/stats' },
    );
    expect(row.bytes_out).toBe(200_000 * row.connections);
    expect(row.bytes_in).toBe(sent.length * row.connections);
  });

  it('shows the first Link connecting in GET /api/logs, from the Gate, without its token', async () => {
    const logs = await system.api.logs(`source=${encodeURIComponent('gate:gate-e2e')}&limit=1000`);
    const connected = logs.find((l: LogJson) => l.message === 'link connected' && l.meta?.['agentId'] === main.agent.ID);
    expect(connected).toMatchObject({ level: 'info', source: 'gate:gate-e2e', meta: { linkId: 'link-e2e' } });
    expect(JSON.stringify(logs)).not.toContain(main.agent.token);
  });

  it('shows every Link connecting and disconnecting in GET /api/logs, not only the first one per minute', async () => {
    // A second agent's Link, a moment after the first one connected.
    const extra = await system.addAgentWithLink('Short Visit');
    const entryOf = (message: string) => async () =>
      (await system.api.logs('limit=1000')).find((l: LogJson) => l.message === message && l.meta?.['agentId'] === extra.agent.ID);
    const connected = await waitFor(entryOf('link connected'), { timeoutMs: 3000, what: `"link connected" of agent ${extra.agent.ID}` });
    expect(connected).toMatchObject({ level: 'info', source: 'gate:gate-e2e' });
    await extra.link.close();
    const disconnected = await waitFor(entryOf('link disconnected'), { timeoutMs: 3000, what: `"link disconnected" of agent ${extra.agent.ID}` });
    expect(disconnected.source).toBe('gate:gate-e2e');
    await system.waitAgentOnline(extra.agent.ID, false);
  });
});
