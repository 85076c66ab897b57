/**
 * Several Gates on one Hub: a Link holds a session with each, follows Gates that leave and come
 * back, and a Gate behind a trusted proxy hands the real player address on to the backend.
 */
import net from 'node:net';
import { join } from 'node:path';
import type { Bus } from '../../src/bus/bus.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRoute } from './support/hub-api.js';
import {
  startGate,
  startSystem,
  type AgentWithLink,
  type StartedGate,
  type System,
} from './support/in-process.js';
import {
  connectPlayer,
  motdOf,
  waitForMotd,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';
import {
  loginBytes,
  parseProxyV2,
  rawConnect,
  relayToBackend,
  startRecordingBackend,
  type RecordingBackend,
} from './support/raw-tcp.js';
import { waitFor } from './support/wait.js';

let system: System;
let backend: MinecraftBackend;
let raw: RecordingBackend;
let second: StartedGate;
let withLink: AgentWithLink;

const SECOND = { id: 'gate-e2e-2', proxyProtocolTrusted: ['127.0.0.1'] };

beforeAll(async () => {
  system = await startSystem({ tunnelTls: true });
  backend = await system.startBackend('Backend MOTD xyz');
  raw = await startRecordingBackend();
  system.cleanup.add('raw backend', () => raw.close());
  // Its own data directory: its own key pair and fingerprint.
  second = await startGate(system.bus, join(system.dataDir, 'second'), SECOND);
  system.cleanup.add('second gate', () => second.close());
  withLink = await system.addAgentWithLink('Two Gates');
  const agent_id = withLink.agent.ID;
  await system.api.createRoute(localRoute('play.example.test', backend.port, agent_id));
  await system.api.createRoute({
    ...localRoute('proxied.example.test', raw.port, agent_id),
    proxy_protocol: true,
  });
}, 40_000);

afterAll(async () => {
  await system?.close();
});

const gatesOfAgent = async () => [...(await system.api.getAgent(withLink.agent.ID)).gates].sort();

describe('a Link with several Gates', () => {
  it('holds a session with every Gate, and players get through either', async () => {
    await waitFor(async () => (await gatesOfAgent()).length === 2, {
      timeoutMs: 8000,
      what: 'sessions on both Gates',
    });
    expect(await gatesOfAgent()).toEqual(['gate-e2e', 'gate-e2e-2']);
    for (const port of [system.playerPort, second.ports.playerPort]) {
      await waitForMotd('play.example.test', port, 'Backend MOTD xyz', {
        what: `the route through the Gate on ${port}`,
      });
    }
    const gates = await system.api.ok<Array<{ ID: string; fingerprint: string; online: boolean }>>(
      'GET',
      '/api/gates',
    );
    expect(gates.map((g) => [g.ID, g.online])).toEqual([
      ['gate-e2e', true],
      ['gate-e2e-2', true],
    ]);
    expect(gates[0]!.fingerprint).not.toBe(gates[1]!.fingerprint);
  });

  it('hands the backend the player address a trusted proxy in front of the Gate reported', async () => {
    const sent = loginBytes('proxied.example.test', 'Filtered');
    const proxyV1 = Buffer.from(
      `PROXY TCP4 198.51.100.7 127.0.0.1 51234 ${second.ports.playerPort}\r\n`,
    );
    const { got } = await relayToBackend(
      second.ports.playerPort,
      [proxyV1, sent],
      raw,
      28 + sent.length,
    );
    const header = parseProxyV2(got);
    expect(header).toMatchObject({
      family: 'TCP4',
      sourceAddress: '198.51.100.7',
      sourcePort: 51234,
    });
    expect(got.subarray(header.length).equals(sent)).toBe(true);
  });

  it('does not let an untrusted peer claim another address with a PROXY header', async () => {
    const before = raw.connections.length;
    const sent = loginBytes('proxied.example.test', 'Spoofer');
    const proxyV1 = Buffer.from(
      `PROXY TCP4 198.51.100.66 127.0.0.1 51234 ${system.playerPort}\r\n`,
    );
    const client = await rawConnect(system.playerPort, [proxyV1, sent]);
    await client.closed;
    expect(raw.connections.length).toBe(before);
  });

  it('drops a Gate that leaves and keeps serving through the others', async () => {
    await second.close();
    await waitFor(async () => (await gatesOfAgent()).join() === 'gate-e2e', {
      timeoutMs: 8000,
      what: 'only the first Gate left',
    });
    expect(await motdOf('play.example.test', system.playerPort)).toBe('Backend MOTD xyz');
    const gates = await system.api.ok<Array<{ ID: string; online: boolean }>>('GET', '/api/gates');
    expect(gates.find((g) => g.ID === 'gate-e2e-2')?.online).toBe(false);
  });

  it('follows a Gate that comes back on other ports', async () => {
    const oldPorts = second.ports;
    second = await startGate(system.bus, join(system.dataDir, 'second'), SECOND);
    system.cleanup.add('second gate again', () => second.close());
    expect(second.ports.tunnelPort).not.toBe(oldPorts.tunnelPort);
    await waitFor(async () => (await gatesOfAgent()).length === 2, {
      timeoutMs: 8000,
      what: 'a session on the returning Gate',
    });
    await waitForMotd('play.example.test', second.ports.playerPort, 'Backend MOTD xyz', {
      what: 'the route through the returning Gate',
    });
  });

  it('serves players and Links over IPv6, and tells the backend the IPv6 player address', async () => {
    const v6 = await startGate(system.bus, join(system.dataDir, 'v6'), {
      id: 'gate-e2e-v6',
      listen: { host: '::1', port: 0 },
      tunnelListen: { host: '::1', port: 0 },
    });
    system.cleanup.add('IPv6 gate', () => v6.close());
    const gates = await waitFor(
      async () =>
        (await system.api.ok<Array<{ ID: string; tunnel_addr: string }>>('GET', '/api/gates')).find(
          (g) => g.ID === 'gate-e2e-v6',
        ),
      { what: 'the IPv6 Gate in /api/gates' },
    );
    expect(gates.tunnel_addr).toBe(`[::1]:${v6.ports.tunnelPort}`);
    await waitFor(async () => (await gatesOfAgent()).includes('gate-e2e-v6'), {
      timeoutMs: 8000,
      what: 'a Link session over IPv6',
    });

    const before = raw.connections.length;
    const sent = loginBytes('proxied.example.test', 'Sixer');
    const socket = net.connect({ host: '::1', port: v6.ports.playerPort });
    await new Promise<void>((resolve, reject) =>
      socket.once('connect', resolve).once('error', reject),
    );
    try {
      socket.write(sent);
      await waitFor(() => raw.connections.length > before, { what: 'a backend connection' });
      const got = await raw.waitBytes(before, 16 + 36 + sent.length);
      const header = parseProxyV2(got);
      expect(header).toMatchObject({
        family: 'TCP6',
        sourceAddress: '0:0:0:0:0:0:0:1',
        sourcePort: socket.localPort,
        destPort: v6.ports.playerPort,
      });
      expect(got.subarray(header.length).equals(sent)).toBe(true);
    } finally {
      socket.destroy();
      await v6.close();
    }
  });

  it('keeps relaying through a Gate whose heartbeats fail for a few seconds while it and its Link sessions are fine', async () => {
    // The Gate reaches players and Links, but its presence writes fail (a network blip between it
    // and the bus): a control-plane hiccup that must not become a data-plane outage.
    let blocked = false;
    const flaky: Bus = Object.create(system.bus) as Bus;
    flaky.announceGate = (presence, ttl) =>
      blocked
        ? Promise.reject(new Error('bus unreachable'))
        : system.bus.announceGate(presence, ttl);
    const third = await startGate(flaky, join(system.dataDir, 'third'), { id: 'gate-e2e-3' });
    system.cleanup.add('third gate', () => third.close());
    await waitFor(async () => (await gatesOfAgent()).includes('gate-e2e-3'), {
      timeoutMs: 8000,
      what: 'a session on the third Gate',
    });
    await waitForMotd('play.example.test', third.ports.playerPort, 'Backend MOTD xyz', {
      what: 'the route through the third Gate',
    });

    blocked = true;
    // Logins, not status pings: the Gate answers a ping for an unreachable route with the last
    // good status it saw, which would hide an outage.
    const failures: string[] = [];
    const until = Date.now() + 5000;
    for (let i = 0; Date.now() < until; i++) {
      const player = connectPlayer('play.example.test', third.ports.playerPort, `Probe${i}`);
      const outcome = await within(
        Promise.race([
          player.joined.then(() => 'joined'),
          player.ended.then((e) => e.disconnect ?? 'closed'),
        ]),
        4000,
        'a login probe',
      ).catch((err: Error) => err.message);
      player.end();
      if (outcome !== 'joined') failures.push(`${new Date().toISOString()} ${outcome}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    blocked = false;
    expect(failures).toEqual([]);
  });

  it('keeps serving from the last config while the Hub is down', async () => {
    await system.hub.close();
    for (const port of [system.playerPort, second.ports.playerPort]) {
      expect(await motdOf('play.example.test', port)).toBe('Backend MOTD xyz');
    }
    const player = connectPlayer('play.example.test', system.playerPort, 'Hubless');
    try {
      expect(await within(player.chat, 8000, 'welcome message')).toBe('welcome Hubless');
    } finally {
      player.end();
    }
  });
});
