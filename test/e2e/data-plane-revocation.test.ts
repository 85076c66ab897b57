/**
 * Cutting traffic end to end: a Link going down, a rotated agent token, a disabled agent. Each
 * test has its own agent and Link on one Hub + Gate; real Minecraft clients and server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TEXTS } from '../../src/gate/gate-config.js';
import { localRoute } from './support/hub-api.js';
import { startPushLink, startSystem, type System } from './support/in-process.js';
import { capturedLogs } from './support/logs.js';
import {
  connectPlayer,
  loginRefusal,
  mcPing,
  textOf,
  waitForMotd,
  within,
  type MinecraftBackend,
  type Player,
} from './support/minecraft.js';
import { sleep, waitFor } from './support/wait.js';

let system: System;
let backend: MinecraftBackend;
const OFFLINE_MOTD = textOf({ text: DEFAULT_TEXTS.motdOffline });
/** Agent tokens seen in this file: none may appear in any log line. */
const tokens: string[] = [];

beforeAll(async () => {
  system = await startSystem({ tunnelTls: true });
  backend = await system.startBackend('Backend MOTD xyz');
}, 30_000);

afterAll(async () => {
  await system?.close();
});

/** An agent with its Link and one route to the backend; resolves once a player gets through. */
async function agentServing(name: string, domain: string) {
  const withLink = await system.addAgentWithLink(name);
  tokens.push(withLink.agent.token);
  await system.api.createRoute(localRoute(domain, backend.port, withLink.agent.ID));
  return withLink;
}

/** A player joined through `domain` and greeted by the backend: a live relayed connection. */
async function livePlayer(domain: string, username: string): Promise<Player> {
  const player = await waitFor(
    async () => {
      const p = connectPlayer(domain, system.playerPort, username);
      try {
        await within(p.joined, 3000, `join via ${domain}`);
        return p;
      } catch {
        p.end();
        return undefined;
      }
    },
    { timeoutMs: 10_000, what: `a player through ${domain}` },
  );
  expect(await within(player.chat, 5000, 'welcome message')).toBe(`welcome ${username}`);
  return player;
}

async function expectRefused(domain: string) {
  const status = await mcPing(domain, system.playerPort);
  expect(textOf(status.description)).toBe(OFFLINE_MOTD);
  expect(typeof status.latency).toBe('number');
  expect(await loginRefusal(domain, system.playerPort)).toEqual({
    joined: false,
    disconnect: DEFAULT_TEXTS.kickOffline,
  });
}

describe('cutting traffic', () => {
  it('answers with the offline MOTD and a disconnect once the Link is down, and the last good status where there is one', async () => {
    const { link, agent } = await agentServing('Link Down', 'linkdown.example.test');
    await system.api.createRoute(localRoute('cached.example.test', backend.port, agent.ID));
    const player = await livePlayer('linkdown.example.test', 'Downer');
    const cached = await waitForMotd('cached.example.test', system.playerPort, 'Backend MOTD xyz', {
      what: 'a status through the second route',
    });
    expect(cached).toBe(true);

    await link.close();
    const { at } = await within(player.ended, 2000, 'the relayed player closing with its Link');
    expect(at).toBeGreaterThan(0);
    await system.waitAgentOnline(agent.ID, false);

    await expectRefused('linkdown.example.test');
    // A route pinged while it was up keeps its server's look, but says it is offline.
    const offline = await mcPing('cached.example.test', system.playerPort);
    expect(textOf(offline.description)).toBe(OFFLINE_MOTD);
    expect(offline.players.online).toBe(0);
    expect(offline.version.name).not.toBe(DEFAULT_TEXTS.versionName);
    expect((await loginRefusal('cached.example.test', system.playerPort)).disconnect).toBe(
      DEFAULT_TEXTS.kickOffline,
    );
  });

  it('closes a live connection within a second of POST /api/agents/:id/reset-token and refuses new ones', async () => {
    const { agent } = await agentServing('Rotated', 'rotate.example.test');
    const player = await livePlayer('rotate.example.test', 'Rotor');

    const before = Date.now();
    const rotated = await system.api.resetToken(agent.ID);
    const answered = Date.now();
    expect(rotated.token).not.toBe(agent.token);
    tokens.push(rotated.token);

    const { at } = await within(
      player.ended,
      3000,
      'the live connection to close after the token rotation',
    );
    expect(at - answered).toBeLessThan(1000);
    expect(at - before).toBeLessThan(1500);

    await expectRefused('rotate.example.test');
    // The Link keeps trying with the old token: still refused a while later.
    await sleep(1200);
    await expectRefused('rotate.example.test');
    expect((await system.api.getAgent(agent.ID)).online).toBe(false);
  });

  it('serves again once the Link is restarted with the rotated token on the same push address', async () => {
    const { agent, link } = await agentServing('Rotated And Restarted', 'rotate2.example.test');
    await livePlayer('rotate2.example.test', 'Before').then((p) => p.end());
    const rotated = await system.api.resetToken(agent.ID);
    tokens.push(rotated.token);
    await system.waitAgentOnline(agent.ID, false, 3000);
    const port = link.listener.address()!.port;
    await link.close();
    const restarted = await startPushLink(rotated.token, {}, port);
    system.cleanup.add('restarted link', () => restarted.close());
    await system.waitAgentOnline(agent.ID, true, 10_000);
    (await livePlayer('rotate2.example.test', 'After')).end();
  });

  it('serves again within seconds once a crashed Link is restarted with the same token', async () => {
    const { agent, link } = await agentServing('Restarted', 'restart.example.test');
    (await livePlayer('restart.example.test', 'Early')).end();
    const port = link.listener.address()!.port;
    await link.close();
    await system.waitAgentOnline(agent.ID, false, 3000);
    const restarted = await startPushLink(agent.token, {}, port);
    system.cleanup.add('restarted link', () => restarted.close());
    // The new process has no view until the Hub pushes one; an operator expects it back promptly.
    const started = Date.now();
    await system.waitAgentOnline(agent.ID, true, 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    (await livePlayer('restart.example.test', 'Late')).end();
  });

  it('cuts the sessions and connections of an agent disabled through the API, and serves again once re-enabled', async () => {
    const { agent } = await agentServing('Disabled', 'disabled.example.test');
    const player = await livePlayer('disabled.example.test', 'Disco');

    await system.api.updateAgent(agent.ID, { enabled: false });
    const answered = Date.now();
    const { at } = await within(player.ended, 3000, 'the live connection to close after disabling');
    expect(at - answered).toBeLessThan(1000);
    await system.waitAgentOnline(agent.ID, false, 3000);
    await expectRefused('disabled.example.test');

    await system.api.updateAgent(agent.ID, { enabled: true });
    await system.waitAgentOnline(agent.ID, true);
    const back = await livePlayer('disabled.example.test', 'Disco2');
    back.end();
  });

  it('cuts the sessions of an agent deleted with its routes, and no longer knows its domain', async () => {
    const { agent } = await agentServing('Deleted', 'deleted.example.test');
    const player = await livePlayer('deleted.example.test', 'Goner');
    await system.api.ok('DELETE', `/api/agents/${agent.ID}?cascade=true`);
    const answered = Date.now();
    const { at } = await within(
      player.ended,
      3000,
      'the live connection to close after deleting the agent',
    );
    expect(at - answered).toBeLessThan(1000);
    const status = await mcPing('deleted.example.test', system.playerPort);
    expect(textOf(status.description)).toBe(DEFAULT_TEXTS.motdNoRoute);
  });

  it('never writes an agent token, old or new, to any log line of Hub, Gate or Link', () => {
    const logs = capturedLogs();
    expect(logs.length).toBeGreaterThan(50);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    for (const token of tokens) expect(logs.filter((line) => line.includes(token))).toEqual([]);
  });
});
