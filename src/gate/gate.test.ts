import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mc from 'minecraft-protocol';
import type { Bus } from '../bus/bus.js';
import type { LogEvent } from '../bus/types.js';
import { DEFAULT_TEXTS } from './gate-config.js';
import type { Gate, GatePorts } from './gate.js';
import { ROUTES, login, ping, startBackend, startGate, type FakeTunnel } from './gate-test-kit.js';

let backend: { server: mc.Server; port: number };
let gate: Gate;
let ports: GatePorts;
let tunnel: FakeTunnel;
let bus: Bus;
const logs: LogEvent[] = [];
const held: mc.ServerClient[] = [];

const until = async <T>(
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  ms = 3000,
): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  backend = await startBackend();
  // "Holder" stays connected; everyone else is let in and sent away.
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    if (client.username === 'Holder') held.push(client);
    else client.end('bye');
  });
  ({ gate, ports, tunnel, bus } = await startGate(() => backend.port, {
    presenceIntervalMs: 150,
    trafficFlushMs: 150,
    metricsListen: { host: '127.0.0.1', port: 0 },
    name: 'Test Gate',
    region: 'eu',
  }));
  bus.watchLogs((e) => logs.push(e));
});

afterAll(async () => {
  await gate.close();
  backend.server.close();
});

describe('Gate', () => {
  it('announces its presence with the tunnel identity and what it holds', async () => {
    const [p] = await bus.listGates();
    expect(p).toMatchObject({
      id: 'gate-test',
      name: 'Test Gate',
      region: 'eu',
      publicAddr: `127.0.0.1:${ports.playerPort}`,
      tunnelAddr: `127.0.0.1:${ports.tunnelPort}`,
      tls: true,
      fingerprint: 'AA:BB:CC',
      sessions: [{ agentId: 1, links: 1 }],
      configVersion: 1,
    });
  });

  it('reports live connections per route while a player is connected', async () => {
    const playing = login('play.example.com', ports.playerPort, { username: 'Holder' });
    const p = await until(
      async () => (await bus.listGates())[0],
      (g) => (g?.connections ?? 0) > 0,
    );
    expect(p?.connections).toBe(1);
    expect(p?.routes).toEqual([{ routeId: 1, agentId: 1, active: 1 }]);
    await until(
      () => held.length,
      (n) => n > 0,
    );
    held.splice(0).forEach((c) => c.end('done'));
    expect((await playing).ended).toBe(true);
    const after = await until(
      async () => (await bus.listGates())[0],
      (g) => g?.connections === 0,
    );
    expect(after?.routes).toEqual([]);
  });

  it('flushes per-route traffic and errors to the bus', async () => {
    await ping('play.example.com', ports.playerPort);
    await login('down.example.com', ports.playerPort);
    const totals = await until(
      () => bus.readTraffic(),
      (t) =>
        t.some((r) => r.routeId === 2 && r.errors > 0) &&
        t.some((r) => r.routeId === 1 && r.bytesOut > 0),
    );
    const r1 = totals.find((t) => t.routeId === 1);
    expect(r1).toMatchObject({ gateId: 'gate-test', agentId: 1 });
    expect(r1!.connections).toBeGreaterThanOrEqual(1);
    expect(r1!.bytesIn).toBeGreaterThan(20);
    expect(r1!.bytesOut).toBeGreaterThan(20);
    expect(totals.find((t) => t.routeId === 2)?.errors).toBeGreaterThanOrEqual(1);
  });

  it('publishes open failures as log events, once per kind per minute', async () => {
    await login('down.example.com', ports.playerPort);
    const mine = await until(
      () =>
        logs.filter((e) => e.source === 'gate:gate-test' && e.message.includes('down.example.com')),
      (l) => l.length > 0,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ level: 'warn', meta: { routeId: 2 } });
  });

  it('follows config changes and ignores older versions', async () => {
    await bus.publishConfig({
      version: 2,
      routes: [...ROUTES, { ...ROUTES[0]!, id: 9, domain: 'new.example.com' }],
      agents: [{ id: 1, name: 'one', mode: 'push', enabled: true, tokenHash: 'a'.repeat(64) }],
    });
    const res = await until(
      () => ping('new.example.com', ports.playerPort),
      (r) => (r.description as { text: string }).text === 'Backend MOTD',
    );
    expect((res.description as { text: string }).text).toBe('Backend MOTD');
    expect(tunnel.configs.at(-1)?.version).toBe(2);
    // Agent 2 is gone from the config: its wildcard route answers as offline without dialling.
    expect((await ping('x.offline.example.com', ports.playerPort)).description).toMatchObject({
      text: DEFAULT_TEXTS.motdOffline,
    });
    await bus.publishConfig({ version: 1, routes: [], agents: [] });
    expect((await ping('new.example.com', ports.playerPort)).description).toMatchObject({
      text: 'Backend MOTD',
    });
  });

  it('serves Prometheus metrics', async () => {
    await ping('nobody.example.org', ports.playerPort);
    const res = await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(
      /gatelink_gate_connections_total\{result="no_route",gate="gate-test"\} [1-9]/,
    );
    expect(body).toMatch(
      /gatelink_gate_connections_total\{result="relayed",gate="gate-test"\} [1-9]/,
    );
    expect(body).toMatch(/gatelink_gate_bytes_total\{direction="out",gate="gate-test"\} [1-9]/);
    expect(body).toMatch(/gatelink_gate_link_sessions\{gate="gate-test"\} 1/);
    expect(body).toMatch(/gatelink_gate_config_version\{gate="gate-test"\} 2/);
    expect((await fetch(`http://127.0.0.1:${ports.metricsPort}/other`)).status).toBe(404);
  });

  it('withdraws its presence on close', async () => {
    await gate.close();
    expect(await bus.listGates()).toEqual([]);
  });
});
