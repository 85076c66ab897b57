import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.js';
import { createRedisBus } from '../../bus/redis-bus.js';
import {
  REDIS_URL_TEST,
  adminConnection,
  dropPrefix,
  eventually,
  eventuallyAsync,
  gatePresence,
  sleep,
  uniquePrefix,
} from '../../bus/redis-test-support.js';
import type { ConfigSnapshot, LinkView } from '../../bus/types.js';
import { silentLogger } from '../../shared/logger.js';
import { hashToken } from '../../shared/token-hash.js';
import { agentState, routeConfig } from './test-fixtures.js';
import { createHubRuntime, type HubRuntime } from './index.js';
import { createMemoryHubStore } from './memory-hub-store.js';

const prefix = uniquePrefix('hub-runtime');
const buses: Bus[] = [];
const runtimes: HubRuntime[] = [];
let server: Server | undefined;

const openBus = async () => {
  const bus = await createRedisBus({ url: REDIS_URL_TEST, prefix, log: silentLogger() });
  buses.push(bus);
  return bus;
};

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const b of buses.splice(0)) await b.close();
  server?.closeAllConnections();
  server?.close();
  const admin = adminConnection();
  await dropPrefix(admin, prefix);
  await admin.quit();
});

describe('two Hubs on one Redis', () => {
  it('publishes changes to a Gate fast, pushes from the leader only, and withdraws rotated views', async () => {
    const pushes: Array<{ path: string; view: LinkView }> = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        pushes.push({ path: req.url ?? '', view: JSON.parse(body) as LinkView });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const store = createMemoryHubStore({
      version: 1,
      routes: [routeConfig(1, 'a.example.com', '10.0.0.1', 1)],
      agents: [
        agentState(1, 'tp', { name: 'p', mode: 'push', pushUrl: `${base}/p` }),
        agentState(2, 'tr', { name: 'r' }),
      ],
    });
    const make = async (hubId: string) => {
      const runtime = createHubRuntime({
        bus: await openBus(),
        log: silentLogger(),
        hubId,
        store,
        pushOptions: { backoff: { initialMs: 10, maxMs: 50 } },
        timings: { republishMs: 100 },
      });
      runtimes.push(runtime);
      await runtime.start();
      return runtime;
    };
    const a = await make('hub-a');
    const b = await make('hub-b');
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);

    // A Gate on its own connection, counting config notifications.
    const gateBus = await openBus();
    await gateBus.announceGate(gatePresence('gate-1'), 10_000);
    const seen: ConfigSnapshot[] = [];
    const arrivedAt = new Map<number, number>();
    gateBus.watchConfig((s) => {
      seen.push(s);
      arrivedAt.set(s.version, performance.now());
    });
    await eventually(() => seen.length > 0, 'the first snapshot');
    await eventually(
      () => pushes.some((p) => p.view.gates.length === 1),
      'a push listing the Gate',
    );

    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      store.change((s) => void (s.routes[0]!.targetPort = 26_000 + i));
      const version = store.state.version;
      const started = performance.now();
      b.notifyChanged();
      await eventually(
        () => seen.some((s) => s.version === version),
        `version ${version} at the Gate`,
        2_000,
      );
      latencies.push(arrivedAt.get(version)! - started);
    }
    latencies.sort((x, y) => x - y);
    expect(latencies[2]).toBeLessThan(100);
    await eventually(
      () => pushes.some((p) => p.view.version === 6),
      'the leader pushing version 6',
    );
    expect(new Set(pushes.map((p) => p.path))).toEqual(new Set(['/p']));

    // Periodic re-publish of an intact bus wakes nobody.
    const notified = seen.length;
    await sleep(350);
    expect(seen.length).toBe(notified);

    const oldHash = hashToken('tr');
    expect(await gateBus.readLinkView(oldHash)).toMatchObject({ agentId: 2, version: 6 });
    store.change((s) => {
      s.agents[1]!.token = 'tr-new';
      s.agents[1]!.tokenHash = hashToken('tr-new');
    });
    b.notifyChanged();
    await eventuallyAsync(
      async () => (await gateBus.readLinkView(oldHash)) === null,
      'the old view withdrawn',
    );
    expect(await gateBus.readLinkView(hashToken('tr-new'))).toMatchObject({
      agentId: 2,
      version: 7,
    });

    await gateBus.publishLog({
      time: Date.now(),
      level: 'warn',
      source: 'gate:gate-1',
      message: 'once',
    });
    await eventually(() => store.logs.some((l) => l.message === 'once'), 'the log entry stored');
    await sleep(100);
    expect(store.logs.filter((l) => l.message === 'once')).toHaveLength(1);
  });
});
