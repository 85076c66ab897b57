import { EventEmitter } from 'node:events';
import type { Bus } from './bus.js';
import type {
  ConfigSnapshot,
  GatePresence,
  LinkView,
  LogEvent,
  TrafficDelta,
  TrafficTotal,
  Unsubscribe,
} from './types.js';

interface Held<T> {
  value: T;
  expiresAt: number;
}

/** The in-process bus: Hub and Gate in one process (`gatelink all`, tests). */
export function createMemoryBus(): Bus {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let config: ConfigSnapshot | null = null;
  const gates = new Map<string, Held<GatePresence>>();
  const views = new Map<string, LinkView>();
  const traffic = new Map<string, TrafficTotal>();
  const leases = new Map<string, Held<string>>();
  let closed = false;

  const liveGates = () => {
    const now = Date.now();
    const out: GatePresence[] = [];
    for (const [id, held] of gates) {
      if (held.expiresAt <= now) gates.delete(id);
      else out.push(held.value);
    }
    return out;
  };

  // A lapsed Gate must be noticed without anyone calling listGates.
  const sweep = setInterval(() => {
    const before = gates.size;
    const live = liveGates();
    if (live.length !== before) events.emit('gates', live);
  }, 1000);
  sweep.unref();

  const watch = <T>(event: string, listener: (value: T) => void, initial: () => T | undefined): Unsubscribe => {
    events.on(event, listener);
    const first = initial();
    if (first !== undefined) queueMicrotask(() => listener(first));
    return () => events.off(event, listener);
  };

  return {
    kind: 'memory',

    async publishConfig(snapshot) {
      if (config && snapshot.version < config.version) return;
      config = snapshot;
      events.emit('config', snapshot);
    },
    async readConfig() {
      return config;
    },
    watchConfig(listener) {
      return watch('config', listener, () => config ?? undefined);
    },

    async announceGate(presence, ttlMs) {
      const previous = gates.get(presence.id)?.value;
      gates.set(presence.id, { value: presence, expiresAt: Date.now() + ttlMs });
      if (
        !previous ||
        previous.tunnelAddr !== presence.tunnelAddr ||
        previous.fingerprint !== presence.fingerprint ||
        previous.tls !== presence.tls
      ) {
        events.emit('gates', liveGates());
      }
    },
    async withdrawGate(id) {
      if (gates.delete(id)) events.emit('gates', liveGates());
    },
    async listGates() {
      return liveGates();
    },
    watchGates(listener) {
      return watch('gates', listener, () => liveGates());
    },

    async publishLinkView(tokenHash, view) {
      if (view) views.set(tokenHash, view);
      else views.delete(tokenHash);
      events.emit(`view:${tokenHash}`, view);
    },
    async readLinkView(tokenHash) {
      return views.get(tokenHash) ?? null;
    },
    watchLinkView(tokenHash, listener) {
      return watch(`view:${tokenHash}`, listener, () => views.get(tokenHash) ?? null);
    },

    async addTraffic(delta: TrafficDelta) {
      for (const r of delta.routes) {
        const key = `${delta.gateId}\0${r.routeId}`;
        const t = traffic.get(key);
        traffic.set(key, {
          gateId: delta.gateId,
          routeId: r.routeId,
          agentId: r.agentId,
          connections: (t?.connections ?? 0) + r.connections,
          bytesIn: (t?.bytesIn ?? 0) + r.bytesIn,
          bytesOut: (t?.bytesOut ?? 0) + r.bytesOut,
          errors: (t?.errors ?? 0) + r.errors,
        });
      }
    },
    async readTraffic() {
      return [...traffic.values()];
    },

    async publishLog(event: LogEvent) {
      if (!closed) events.emit('log', event);
    },
    watchLogs(listener) {
      return watch<LogEvent>('log', listener, () => undefined);
    },

    async lease(name, owner, ttlMs) {
      const now = Date.now();
      const held = leases.get(name);
      if (held && held.expiresAt > now && held.value !== owner) return false;
      leases.set(name, { value: owner, expiresAt: now + ttlMs });
      return true;
    },

    async close() {
      closed = true;
      clearInterval(sweep);
      events.removeAllListeners();
    },
  };
}
