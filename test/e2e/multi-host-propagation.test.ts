/**
 * How fast a route created through the API becomes routable on every Gate, with the Hub, two
 * Gates and a redis-mode Link as separate processes over real Redis. Measured end to end: from
 * sending `POST /api/routes` until a login for the new domain is relayed to the backend through
 * each Gate (so the Gate's config and the Link's view both carry the route).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type GatePart, type HubPart } from './cluster/cluster.js';
import { loginProbe, startEchoBackend, type EchoBackend } from './cluster/probes.js';
import { waitFor } from './cluster/wait.js';
import { percentile, summary } from './cluster/percentile.js';
import { localRoute } from './support/hub-api.js';

const CHANGES = Number(process.env['E2E_PROPAGATION_CHANGES'] ?? 200);

/** Probe `domain` on `port` until relayed; resolves with the time it first was. */
async function routableAt(port: number, domain: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await loginProbe(port, domain, 2000).catch(() => ({ relayed: false }));
    const now = performance.now();
    if (outcome.relayed) return now;
    if (Date.now() > until)
      throw new Error(`${domain} not routable on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('route changes reaching every Gate (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('multi-host-propagation');
  let hub: HubPart;
  let gates: GatePart[] = [];
  let echo: EchoBackend;
  let agentId = 0;

  beforeAll(async () => {
    echo = await startEchoBackend();
    hub = await cluster.startHub();
    gates = await Promise.all([cluster.startGate('gate-p1'), cluster.startGate('gate-p2')]);
    const agent = await hub.api.createAgent({ name: 'propagation', mode: 'redis' });
    agentId = agent.ID;
    await hub.api.createRoute(localRoute('warm.example.com', echo.port, agentId));
    cluster.startRedisLink(agent.token, 'link-p1');
    for (const gate of gates) {
      await gate.proc.waitForLog('link connected', {
        fields: { linkId: 'link-p1' },
        timeoutMs: 20_000,
      });
      await waitFor(async () => (await loginProbe(gate.playerPort, 'warm.example.com')).relayed, {
        timeoutMs: 10_000,
      });
    }
  });

  afterAll(async () => {
    await echo?.close();
    await cluster.dispose();
  });

  it(`makes a new route routable on both Gates with a median under 100 ms (${CHANGES} changes)`, async () => {
    const everyGate: number[] = [];
    const perGate: number[][] = gates.map(() => []);
    const api: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const domain = `r${i}.propagation.example.com`;
      const sent = performance.now();
      const created = hub.api.createRoute(localRoute(domain, echo.port, agentId));
      const [times, answeredAt] = await Promise.all([
        Promise.all(gates.map((g) => routableAt(g.playerPort, domain, 10_000))),
        created.then(() => performance.now()),
      ]);
      api.push(answeredAt - sent);
      times.forEach((t, g) => perGate[g]!.push(t - sent));
      everyGate.push(Math.max(...times) - sent);
    }
    console.info(
      `[figures] ${CHANGES} routes created: routable on every Gate ${summary(everyGate)}; ` +
        gates.map((g, i) => `${g.id} ${summary(perGate[i]!)}`).join('; ') +
        `; API answer ${summary(api)}`,
    );
    expect(percentile(everyGate, 50)).toBeLessThanOrEqual(100);
    expect(percentile(everyGate, 99)).toBeLessThanOrEqual(2000);
  }, 180_000);
});
