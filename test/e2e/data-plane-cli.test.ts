/**
 * Smoke test of the real command line: `gatelink all` (Hub + Gate in one process) and
 * `gatelink link` as child processes, configured through the Hub API, a real ping through the Gate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnGatelink, type GatelinkProcess } from './support/cli-process.js';
import { HubApi, localRoute } from './support/hub-api.js';
import {
  connectPlayer,
  mcPing,
  startMinecraftBackend,
  textOf,
  within,
  type MinecraftBackend,
} from './support/minecraft.js';
import { Cleanup, freePort, waitFor } from './support/wait.js';

const PASSWORD = 'smoke-admin-password';
const cleanup = new Cleanup();
let all: GatelinkProcess;
let api: HubApi;
let backend: MinecraftBackend;
let playerPort: number;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatelink-e2e-cli-'));
  cleanup.add('data dir', () => rm(dataDir, { recursive: true, force: true }));
  backend = await startMinecraftBackend('Smoke MOTD');
  cleanup.add('backend', () => backend.close());

  const [hubPort, tunnelPort] = [await freePort(), await freePort()];
  playerPort = await freePort();
  all = spawnGatelink(
    ['all', '--port', String(hubPort), '--data-dir', dataDir, '--id', 'gate-smoke'],
    {
      HUB_ADMIN_PASSWORD: PASSWORD,
      GATE_LISTEN: `127.0.0.1:${playerPort}`,
      GATE_TUNNEL_LISTEN: `127.0.0.1:${tunnelPort}`,
    },
  );
  cleanup.add('gatelink all', () => all.stop());
  await all.waitForLine((l) => l.msg === 'hub listening');
  await all.waitForLine((l) => l.msg === 'gate listening');
  api = await HubApi.login(`http://127.0.0.1:${hubPort}`, 'hub_admin', PASSWORD);
}, 60_000);

afterAll(() => cleanup.run());

describe('gatelink all + gatelink link, as an operator runs them', () => {
  it('relays a real status ping and login through the Gate to the backend behind the Link', async () => {
    const linkPort = await freePort();
    const agent = await api.createAgent({
      name: 'Smoke Server',
      mode: 'push',
      push_url: `http://127.0.0.1:${linkPort}/`,
    });
    await api.createRoute(localRoute('smoke.example.test', backend.port, agent.ID));
    const link = spawnGatelink([
      'link',
      '--token',
      agent.token,
      '--listen',
      `127.0.0.1:${linkPort}`,
      '--id',
      'smoke-link',
    ]);
    cleanup.add('gatelink link', () => link.stop());
    await link.waitForLine((l) => l.msg === 'link started');

    await waitFor(async () => (await api.getAgent(agent.ID)).online, {
      timeoutMs: 15_000,
      what: 'the agent online',
    });
    const status = await mcPing('smoke.example.test', playerPort);
    expect(textOf(status.description)).toBe('Smoke MOTD');

    const player = connectPlayer('smoke.example.test', playerPort, 'Smoky');
    try {
      expect(await within(player.chat, 8000, 'welcome message')).toBe('welcome Smoky');
    } finally {
      player.end();
    }

    const gates = await api.ok<Array<{ ID: string; tls: boolean; online: boolean }>>(
      'GET',
      '/api/gates',
    );
    expect(gates).toEqual([expect.objectContaining({ ID: 'gate-smoke', tls: true, online: true })]);
    // The agent token is a secret: neither process prints it.
    expect(all.output()).not.toContain(agent.token);
    expect(link.output()).not.toContain(agent.token);

    expect(await link.stop()).toBe(0);
    await waitFor(async () => !(await api.getAgent(agent.ID)).online, {
      timeoutMs: 10_000,
      what: 'the agent offline',
    });
    // Nothing alarming on the operator's console for two ordinary player connections.
    const warnings = (text: string) => text.split('\n').filter((l) => /Warning:/.test(l));
    expect(warnings(all.output())).toEqual([]);
    expect(warnings(link.output())).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await all.stop()).toBe(0);
  });
});
