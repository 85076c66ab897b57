/**
 * What the Hub API reports about the data plane once players went through: the Gate list, agent
 * presence, traffic statistics and the Link events in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRoute, type AgentJson, type LogJson } from './support/hub-api.js';
import { startSystem, type AgentWithLink, type System } from './support/in-process.js';
import {
  connectPlayer,
  mcPing,
  waitForMotd,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';
import { closedPort, loginBytes, rawConnect, startBlobBackend } from './support/raw-tcp.js';
import { waitFor } from './support/wait.js';

let system: System;
let backend: MinecraftBackend;
let main: AgentWithLink;

beforeAll(async () => {
  system = await startSystem({ tunnelTls: true });
  backend = await system.startBackend('Backend MOTD xyz');
  main = await system.addAgentWithLink('Main Server 01');
  await system.api.createRoute(localRoute('play.example.test', backend.port, main.agent.ID));
  await system.api.createRoute(localRoute('down.example.test', await closedPort(), main.agent.ID));
  await waitForMotd('play.example.test', system.playerPort, 'Backend MOTD xyz', {
    timeoutMs: 8000,
    what: 'the first route to serve',
  });
}, 40_000);

afterAll(async () => {
  await system?.close();
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
    type Row = {
      route_id?: number;
      agent_id?: number;
      gate_id?: string;
      connections: number;
      bytes_in: number;
      bytes_out: number;
      active: number;
    };
    type Stats = {
      connections_active: number;
      errors: number;
      connections_total: number;
      bytes_in: number;
      bytes_out: number;
      gates_online: number;
      agents_online: number;
      by_route: Row[];
      by_agent: Row[];
      by_gate: Row[];
    };
    const read = () => system.api.ok<Stats>('GET', '/api/stats');
    const initial = await read();
    const before = initial.by_route.find((r) => r.route_id === play.ID)?.connections ?? 0;
    await mcPing('down.example.test', system.playerPort);

    for (let i = 0; i < 3; i++) await mcPing('play.example.test', system.playerPort);
    const player = connectPlayer('play.example.test', system.playerPort, 'Counter');
    await within(player.chat, 8000, 'welcome message');
    // Live connections reach the Hub with the Gate's next heartbeat.
    await waitFor(async () => (await read()).connections_active >= 1, {
      what: 'an active connection in /api/stats',
    });
    player.end();

    const stats = await waitFor(
      async () => {
        const s = await read();
        const row = s.by_route.find((r) => r.route_id === play.ID);
        return row && row.connections >= before + 4 && row.active === 0 && s.errors > initial.errors
          ? s
          : undefined;
      },
      { timeoutMs: 5000, what: 'traffic of four connections in /api/stats' },
    );
    const row = stats.by_route.find((r) => r.route_id === play.ID)!;
    // Each status exchange sends over 30 bytes; the server sends far more (status JSON, registries).
    expect(row.bytes_in).toBeGreaterThan(4 * 30);
    expect(row.bytes_out).toBeGreaterThan(10 * row.bytes_in);
    expect(stats.gates_online).toBe(1);
    expect(stats.agents_online).toBeGreaterThanOrEqual(1);
    expect(stats.connections_total).toBeGreaterThanOrEqual(row.connections);
    expect(
      stats.by_agent.find((r) => r.agent_id === main.agent.ID)?.connections,
    ).toBeGreaterThanOrEqual(row.connections);
    expect(stats.by_gate.find((r) => r.gate_id === 'gate-e2e')?.connections).toBeGreaterThanOrEqual(
      row.connections,
    );
  });

  it('counts player-to-server and server-to-player bytes exactly, in their own directions', async () => {
    const blob = await startBlobBackend(200_000);
    system.cleanup.add('blob backend', () => blob.close());
    const route = await system.api.createRoute(
      localRoute('blob.example.test', blob.port, main.agent.ID),
    );
    const sent = loginBytes('blob.example.test', 'Counted');
    await waitFor(
      async () => {
        const client = await rawConnect(system.playerPort, [sent]);
        await within(client.closed, 5000, 'the blob to arrive');
        return client.received().length === 200_000;
      },
      { what: 'the blob route to serve' },
    );
    type Row = {
      route_id: number;
      connections: number;
      bytes_in: number;
      bytes_out: number;
      active: number;
    };
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
    const connected = logs.find(
      (l: LogJson) => l.message === 'link connected' && l.meta?.['agentId'] === main.agent.ID,
    );
    expect(connected).toMatchObject({
      level: 'info',
      source: 'gate:gate-e2e',
      meta: { linkId: 'link-e2e' },
    });
    expect(JSON.stringify(logs)).not.toContain(main.agent.token);
  });

  it('shows every Link connecting and disconnecting in GET /api/logs, not only the first one per minute', async () => {
    // A second agent's Link, a moment after the first one connected; it leaves again.
    const extra = await system.addAgentWithLink('Short Visit');
    await extra.link.close();
    await system.waitAgentOnline(extra.agent.ID, false);
    const entryOf = (message: string) => async () =>
      (await system.api.logs('limit=1000')).find(
        (l: LogJson) => l.message === message && l.meta?.['agentId'] === extra.agent.ID,
      );
    const disconnected = await waitFor(entryOf('link disconnected'), {
      timeoutMs: 3000,
      what: `"link disconnected" of agent ${extra.agent.ID}`,
    });
    expect(disconnected).toMatchObject({ level: 'info', source: 'gate:gate-e2e' });
    // Logged before the disconnect, so already stored when the disconnect is.
    expect(await entryOf('link connected')()).toMatchObject({
      level: 'info',
      source: 'gate:gate-e2e',
    });
  });
});
