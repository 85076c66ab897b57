import type { Bus } from '../bus/bus.js';
import type { ConfigSnapshot, GatePresence, LogEvent, RouteTrafficDelta } from '../bus/types.js';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import type { GateConfig } from './gate-config.js';
import { EventThrottle } from './event-throttle.js';
import { GateMetrics } from './gate-metrics.js';
import { advertisedTunnelAddr, hostOf, joinHostPort } from './gate-presence.js';
import { GateStats } from './gate-stats.js';
import { createMinecraftFront, type FrontEvent } from './minecraft-front.js';
import { RouteTable } from './route-table.js';
import type { TunnelServer, TunnelServerOptions } from './upstream.js';

/** Builds the tunnel listener; tests inject a fake. */
export type TunnelServerFactory = (
  options: TunnelServerOptions & { log: Logger },
) => Promise<TunnelServer>;

/** What createGate needs. */
export interface CreateGateOptions {
  readonly config: GateConfig;
  readonly log: Logger;
  readonly bus: Bus;
  /** Default: the real tunnel server. */
  readonly createTunnelServer?: TunnelServerFactory;
}

/** Ports a started Gate listens on. */
export interface GatePorts {
  readonly playerPort: number;
  readonly tunnelPort: number;
  readonly metricsPort?: number;
}

/** A Gate: player listener, tunnel listener, presence, stats and metrics. */
export interface Gate {
  readonly id: string;
  start(): Promise<GatePorts>;
  close(): Promise<void>;
}

function mergeDeltas(
  a: readonly RouteTrafficDelta[],
  b: readonly RouteTrafficDelta[],
): RouteTrafficDelta[] {
  const byRoute = new Map<number, RouteTrafficDelta>();
  for (const d of [...a, ...b]) {
    const p = byRoute.get(d.routeId);
    byRoute.set(
      d.routeId,
      p
        ? {
            routeId: d.routeId,
            agentId: d.agentId,
            connections: p.connections + d.connections,
            bytesIn: p.bytesIn + d.bytesIn,
            bytesOut: p.bytesOut + d.bytesOut,
            errors: p.errors + d.errors,
          }
        : d,
    );
  }
  return [...byRoute.values()];
}

/** Create a Gate; nothing listens until `start()`. */
export function createGate({ config, log, bus, createTunnelServer }: CreateGateOptions): Gate {
  const source = `gate:${config.id}`;
  const stats = new GateStats();
  const throttle = new EventThrottle<Omit<LogEvent, 'source' | 'time'>>();
  let table = RouteTable.empty();
  let tunnel: TunnelServer | undefined;
  let unwatch: (() => void) | undefined;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  const timers: NodeJS.Timeout[] = [];
  let pendingTraffic: RouteTrafficDelta[] = [];
  let presence:
    | Omit<GatePresence, 'lastSeen' | 'connections' | 'sessions' | 'routes' | 'configVersion'>
    | undefined;
  let closing: Promise<void> | undefined;

  const metrics = new GateMetrics(
    {
      halfOpen: () => front.halfOpen,
      active: () => stats.active,
      linkSessions: () => (tunnel?.sessions() ?? []).reduce((n, s) => n + s.links, 0),
      routes: () => table.size,
      configVersion: () => table.version,
    },
    { gateId: config.id },
  );

  function publish(key: string, event: Omit<LogEvent, 'source' | 'time'>): void {
    const out = throttle.offer(key, event);
    if (!out) return;
    const meta =
      out.suppressed > 0 ? { ...out.event.meta, repeated: out.suppressed } : out.event.meta;
    const logEvent: LogEvent = {
      ...out.event,
      ...(meta ? { meta } : {}),
      time: Date.now(),
      source,
    };
    log[logEvent.level]({ ...meta }, logEvent.message);
    bus.publishLog(logEvent).catch((err: unknown) => log.debug({ err }, 'log event not published'));
  }

  // Upstream calls go through `tunnel` once it exists; before start nothing is accepted.
  const upstream = {
    open: (...args: Parameters<TunnelServer['open']>) => tunnel!.open(...args),
    hasSession: (agentId: number) => tunnel?.hasSession(agentId) ?? false,
    sessions: () => tunnel?.sessions() ?? [],
  };
  const front = createMinecraftFront({
    config,
    upstream,
    routes: () => table,
    stats,
    metrics,
    log,
    onEvent: (e: FrontEvent) =>
      publish(e.key, { level: e.level, message: e.message, ...(e.meta ? { meta: e.meta } : {}) }),
  });

  function applyConfig(snapshot: ConfigSnapshot): void {
    if (snapshot.version < table.version) return;
    table = new RouteTable(snapshot);
    tunnel?.applyConfig(snapshot);
    front.statusCache.retain(new Set(snapshot.routes.map((r) => r.id)));
    log.debug({ version: snapshot.version, routes: table.size }, 'config applied');
  }

  async function announce(): Promise<void> {
    if (!presence) return;
    const now = Date.now();
    const full: GatePresence = {
      ...presence,
      lastSeen: now,
      connections: stats.active,
      sessions: upstream.sessions(),
      routes: stats.live(),
      configVersion: table.version,
    };
    try {
      await bus.announceGate(full, config.presenceIntervalMs * 3);
    } catch (err) {
      publish('presence', {
        level: 'warn',
        message: 'presence heartbeat failed',
        meta: { error: String(err) },
      });
    }
  }

  async function flushTraffic(): Promise<void> {
    const { routes, totals } = stats.takeDelta();
    metrics.bytes(totals.bytesIn, totals.bytesOut);
    const batch = mergeDeltas(pendingTraffic, routes);
    pendingTraffic = [];
    if (batch.length === 0) return;
    try {
      await bus.addTraffic({ gateId: config.id, routes: batch });
    } catch (err) {
      // Keep the counts; they go out with the next flush once the bus is back.
      pendingTraffic = batch;
      log.debug({ err }, 'traffic flush failed');
    }
  }

  return {
    id: config.id,
    async start() {
      try {
        return await start();
      } catch (err) {
        // Leave nothing half-started behind (a port in use, an unreadable certificate).
        await this.close();
        throw err;
      }
    },
    close() {
      closing ??= (async () => {
        for (const t of timers) clearInterval(t);
        unwatch?.();
        if (presence) await bus.withdrawGate(config.id).catch(() => {});
        await front.close().catch(() => {});
        await tunnel?.close().catch(() => {});
        await metricsServer?.close();
        await flushTraffic().catch(() => {});
      })();
      return closing;
    },
  };

  async function start(): Promise<GatePorts> {
    const factory = createTunnelServer ?? (await import('./tunnel-server.js')).createTunnelServer;
    tunnel = await factory({
      gateId: config.id,
      host: config.tunnelListen.host,
      port: config.tunnelListen.port,
      tls: config.tunnelTls,
      dataDir: config.dataDir,
      ...(config.certFile ? { certFile: config.certFile } : {}),
      ...(config.keyFile ? { keyFile: config.keyFile } : {}),
      log,
    });
    tunnel.onEvent((e) => {
      // Throttle per Link (or per address for refusals), never across Links: each connect and
      // disconnect of a distinct Link is an event the operator needs to see.
      const m = e.meta ?? {};
      const who = m['linkId'] ?? m['sessionId'] ?? String(m['remote'] ?? '').replace(/:\d+$/, '');
      publish(`tunnel:${e.message}:${String(m['agentId'] ?? '')}:${String(who)}`, e);
    });
    unwatch = bus.watchConfig(applyConfig);
    const initial = await bus.readConfig().catch(() => null);
    if (initial) applyConfig(initial);

    const tunnelBound = await tunnel.listen();
    const player = await front.listen();
    if (config.metricsListen) {
      // Loaded only when asked for: the HTTP server is about 2 MB a Gate without it does not need.
      const { serveMetrics } = await import('./gate-metrics-http.js');
      metricsServer = await serveMetrics(metrics, config.metricsListen);
    }

    const publicAddr = config.publicAddress ?? joinHostPort(config.listen.host, player.port);
    presence = {
      id: config.id,
      name: config.name,
      region: config.region,
      version: VERSION,
      publicAddr,
      tunnelAddr: advertisedTunnelAddr(
        config.advertise,
        config.tunnelListen,
        tunnelBound.port,
        hostOf(config.publicAddress),
      ),
      tls: tunnel.tls,
      fingerprint: tunnel.fingerprint,
      startedAt: Date.now(),
    };
    await announce();
    timers.push(setInterval(() => void announce(), config.presenceIntervalMs));
    timers.push(
      setInterval(() => {
        void flushTraffic();
        front.sweep();
        throttle.sweep();
      }, config.trafficFlushMs),
    );
    for (const t of timers) t.unref();
    publish('started', {
      level: 'info',
      message: 'gate started',
      meta: { publicAddr, tunnelAddr: presence.tunnelAddr, tls: tunnel.tls },
    });
    return {
      playerPort: player.port,
      tunnelPort: tunnelBound.port,
      ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    };
  }
}
