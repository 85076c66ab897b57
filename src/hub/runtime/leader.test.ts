import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import type { LinkView } from '../../bus/types.js';
import { silentLogger } from '../../shared/logger.js';
import { agentState, routeConfig } from './test-fixtures.js';
import { createHubRuntime, type HubRuntime } from './index.js';
import { createMemoryHubStore, type MemoryHubStore } from './memory-hub-store.js';
import type { HubStore } from './store.js';

const until = async (ok: () => boolean, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

let bus: Bus;
let server: Server;
let runtimes: HubRuntime[] = [];
/** Pushes received, by path: each Hub sees a different push URL, so the path names the pusher. */
let pushes: Array<{ path: string; view: LinkView }>;
let logsSeen: string[];

/**
 * One database seen by two Hubs. Each Hub's store reports the push URL with its own path, so
 * the Link stand-in can tell which Hub pushed; everything else is shared.
 */
function storeFor(shared: MemoryHubStore, base: string, hub: string): HubStore {
  return {
    ...shared,
    async loadState() {
      const state = await shared.loadState();
      for (const a of state.agents) if (a.pushUrl) a.pushUrl = `${base}/${hub}`;
      return state;
    },
    async insertLog(event) {
      logsSeen.push(`${hub}:${event.message}`);
    },
  };
}

afterEach(async () => {
  for (const r of runtimes) await r.stop();
  runtimes = [];
  await bus?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('several Hubs on one bus', () => {
  it('pushes and ingests logs only from the leader; another Hub takes over when it stops', async () => {
    pushes = [];
    logsSeen = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        pushes.push({ path: req.url ?? '', view: JSON.parse(body) as LinkView });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    bus = createMemoryBus();
    const shared = createMemoryHubStore({
      version: 1,
      routes: [routeConfig(1, 'a.example.com', '10.0.0.1', 1)],
      agents: [agentState(1, 'tk', { name: 'p', mode: 'push', pushUrl: 'set' })],
    });
    const make = (hub: string) =>
      createHubRuntime({
        bus,
        log: silentLogger(),
        hubId: hub,
        store: storeFor(shared, base, hub),
        pushOptions: { backoff: { initialMs: 10, maxMs: 20 } },
        timings: { leaseTtlMs: 300 },
      });
    const a = make('hub-a');
    const b = make('hub-b');
    runtimes = [a, b];
    await a.start();
    await b.start();
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    await until(() => pushes.length === 1);

    // A change made through Hub B: B publishes it, the leader A pushes it.
    shared.change((s) => void (s.routes[0]!.targetPort = 26000));
    b.notifyChanged();
    await until(() => pushes.some((p) => p.view.version === 2));
    expect((await bus.readConfig())?.version).toBe(2);

    await bus.publishLog({ time: Date.now(), level: 'info', source: 'gate:g1', message: 'hello' });
    await until(() => logsSeen.length > 0);

    // Leases renew every ttl/3: wait several renewals, leadership must not flap.
    await new Promise((r) => setTimeout(r, 200));
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(new Set(pushes.map((p) => p.path))).toEqual(new Set(['/hub-a']));
    expect(logsSeen).toEqual(['hub-a:hello']);

    await a.stop();
    await until(() => b.isLeader(), 1_000);
    await until(() => pushes.some((p) => p.path === '/hub-b'));
    shared.change((s) => void (s.routes[0]!.targetPort = 27000));
    b.notifyChanged();
    await until(() => pushes.some((p) => p.path === '/hub-b' && p.view.version === 3));
    await bus.publishLog({ time: Date.now(), level: 'info', source: 'gate:g1', message: 'again' });
    await until(() => logsSeen.includes('hub-b:again'));
  });
});
