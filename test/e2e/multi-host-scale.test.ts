/**
 * A Gate process following a config of 10,000 routes over real Redis: the time from the
 * snapshot's publication until the Gate routes by it (full sync), the time one change takes at
 * that size, a cold start on it, and the Gate's resident memory before and after. The snapshot
 * is published on the bus exactly as a Hub publishes it, so only the Gate's side is measured.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../src/bus/redis-bus.js';
import type { Bus } from '../../src/bus/bus.js';
import type { ConfigSnapshot, RouteConfig } from '../../src/bus/types.js';
import { silentLogger } from '../../src/shared/logger.js';
import { hashToken } from '../../src/shared/token-hash.js';
import { Cluster, SHARED_REDIS_URL, type GatePart } from './cluster/cluster.js';
import { percentile, summary } from './cluster/percentile.js';
import { loginProbe } from './cluster/probes.js';
import { sleep } from './cluster/wait.js';

const ROUTES = 10_000;
const OFFLINE = /offline right now/;
const MB = 1024 * 1024;

function route(id: number): RouteConfig {
  return {
    id,
    domain: `s${id}.scale.example.com`,
    targetIp: '10.0.0.1',
    targetPort: 25565,
    agentId: 1,
    proxyProtocol: false,
  };
}

function snapshot(version: number, count: number): ConfigSnapshot {
  return {
    version,
    routes: Array.from({ length: count }, (_, i) => route(i + 1)),
    agents: [
      { id: 1, name: 'scale', mode: 'redis', enabled: true, tokenHash: hashToken(randomUUID()) },
    ],
  };
}

/** Time (performance.now()) at which the Gate first knows `domain`: a login gets the offline kick (no Link), not "no route". */
async function knownAt(port: number, domain: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await loginProbe(port, domain, 2000).catch(() => null);
    const now = performance.now();
    if (outcome && !outcome.relayed && OFFLINE.test(outcome.disconnect)) return now;
    if (Date.now() > until) throw new Error(`${domain} unknown to the Gate after ${timeoutMs} ms`);
    await sleep(2);
  }
}

describe(`a Gate on ${ROUTES.toLocaleString('en')} routes (process, real Redis)`, () => {
  const cluster = Cluster.forSuite('multi-host-scale');
  const prefix = cluster.prefix;
  let bus: Bus;
  let gate: GatePart;

  beforeAll(async () => {
    bus = await createRedisBus({ url: SHARED_REDIS_URL, prefix, log: silentLogger() });
    await bus.publishConfig(snapshot(1, 1));
    gate = await cluster.startGate('gate-s1');
    await knownAt(gate.playerPort, 's1.scale.example.com', 10_000);
  });

  afterAll(async () => {
    await bus?.close();
    await cluster.dispose();
  });

  it('syncs the full config within seconds and keeps its memory in bounds', async () => {
    await sleep(1500);
    const rssBefore = gate.proc.rss();

    const full = snapshot(2, ROUTES);
    const bytes = Buffer.byteLength(JSON.stringify(full));
    const published = performance.now();
    await bus.publishConfig(full);
    const synced =
      (await knownAt(gate.playerPort, `s${ROUTES}.scale.example.com`, 30_000)) - published;
    for (const id of [1, 2500, 5000, 7777])
      await knownAt(gate.playerPort, `s${id}.scale.example.com`, 1000);
    await sleep(1500);
    const rssAfter = gate.proc.rss();

    // One more route at this size: the whole snapshot travels and is parsed again.
    const changes: number[] = [];
    let current = full;
    for (let i = 0; i < 20; i++) {
      const next = ROUTES + 1 + i;
      current = {
        ...current,
        version: current.version + 1,
        routes: [...current.routes, route(next)],
      };
      const sent = performance.now();
      await bus.publishConfig(current);
      changes.push((await knownAt(gate.playerPort, `s${next}.scale.example.com`, 10_000)) - sent);
    }
    const rssChanges = gate.proc.rss();

    // Cold start on the large config: spawn until the last route is known.
    await gate.proc.kill('SIGTERM');
    const spawned = performance.now();
    gate = await cluster.restartGate(gate);
    const listening = performance.now() - spawned;
    const cold = (await knownAt(gate.playerPort, `s${ROUTES}.scale.example.com`, 30_000)) - spawned;
    await sleep(1500);
    const rssCold = gate.proc.rss();

    console.info(
      `[figures] ${ROUTES} routes (${(bytes / MB).toFixed(2)} MB snapshot): full sync ${synced.toFixed(0)} ms; ` +
        `one change at this size ${summary(changes)}; cold start listening ${listening.toFixed(0)} ms, routing ${cold.toFixed(0)} ms; ` +
        `RSS ${(rssBefore / MB).toFixed(1)} MB before, ${(rssAfter / MB).toFixed(1)} MB after the sync, ` +
        `${(rssChanges / MB).toFixed(1)} MB after 20 more changes, ${(rssCold / MB).toFixed(1)} MB after a cold start`,
    );
    expect(synced).toBeLessThanOrEqual(5000);
    expect(percentile(changes, 50)).toBeLessThanOrEqual(1000);
    expect(cold).toBeLessThanOrEqual(20_000);
    expect(rssAfter - rssBefore).toBeLessThanOrEqual(150 * MB);
    expect(rssChanges - rssAfter).toBeLessThanOrEqual(100 * MB);
  }, 120_000);
});
