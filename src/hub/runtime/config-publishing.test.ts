import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import type { ConfigSnapshot, GatePresence, LinkView } from '../../bus/types.js';
import { createLogger, silentLogger } from '../../shared/logger.js';
import { hashToken } from '../../shared/token-hash.js';
import { createHubRuntime, type HubRuntime } from './index.js';
import { createMemoryHubStore, type MemoryHubStore } from './memory-hub-store.js';
import { agentState as agent, gatePresence, routeConfig } from './test-fixtures.js';

// Gates that have been up a while, as a Hub usually finds them.
const gate = (id: string, over: Partial<GatePresence> = {}) =>
  gatePresence(id, { startedAt: Date.now() - 60_000, ...over });

/** Resolve with the first value `watch` delivers that satisfies `ok`. */
function waitFor<T>(
  watch: (fn: (v: T) => void) => () => void,
  ok: (v: T) => boolean,
  ms = 2_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('timed out'));
    }, ms);
    const stop = watch((v) => {
      if (!ok(v)) return;
      clearTimeout(timer);
      queueMicrotask(stop);
      resolve(v);
    });
  });
}

let bus: Bus;
let store: MemoryHubStore;
let runtime: HubRuntime;

async function startHub(): Promise<void> {
  bus = createMemoryBus();
  store = createMemoryHubStore({
    version: 7,
    routes: [
      routeConfig(1, 'play.example.com', '10.0.0.5', 1),
      routeConfig(2, '*.mc.example.com', '10.0.0.6', 2, { targetPort: 25566, proxyProtocol: true }),
    ],
    agents: [
      agent(1, 'secret-token-one'),
      agent(2, 'secret-token-two', { mode: 'push', enabled: false }),
    ],
  });
  runtime = createHubRuntime({ bus, log: silentLogger(), hubId: 'hub-a', store });
  await runtime.start();
}

afterEach(async () => {
  await runtime?.stop();
  await bus?.close();
});

describe('config publishing', () => {
  it('publishes the snapshot on start with token hashes and never a token', async () => {
    await startHub();
    const config = await bus.readConfig();
    expect(config?.version).toBe(7);
    expect(config?.routes.map((r) => r.domain)).toEqual(['play.example.com', '*.mc.example.com']);
    expect(config?.agents).toEqual([
      {
        id: 1,
        name: 'agent 1',
        mode: 'redis',
        enabled: true,
        tokenHash: hashToken('secret-token-one'),
      },
      {
        id: 2,
        name: 'agent 2',
        mode: 'push',
        enabled: false,
        tokenHash: hashToken('secret-token-two'),
      },
    ]);
    const wire = JSON.stringify(config);
    expect(wire).not.toContain('secret-token');
    expect(wire).not.toContain('pushUrl');
  });

  it("publishes each agent's view under its token hash; a disabled agent gets no gates", async () => {
    await startHub();
    await bus.announceGate(gate('gate-1'), 10_000);
    const view = await waitFor<LinkView | null>(
      (fn) => bus.watchLinkView(hashToken('secret-token-one'), fn),
      (v) => (v?.gates.length ?? 0) > 0,
    );
    expect(view).toEqual({
      version: 7,
      agentId: 1,
      enabled: true,
      routes: [
        {
          id: 1,
          domain: 'play.example.com',
          targetIp: '10.0.0.5',
          targetPort: 25565,
          proxyProtocol: false,
        },
      ],
      gates: [
        { id: 'gate-1', tunnelAddr: 'gate-1.example.net:25590', tls: true, fingerprint: 'AA:BB' },
      ],
    });
    const disabled = await bus.readLinkView(hashToken('secret-token-two'));
    expect(disabled).toMatchObject({ agentId: 2, enabled: false, gates: [] });
  });

  it("withdraws the old token's view after a rotation and publishes the new one", async () => {
    await startHub();
    const oldHash = hashToken('secret-token-one');
    expect(await bus.readLinkView(oldHash)).not.toBeNull();
    const withdrawn = waitFor<LinkView | null>(
      (fn) => bus.watchLinkView(oldHash, fn),
      (v) => v === null,
    );
    store.change((s) => {
      const a = s.agents[0]!;
      a.token = 'rotated-token';
      a.tokenHash = hashToken('rotated-token');
    });
    runtime.notifyChanged();
    expect(await withdrawn).toBeNull();
    expect(await bus.readLinkView(hashToken('rotated-token'))).toMatchObject({
      agentId: 1,
      version: 8,
    });
    const config = await bus.readConfig();
    expect(config?.agents.map((a) => a.tokenHash)).not.toContain(oldHash);
  });

  it("withdraws a deleted agent's view", async () => {
    await startHub();
    const hash = hashToken('secret-token-two');
    store.change((s) => {
      s.routes = s.routes.filter((r) => r.agentId !== 2);
      s.agents = s.agents.filter((a) => a.id !== 2);
    });
    runtime.notifyChanged();
    await runtime.idle();
    expect(await bus.readLinkView(hash)).toBeNull();
    expect((await bus.readConfig())?.agents.map((a) => a.id)).toEqual([1]);
  });

  it('publishes a change well under 100 ms and folds a burst into few reads ending at the newest version', async () => {
    await startHub();
    const started = performance.now();
    const published = waitFor<ConfigSnapshot>(
      (fn) => bus.watchConfig(fn),
      (c) => c.version === 8,
    );
    store.change((s) => void s.routes.push({ ...s.routes[0]!, id: 3, domain: 'new.example.com' }));
    runtime.notifyChanged();
    await published;
    const latency = performance.now() - started;
    expect(latency).toBeLessThan(100);

    const loadsBefore = store.loads;
    for (let i = 0; i < 50; i++) {
      store.change((s) => void (s.routes[0]!.targetPort = 30_000 + i));
      runtime.notifyChanged();
    }
    await runtime.idle();
    expect(store.loads - loadsBefore).toBeLessThanOrEqual(2);
    const config = await bus.readConfig();
    expect(config?.version).toBe(58);
    expect(config?.routes[0]?.targetPort).toBe(30_049);
    expect((await bus.readLinkView(hashToken('secret-token-one')))?.routes[0]?.targetPort).toBe(
      30_049,
    );
  });

  it('re-publishes views when a Gate appears or changes its fingerprint, without a config change', async () => {
    await startHub();
    const hash = hashToken('secret-token-one');
    await bus.announceGate(gate('gate-1'), 10_000);
    await waitFor<LinkView | null>(
      (fn) => bus.watchLinkView(hash, fn),
      (v) => v?.gates[0]?.fingerprint === 'AA:BB',
    );
    await bus.announceGate(gate('gate-1', { fingerprint: 'CC:DD' }), 10_000);
    const view = await waitFor<LinkView | null>(
      (fn) => bus.watchLinkView(hash, fn),
      (v) => v?.gates[0]?.fingerprint === 'CC:DD',
    );
    expect(view?.version).toBe(7);
    await bus.withdrawGate('gate-1');
    expect(
      await waitFor<LinkView | null>(
        (fn) => bus.watchLinkView(hash, fn),
        (v) => v?.gates.length === 0,
      ),
    ).toMatchObject({ gates: [] });
  });

  it('refills a bus that lost its state with the periodic re-publish, and leaves an intact one alone', async () => {
    const inner = createMemoryBus();
    let flushed = false;
    let configWrites = 0;
    // A Redis that restarted empty: no config, no views, until someone writes them again.
    bus = {
      ...inner,
      readConfig: async () => (flushed ? null : inner.readConfig()),
      publishConfig: async (snapshot) => {
        configWrites++;
        flushed = false;
        await inner.publishConfig(snapshot);
      },
    };
    store = createMemoryHubStore({ version: 3, agents: [agent(1, 'tok-1')] });
    runtime = createHubRuntime({
      bus,
      log: silentLogger(),
      hubId: 'hub-a',
      store,
      timings: { republishMs: 20 },
    });
    await runtime.start();
    const hash = hashToken('tok-1');
    await new Promise((r) => setTimeout(r, 80));
    expect(configWrites).toBe(1);

    flushed = true;
    await inner.publishLinkView(hash, null);
    const healed = await waitFor<LinkView | null>(
      (fn) => bus.watchLinkView(hash, fn),
      (v) => v !== null,
    );
    expect(healed).toMatchObject({ agentId: 1, version: 3 });
    expect(configWrites).toBe(2);
    expect(flushed).toBe(false);
  });

  it('publishes nothing while the bus holds a newer version than the database', async () => {
    bus = createMemoryBus();
    await bus.publishConfig({ version: 50, routes: [], agents: [] });
    store = createMemoryHubStore({ version: 3, agents: [agent(1, 'tok-1')] });
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (l: string) => void lines.push(l) } });
    runtime = createHubRuntime({ bus, log, hubId: 'hub-a', store, timings: { retryMs: 5 } });
    await runtime.start();
    await new Promise((r) => setTimeout(r, 60));
    expect((await bus.readConfig())?.version).toBe(50);
    expect(await bus.readLinkView(hashToken('tok-1'))).toBeNull();
    const errors = lines.filter((l) => l.includes('newer config version'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"busVersion":50');
  });
});

describe('gates, presence and logs', () => {
  it('lists Gates online first with the API shape and derives agent presence from sessions', async () => {
    await startHub();
    const now = Date.now();
    await store.upsertGates([gate('gate-old', { lastSeen: now - 3_600_000, connections: 9 })]);
    await bus.announceGate(
      gate('gate-2', {
        connections: 4,
        sessions: [{ agentId: 1, links: 2 }],
        configVersion: 7,
        lastSeen: now,
      }),
      10_000,
    );
    await bus.announceGate(
      gate('gate-1', {
        sessions: [
          { agentId: 1, links: 1 },
          { agentId: 9, links: 0 },
        ],
      }),
      10_000,
    );
    const gates = await runtime.gates();
    expect(gates.map((g) => [g.ID, g.online])).toEqual([
      ['gate-1', true],
      ['gate-2', true],
      ['gate-old', false],
    ]);
    expect(gates[1]).toEqual({
      ID: 'gate-2',
      name: 'gate-2',
      region: 'eu',
      version: '0.1.0',
      online: true,
      last_seen: new Date(now).toISOString(),
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      public_addr: '0.0.0.0:25565',
      tunnel_addr: 'gate-2.example.net:25590',
      tls: true,
      fingerprint: 'AA:BB',
      connections: 4,
      sessions: 2,
      config_version: 7,
    });
    expect(gates[2]).toMatchObject({ connections: 0, sessions: 0 });

    const presence = await runtime.agentPresence();
    expect(presence.get(1)).toEqual({ online: true, gates: ['gate-1', 'gate-2'], sessions: 3 });
    expect(presence.get(2)).toEqual({ online: false, gates: [], sessions: 0 });
    expect(presence.has(9)).toBe(false);
  });

  it('stores Gate and Link log events from the bus', async () => {
    await startHub();
    await bus.publishLog({
      time: 1_700_000_000_000,
      level: 'warn',
      source: 'gate:gate-1',
      message: 'link session dropped',
    });
    await bus.publishLog({
      time: 1_700_000_000_001,
      level: 'info',
      source: 'link:1',
      message: 'connected',
      meta: { gate: 'gate-1' },
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(store.logs).toEqual([
      {
        time: 1_700_000_000_000,
        level: 'warn',
        source: 'gate:gate-1',
        message: 'link session dropped',
      },
      {
        time: 1_700_000_000_001,
        level: 'info',
        source: 'link:1',
        message: 'connected',
        meta: { gate: 'gate-1' },
      },
    ]);
  });

  it('records live Gates in the store and exposes the hub metrics', async () => {
    bus = createMemoryBus();
    store = createMemoryHubStore({ version: 4, routes: [], agents: [agent(1, 'tok-1')] });
    runtime = createHubRuntime({
      bus,
      log: silentLogger(),
      hubId: 'hub-a',
      store,
      timings: { gatePollMs: 20 },
    });
    await bus.announceGate(gate('gate-1', { sessions: [{ agentId: 1, links: 1 }] }), 10_000);
    await runtime.start();
    await new Promise((r) => setTimeout(r, 60));
    expect([...store.knownGates.keys()]).toEqual(['gate-1']);
    const text = await runtime.metrics.metrics();
    expect(text).toMatch(/^gatelink_hub_config_version 4$/m);
    expect(text).toMatch(/^gatelink_hub_gates_online 1$/m);
    expect(text).toMatch(/^gatelink_hub_agents_online 1$/m);
    expect(text).toMatch(/^gatelink_hub_agents 1$/m);
    expect(text).toMatch(/^gatelink_hub_routes 0$/m);
    expect(text).toMatch(/^gatelink_hub_leader 1$/m);
    expect(text).toMatch(/^gatelink_hub_process_cpu_user_seconds_total /m);
  });
});
