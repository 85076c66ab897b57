import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Bus } from './bus.js';
import type { ConfigSnapshot, GatePresence, LinkView, LogEvent } from './types.js';
import { createMemoryBus } from './memory-bus.js';
import { createRedisBus } from './redis-bus.js';
import { silentLogger } from '../shared/logger.js';
import {
  REDIS_URL_TEST,
  adminConnection,
  dropPrefix,
  eventually,
  gatePresence,
  linkView,
  sleep,
  uniquePrefix,
} from './redis-test-support.js';

// One behaviour, two drivers: everything here must hold for the memory bus and the redis bus alike.

const snapshot = (version: number): ConfigSnapshot => ({
  version,
  routes: [
    {
      id: 1,
      domain: 'play.example.com',
      targetIp: '10.0.0.5',
      targetPort: 25565,
      agentId: 7,
      proxyProtocol: false,
    },
  ],
  agents: [{ id: 7, name: 'box', mode: 'push', enabled: true, tokenHash: 'ab'.repeat(32) }],
});

const admin = adminConnection();
const prefixes: string[] = [];

interface Driver {
  readonly name: string;
  make(): Promise<Bus>;
}

const drivers: Driver[] = [
  { name: 'memory', make: async () => createMemoryBus() },
  {
    name: 'redis',
    make: async () => {
      const prefix = uniquePrefix('contract');
      prefixes.push(prefix);
      return createRedisBus({ url: REDIS_URL_TEST, prefix, log: silentLogger() });
    },
  },
];

afterAll(async () => {
  for (const p of prefixes) await dropPrefix(admin, p);
  admin.disconnect();
});

describe.each(drivers)('bus contract: $name', (driver) => {
  const open: Bus[] = [];
  const make = async () => {
    const bus = await driver.make();
    open.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('names its kind', async () => {
    expect((await make()).kind).toBe(driver.name);
  });

  describe('config', () => {
    it('has no config until one is published, then reads it back', async () => {
      const bus = await make();
      expect(await bus.readConfig()).toBeNull();
      await bus.publishConfig(snapshot(3));
      expect(await bus.readConfig()).toEqual(snapshot(3));
    });

    it('ignores a snapshot older than the stored one and accepts a newer one', async () => {
      const bus = await make();
      await bus.publishConfig(snapshot(5));
      await bus.publishConfig(snapshot(4));
      expect((await bus.readConfig())?.version).toBe(5);
      await bus.publishConfig(snapshot(6));
      expect((await bus.readConfig())?.version).toBe(6);
    });

    it('gives a watcher the current snapshot first, then each newer one, never an older one', async () => {
      const bus = await make();
      await bus.publishConfig(snapshot(1));
      const seen: number[] = [];
      bus.watchConfig((s) => seen.push(s.version));
      await eventually(() => seen.length === 1, 'the current snapshot');
      expect(seen).toEqual([1]);
      await bus.publishConfig(snapshot(2));
      await eventually(() => seen.includes(2), 'version 2');
      await bus.publishConfig(snapshot(1));
      await bus.publishConfig(snapshot(3));
      await eventually(() => seen.includes(3), 'version 3');
      expect(seen).toEqual([1, 2, 3]);
    });

    it('does not call a watcher before any config exists, and calls it on the first one', async () => {
      const bus = await make();
      const seen: ConfigSnapshot[] = [];
      bus.watchConfig((s) => seen.push(s));
      await sleep(150);
      expect(seen).toEqual([]);
      await bus.publishConfig(snapshot(9));
      await eventually(() => seen.length === 1, 'the first snapshot');
      expect(seen[0]).toEqual(snapshot(9));
    });

    it('stops calling a watcher once unsubscribed', async () => {
      const bus = await make();
      const seen: number[] = [];
      const stop = bus.watchConfig((s) => seen.push(s.version));
      await bus.publishConfig(snapshot(1));
      await eventually(() => seen.length === 1, 'version 1');
      stop();
      await bus.publishConfig(snapshot(2));
      await sleep(200);
      expect(seen).toEqual([1]);
    });
  });

  describe('gate presence', () => {
    it('lists an announced Gate until it withdraws', async () => {
      const bus = await make();
      expect(await bus.listGates()).toEqual([]);
      await bus.announceGate(gatePresence('g1'), 10_000);
      await bus.announceGate(gatePresence('g2'), 10_000);
      expect((await bus.listGates()).map((g) => g.id).sort()).toEqual(['g1', 'g2']);
      await bus.withdrawGate('g1');
      expect((await bus.listGates()).map((g) => g.id)).toEqual(['g2']);
    });

    it('keeps the latest heartbeat of a Gate', async () => {
      const bus = await make();
      await bus.announceGate(gatePresence('g1', { connections: 1 }), 10_000);
      await bus.announceGate(gatePresence('g1', { connections: 42 }), 10_000);
      const gates = await bus.listGates();
      expect(gates).toHaveLength(1);
      expect(gates[0]?.connections).toBe(42);
    });

    it('drops a Gate whose heartbeat lapsed, and tells the watchers', async () => {
      const bus = await make();
      const seen: string[][] = [];
      bus.watchGates((gates) => seen.push(gates.map((g) => g.id)));
      await eventually(() => seen.length === 1, 'the initial list');
      await bus.announceGate(gatePresence('short'), 300);
      await bus.announceGate(gatePresence('long'), 10_000);
      await eventually(() => seen.some((ids) => ids.includes('short')), 'the short-lived gate');
      await eventually(() => seen.at(-1)?.join() === 'long', 'the lapse to be noticed', 3000);
      expect((await bus.listGates()).map((g) => g.id)).toEqual(['long']);
    });

    it('tells watchers when a Gate appears, moves or leaves', async () => {
      const bus = await make();
      const seen: GatePresence[][] = [];
      bus.watchGates((gates) => seen.push(gates));
      await eventually(() => seen.length === 1, 'the initial list');
      expect(seen[0]).toEqual([]);

      await bus.announceGate(gatePresence('g1'), 10_000);
      await eventually(() => seen.length === 2, 'the arrival');
      expect(seen[1]?.map((g) => g.id)).toEqual(['g1']);

      await bus.announceGate(gatePresence('g1', { fingerprint: 'DD:EE:FF' }), 10_000);
      await eventually(() => seen.length === 3, 'the new fingerprint');
      expect(seen[2]?.[0]?.fingerprint).toBe('DD:EE:FF');

      await bus.withdrawGate('g1');
      await eventually(() => seen.length === 4, 'the departure');
      expect(seen[3]).toEqual([]);
    });
  });

  describe('link views', () => {
    const hash = 'cd'.repeat(32);

    it('reads null for an unknown agent, then the published view, then null once removed', async () => {
      const bus = await make();
      expect(await bus.readLinkView(hash)).toBeNull();
      await bus.publishLinkView(hash, linkView(2));
      expect(await bus.readLinkView(hash)).toEqual(linkView(2));
      await bus.publishLinkView(hash, null);
      expect(await bus.readLinkView(hash)).toBeNull();
    });

    it('gives a watcher the current view (null when none), then every change, for its agent only', async () => {
      const bus = await make();
      const seen: (LinkView | null)[] = [];
      bus.watchLinkView(hash, (v) => seen.push(v));
      await eventually(() => seen.length === 1, 'the current view');
      expect(seen[0]).toBeNull();

      await bus.publishLinkView('ef'.repeat(32), linkView(1, 99));
      await bus.publishLinkView(hash, linkView(2));
      await eventually(() => seen.length === 2, 'the published view');
      expect(seen[1]).toEqual(linkView(2));

      await bus.publishLinkView(hash, linkView(3));
      await eventually(() => seen.length === 3, 'the next view');
      await bus.publishLinkView(hash, null);
      await eventually(() => seen.length === 4, 'the removal');
      expect(seen.map((v) => v?.version ?? null)).toEqual([null, 2, 3, null]);
    });
  });

  describe('traffic', () => {
    it('adds increments per gate and route', async () => {
      const bus = await make();
      const route = (routeId: number, n: number) => ({
        routeId,
        agentId: 7,
        connections: n,
        bytesIn: 100 * n,
        bytesOut: 1000 * n,
        errors: n - 1,
      });
      await bus.addTraffic({ gateId: 'g1', routes: [route(1, 1), route(2, 2)] });
      await bus.addTraffic({ gateId: 'g1', routes: [route(1, 3)] });
      await bus.addTraffic({ gateId: 'g2', routes: [route(1, 5)] });
      const totals = (await bus.readTraffic()).sort(
        (a, b) => a.gateId.localeCompare(b.gateId) || a.routeId - b.routeId,
      );
      expect(totals).toEqual([
        {
          gateId: 'g1',
          routeId: 1,
          agentId: 7,
          connections: 4,
          bytesIn: 400,
          bytesOut: 4000,
          errors: 2,
        },
        {
          gateId: 'g1',
          routeId: 2,
          agentId: 7,
          connections: 2,
          bytesIn: 200,
          bytesOut: 2000,
          errors: 1,
        },
        {
          gateId: 'g2',
          routeId: 1,
          agentId: 7,
          connections: 5,
          bytesIn: 500,
          bytesOut: 5000,
          errors: 4,
        },
      ]);
    });
  });

  describe('logs', () => {
    it('delivers events published while watching, in order, and none after unsubscribing', async () => {
      const bus = await make();
      const seen: LogEvent[] = [];
      const stop = bus.watchLogs((e) => seen.push(e));
      const events: LogEvent[] = [1, 2, 3].map((i) => ({
        time: 1_700_000_000_000 + i,
        level: i === 3 ? 'error' : 'info',
        source: 'gate:g1',
        message: `event ${i}`,
        ...(i === 2 ? { meta: { routeId: 4 } } : {}),
      }));
      for (const e of events) await bus.publishLog(e);
      await eventually(() => seen.length === 3, 'three events');
      expect(seen).toEqual(events);
      stop();
      await bus.publishLog({ time: 1, level: 'info', source: 'hub', message: 'late' });
      await sleep(200);
      expect(seen).toHaveLength(3);
    });
  });

  describe('lease', () => {
    it('belongs to one owner until it lapses', async () => {
      const bus = await make();
      expect(await bus.lease('sweeper', 'hub-a', 400)).toBe(true);
      expect(await bus.lease('sweeper', 'hub-b', 400)).toBe(false);
      expect(await bus.lease('sweeper', 'hub-a', 400)).toBe(true);
      expect(await bus.lease('other-duty', 'hub-b', 400)).toBe(true);
      await sleep(550);
      expect(await bus.lease('sweeper', 'hub-b', 400)).toBe(true);
      expect(await bus.lease('sweeper', 'hub-a', 400)).toBe(false);
    });
  });
});
