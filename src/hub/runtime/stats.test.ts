import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createHubRuntime, type HubRuntime } from './index.js';
import { createMemoryHubStore, type MemoryHubStore } from './memory-hub-store.js';
import { intervalBytes } from './stats-sampler.js';
import { agentState, gatePresence as gate, routeConfig } from './test-fixtures.js';

let bus: Bus;
let store: MemoryHubStore;
let runtime: HubRuntime;

async function startHub(statsSampleMs = 10_000): Promise<void> {
  bus = createMemoryBus();
  store = createMemoryHubStore({
    version: 5,
    routes: [
      routeConfig(1, 'a.example.com', '10.0.0.1', 1),
      routeConfig(2, 'b.example.com', '10.0.0.2', 1),
      routeConfig(3, 'c.example.com', '10.0.0.3', 2),
    ],
    agents: [agentState(1, 't1', { name: 'alpha' }), agentState(2, 't2', { name: 'beta' })],
  });
  runtime = createHubRuntime({
    bus,
    log: silentLogger(),
    hubId: 'hub-a',
    store,
    timings: { statsSampleMs },
  });
  await runtime.start();
}

const traffic = (
  routeId: number,
  agentId: number,
  connections: number,
  bytesIn: number,
  bytesOut: number,
  errors = 0,
) => ({
  routeId,
  agentId,
  connections,
  bytesIn,
  bytesOut,
  errors,
});

afterEach(async () => {
  await runtime?.stop();
  await bus?.close();
});

describe('stats', () => {
  it("aggregates two Gates' traffic and live connections by route, agent and Gate", async () => {
    await startHub();
    await store.upsertGates([gate('gate-gone', { lastSeen: Date.now() - 3_600_000 })]);
    await bus.announceGate(
      gate('gate-1', {
        sessions: [{ agentId: 1, links: 1 }],
        routes: [
          { routeId: 1, agentId: 1, active: 3 },
          { routeId: 3, agentId: 2, active: 1 },
        ],
      }),
      10_000,
    );
    await bus.announceGate(
      gate('gate-2', { routes: [{ routeId: 1, agentId: 1, active: 2 }] }),
      10_000,
    );
    await bus.addTraffic({
      gateId: 'gate-1',
      routes: [traffic(1, 1, 10, 1_000, 20_000, 1), traffic(3, 2, 4, 40, 400)],
    });
    await bus.addTraffic({
      gateId: 'gate-2',
      routes: [traffic(1, 1, 5, 500, 10_000), traffic(2, 1, 1, 7, 70, 2)],
    });
    await bus.addTraffic({ gateId: 'gate-1', routes: [traffic(1, 1, 1, 1, 1)] });
    // A route deleted since: still part of the totals, not of the per-route rows.
    await bus.addTraffic({ gateId: 'gate-2', routes: [traffic(99, 2, 2, 2, 2)] });

    const stats = await runtime.stats();
    expect(stats).toMatchObject({
      routes: 3,
      agents: 2,
      agents_online: 1,
      gates: 3,
      gates_online: 2,
      connections_active: 6,
      connections_total: 23,
      bytes_in: 1_550,
      bytes_out: 30_473,
      errors: 3,
      history: [],
    });
    expect(stats.by_route).toEqual([
      {
        route_id: 1,
        domain: 'a.example.com',
        agent_id: 1,
        active: 5,
        connections: 16,
        bytes_in: 1_501,
        bytes_out: 30_001,
      },
      {
        route_id: 2,
        domain: 'b.example.com',
        agent_id: 1,
        active: 0,
        connections: 1,
        bytes_in: 7,
        bytes_out: 70,
      },
      {
        route_id: 3,
        domain: 'c.example.com',
        agent_id: 2,
        active: 1,
        connections: 4,
        bytes_in: 40,
        bytes_out: 400,
      },
    ]);
    expect(stats.by_agent).toEqual([
      {
        agent_id: 1,
        name: 'alpha',
        active: 5,
        connections: 17,
        bytes_in: 1_508,
        bytes_out: 30_071,
      },
      { agent_id: 2, name: 'beta', active: 1, connections: 6, bytes_in: 42, bytes_out: 402 },
    ]);
    expect(stats.by_gate).toEqual([
      { gate_id: 'gate-1', active: 4, connections: 15, bytes_in: 1_041, bytes_out: 20_401 },
      { gate_id: 'gate-2', active: 2, connections: 8, bytes_in: 509, bytes_out: 10_072 },
      { gate_id: 'gate-gone', active: 0, connections: 0, bytes_in: 0, bytes_out: 0 },
    ]);
  });

  it('samples active connections and bytes per interval into the history', async () => {
    await startHub(25);
    await bus.announceGate(
      gate('gate-1', { routes: [{ routeId: 1, agentId: 1, active: 2 }] }),
      10_000,
    );
    await bus.addTraffic({ gateId: 'gate-1', routes: [traffic(1, 1, 1, 100, 1_000)] });
    await new Promise((r) => setTimeout(r, 40));
    await bus.addTraffic({ gateId: 'gate-1', routes: [traffic(1, 1, 1, 30, 300)] });
    const deadline = Date.now() + 2_000;
    while (!store.samples.some((s) => s.bytesIn > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    // Whichever interval saw the second report carries exactly its bytes; the rest carry none.
    const nonEmpty = store.samples.filter((s) => s.bytesIn > 0 || s.bytesOut > 0);
    expect(nonEmpty.map((s) => [s.bytesIn, s.bytesOut])).toEqual([[30, 300]]);
    expect(store.samples.every((s) => s.active === 2)).toBe(true);

    const { history } = await runtime.stats();
    expect(history.length).toBe(store.samples.length);
    expect(history.find((h) => h.bytes_in === 30)).toEqual({
      time: new Date(nonEmpty[0]!.time).toISOString(),
      active: 2,
      bytes_in: 30,
      bytes_out: 300,
    });
  });

  it('treats totals that went down as counters that restarted', () => {
    expect(intervalBytes(1_000, 1_500)).toBe(500);
    expect(intervalBytes(1_000, 200)).toBe(200);
  });
});
