/**
 * Several Links with one agent token: the Gate spreads new players across them and fails over
 * when one goes away. Each Link dials the target its own view names, which tells them apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRoute } from './support/hub-api.js';
import {
  startPushLink,
  startSystem,
  type AgentWithLink,
  type StartedLink,
  type System,
} from './support/in-process.js';
import { motdOf, waitForMotd, type MinecraftBackend } from './support/minecraft.js';
import { postPush, signedHeaders } from './support/push.js';
import { waitFor } from './support/wait.js';

let system: System;
let first: AgentWithLink;
let second: StartedLink;
let backendA: MinecraftBackend;
let backendB: MinecraftBackend;

beforeAll(async () => {
  system = await startSystem({ tunnelTls: true });
  backendA = await system.startBackend('Served by link A');
  backendB = await system.startBackend('Served by link B');
  first = await system.addAgentWithLink('Two Links');
  await system.api.createRoute(localRoute('play.example.test', backendA.port, first.agent.ID));
  await waitForMotd('play.example.test', system.playerPort, 'Served by link A', {
    what: 'the route through the first Link',
  });

  // A second host with the same token. The Hub pushes to one address per agent, so this one gets
  // the same view by hand, with its own (local) target for the route.
  second = await startPushLink(first.agent.token, { linkId: 'link-b' });
  system.cleanup.add('second link', () => second.close());
  const view = first.link.link.view!;
  const own = { ...view, routes: view.routes.map((r) => ({ ...r, targetPort: backendB.port })) };
  const body = JSON.stringify(own);
  expect(
    (await postPush(second.pushUrl, body, signedHeaders(first.agent.token, body))).status,
  ).toBe(200);
  await waitFor(async () => (await system.api.getAgent(first.agent.ID)).sessions === 2, {
    timeoutMs: 8000,
    what: 'two sessions',
  });
}, 40_000);

afterAll(async () => {
  await system?.close();
});

describe('several Links of one agent', () => {
  it('spreads new players across the Links', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(await motdOf('play.example.test', system.playerPort));
    const a = seen.filter((m) => m === 'Served by link A').length;
    const b = seen.filter((m) => m === 'Served by link B').length;
    expect(a + b).toBe(10);
    expect(a).toBeGreaterThanOrEqual(3);
    expect(b).toBeGreaterThanOrEqual(3);
  });

  it('sends every new player to the remaining Link once one goes away', async () => {
    await first.link.close();
    await waitFor(async () => (await system.api.getAgent(first.agent.ID)).sessions === 1, {
      timeoutMs: 8000,
      what: 'one session left',
    });
    for (let i = 0; i < 6; i++) {
      expect(await motdOf('play.example.test', system.playerPort)).toBe('Served by link B');
    }
  });
});
