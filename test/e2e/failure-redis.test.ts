/**
 * Redis restarted (killed, back empty on the same port) under a Hub, a Gate and a redis-mode
 * Link running as separate processes: players keep being routed while it is away, the API keeps
 * taking changes, and within 5 s of its return the Gate and the Link have resynced, changes
 * made meanwhile included, and the Gates' log events reach the Hub again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, uniquePrefix, type GatePart, type HubPart } from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, type EchoBackend } from './cluster/probes.js';
import { OwnRedis } from './cluster/redis-server.js';
import { sleep, waitFor } from './cluster/wait.js';
import { localRoute, type RouteJson } from './support/hub-api.js';

/** How long Redis stays away. */
const OUTAGE_MS = 12_000;

/** True when a login for `domain` is relayed and lands on `backend`. */
async function landsOn(gatePort: number, domain: string, backend: EchoBackend): Promise<boolean> {
  const before = backend.accepted();
  const outcome = await loginProbe(gatePort, domain, 2000).catch(() => ({ relayed: false }));
  return outcome.relayed && backend.accepted() > before;
}

describe('Redis restarted under a running network (processes)', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let hub: HubPart;
  let gate: GatePart;
  let link: PartProcess;
  let first: EchoBackend;
  let second: EchoBackend;
  let agentId = 0;
  let moved: RouteJson;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    cluster = new Cluster(redis.url(), uniquePrefix('failure-redis'));
    [first, second] = await Promise.all([startEchoBackend(), startEchoBackend()]);
    hub = await cluster.startHub();
    gate = await cluster.startGate('gate-r1');
    const agent = await hub.api.createAgent({ name: 'redis-restart', mode: 'redis' });
    agentId = agent.ID;
    moved = await hub.api.createRoute(localRoute('moved.example.com', first.port, agentId));
    link = cluster.startRedisLink(agent.token, 'link-r1');
    await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-r1' },
      timeoutMs: 20_000,
    });
    await waitFor(() => landsOn(gate.playerPort, 'moved.example.com', first), {
      what: 'the route on the first backend',
    });
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    await cluster?.close();
    await redis?.kill();
  });

  it('keeps routing while Redis is down and resyncs Gate and Link within 5 s of its return', async () => {
    await redis.kill();
    const down = Date.now();
    // Players keep arriving while Redis is away.
    for (let i = 0; i < 5; i++) {
      expect(await landsOn(gate.playerPort, 'moved.example.com', first)).toBe(true);
      await sleep(200);
    }
    // The API keeps taking changes: the database is the source of truth.
    await hub.api.ok('PUT', `/api/routes/${moved.ID}`, { target_port: second.port });
    await hub.api.createRoute(localRoute('new.example.com', second.port, agentId));
    const routes = await hub.api.ok<RouteJson[]>('GET', '/api/routes');
    expect(routes.map((r) => r.domain).sort()).toEqual(['moved.example.com', 'new.example.com']);
    // Nothing reached the data plane yet: the Link still dials the old target.
    expect(await landsOn(gate.playerPort, 'moved.example.com', first)).toBe(true);
    const login = await loginProbe(gate.playerPort, 'new.example.com', 2000);
    expect(login.relayed).toBe(false);
    // Long enough for every client's reconnect attempts to have slowed to their 2 s pace.
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - down)));

    await redis.restart();
    const back = Date.now();
    const [newRoute, movedRoute] = await Promise.all([
      waitFor(
        async () =>
          (await landsOn(gate.playerPort, 'new.example.com', second)) ? Date.now() - back : false,
        {
          timeoutMs: 15_000,
          intervalMs: 50,
          what: 'the route created while Redis was down',
        },
      ),
      waitFor(
        async () =>
          (await landsOn(gate.playerPort, 'moved.example.com', second)) ? Date.now() - back : false,
        {
          timeoutMs: 15_000,
          intervalMs: 50,
          what: 'the route changed while Redis was down',
        },
      ),
    ]);
    const listed = await waitFor(
      async () => {
        const gates = await hub.api.ok<Array<{ ID: string; online: boolean }>>('GET', '/api/gates');
        return gates.some((g) => g.ID === 'gate-r1' && g.online) ? Date.now() - back : false;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'the Gate listed online again' },
    );
    console.info(
      `[figures] redis restart (down ${back - down} ms): new route routable ${newRoute} ms, changed route on its new target ${movedRoute} ms, ` +
        `Gate listed online ${listed} ms after Redis was back`,
    );
    expect(newRoute).toBeLessThanOrEqual(5000);
    expect(movedRoute).toBeLessThanOrEqual(5000);
    expect(listed).toBeLessThanOrEqual(5000);
    for (const part of [hub.proc, gate.proc, link]) expect(part.exit).toBeNull();
    expect(gate.proc.find('redis connection established').length).toBeGreaterThan(0);

    // The Gates' log events reach the Hub again (the log stream and its reader group were lost too).
    expect((await link.kill('SIGTERM')).code).toBe(0);
    const stored = await waitFor(
      async () => {
        const logs = await hub.api.logs('source=gate:gate-r1&limit=50');
        return logs.some((l) => l.message === 'link disconnected' && Date.parse(l.time) >= back)
          ? Date.now() - back
          : false;
      },
      {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: "the Gate's 'link disconnected' event in the Hub's logs",
      },
    );
    expect(stored).toBeGreaterThan(0);
  }, 60_000);
});
