import type { Socket } from 'node:net';
import type { Handshake } from '../protocol/minecraft-handshake.js';
import type { ClientAddress, Upstream } from './upstream.js';
import type { GateConfig } from './gate-config.js';
import type { ConnectionResult, GateMetrics } from './gate-metrics.js';
import type { GateStats } from './gate-stats.js';
import type { FrontEvent } from './minecraft-front.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RouteTable } from './route-table.js';
import type { StatusCache } from './status-cache.js';
import { answerOffline } from './offline-reply.js';
import { relay } from '../shared/relay.js';

/** What routing a player connection needs. */
export interface ConnectionRouterOptions {
  readonly config: GateConfig;
  readonly upstream: Upstream;
  readonly routes: () => RouteTable;
  readonly stats: GateStats;
  readonly metrics: GateMetrics;
  readonly statusCache: StatusCache;
  readonly statusLimiter: RateLimiter;
  readonly loginLimiter: RateLimiter;
  readonly onEvent: (event: FrontEvent) => void;
  /** Called with each backend channel, so the front can destroy it on close. */
  readonly track: (channel: Socket) => void;
}

/** Routes one connection after its handshake: answers it, or relays it. */
export type RouteConnection = (
  socket: Socket,
  hs: Handshake,
  buffered: Buffer,
  client: ClientAddress,
  proxyBytes: number,
) => Promise<void>;

function openResult(err: unknown): ConnectionResult {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'GATE_ERR_LINK_OFFLINE') return 'link_offline';
  if (code === 'GATE_ERR_TARGET_REFUSED') return 'target_refused';
  if (code === 'GATE_ERR_OPEN_TIMEOUT') return 'open_timeout';
  return 'open_failed';
}

/**
 * Decide what happens to a player once its handshake is in: rate limit, lookup, the Gate's own
 * answer when the server cannot be reached, else a channel through the Link and a raw relay.
 */
export function createConnectionRouter({
  config,
  upstream,
  routes,
  stats,
  metrics,
  statusCache,
  statusLimiter,
  loginLimiter,
  onEvent,
  track,
}: ConnectionRouterOptions): RouteConnection {
  const texts = config.texts;
  return async function route(
    socket: Socket,
    hs: Handshake,
    buffered: Buffer,
    client: ClientAddress,
    proxyBytes: number,
  ): Promise<void> {
    const isStatus = hs.nextState === 1;
    if (!(isStatus ? statusLimiter : loginLimiter).take(client.sourceAddress)) {
      metrics.connection('rate_limited');
      if (isStatus) socket.destroy();
      else
        answerOffline(
          socket,
          hs,
          Buffer.alloc(0),
          { motd: '', kick: texts.kickRateLimited, versionName: '' },
          config.handshakeTimeoutMs,
        );
      return;
    }
    const rest = buffered.subarray(hs.consumed);
    const match = routes().lookup(hs.lookupKey);
    if (!match) {
      metrics.connection('no_route');
      answerOffline(
        socket,
        hs,
        rest,
        { motd: texts.motdNoRoute, kick: texts.kickNoRoute, versionName: texts.versionName },
        config.handshakeTimeoutMs,
      );
      return;
    }
    const { route } = match;
    const offline = (result: ConnectionResult) => {
      metrics.connection(result);
      stats.error(route);
      answerOffline(
        socket,
        hs,
        rest,
        {
          motd: texts.motdOffline,
          kick: texts.kickOffline,
          versionName: texts.versionName,
          cachedStatus: statusCache.get(route.id),
        },
        config.handshakeTimeoutMs,
      );
    };
    if (!match.agentEnabled || !upstream.hasSession(route.agentId)) return offline('link_offline');

    const started = performance.now();
    let channel;
    try {
      channel = await upstream.open(route, client, buffered);
    } catch (err) {
      const result = openResult(err);
      onEvent({
        level: 'warn',
        key: `open:${route.id}:${result}`,
        message: `could not reach ${route.domain} (${result})`,
        meta: {
          routeId: route.id,
          agentId: route.agentId,
          error: err instanceof Error ? err.message : String(err),
        },
      });
      if (socket.destroyed) return metrics.connection('client_gone');
      return offline(result);
    }
    metrics.openDuration((performance.now() - started) / 1000);
    if (socket.destroyed) {
      channel.socket.destroy();
      metrics.connection('client_gone');
      return;
    }
    metrics.connection('relayed');
    const handle = stats.opened(route, socket, proxyBytes);
    track(channel.socket);
    channel.socket.setNoDelay(true);
    if (channel.head.length > 0) socket.write(channel.head);
    relay(socket, channel.socket, closedIn(stats, handle));
    if (isStatus) statusCache.capture(route.id, channel.socket, channel.head);
  };
}

// Made outside `route` so the callback, which lives as long as the player, holds only these two
// and not the handshake, its buffered bytes and the rest of the set-up.
function closedIn(stats: GateStats, handle: Parameters<GateStats['closed']>[0]): () => void {
  return () => stats.closed(handle);
}
