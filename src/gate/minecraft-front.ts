import net, { type AddressInfo, type Socket } from 'node:net';
import type { Logger } from '../shared/logger.js';
import { GatelinkError } from '../shared/errors.js';
import { HandshakeDecoder } from '../protocol/minecraft-handshake.js';
import { parseProxyHeader, type ProxiedAddress } from '../protocol/proxy-header.js';
import type { ClientAddress, Upstream } from './upstream.js';
import type { GateConfig } from './gate-config.js';
import { trustedBlockList } from './gate-config.js';
import type { GateMetrics, HandshakeErrorReason } from './gate-metrics.js';
import type { GateStats } from './gate-stats.js';
import type { RouteTable } from './route-table.js';
import { RateLimiter } from './rate-limiter.js';
import { StatusCache } from './status-cache.js';
import { answerLegacy } from './offline-reply.js';
import { createConnectionRouter } from './connection-router.js';

/** Bytes after a lone `FE`/`FE xx` are awaited this long before answering as a legacy ping. */
const LEGACY_SETTLE_MS = 250;

/** Something a player connection did that an operator may want in the logs. */
export interface FrontEvent {
  readonly level: 'info' | 'warn' | 'error';
  /** Stable key for throttling repeated events (`open:<routeId>:<code>`, `handshake:<reason>`). */
  readonly key: string;
  readonly message: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** What the Minecraft front needs from the Gate around it. */
export interface MinecraftFrontOptions {
  readonly config: GateConfig;
  readonly upstream: Upstream;
  /** The current route table (swapped on each config). */
  readonly routes: () => RouteTable;
  readonly stats: GateStats;
  readonly metrics: GateMetrics;
  readonly log: Logger;
  readonly onEvent?: (event: FrontEvent) => void;
}

/** The player listener: handshake, lookup, answer or relay. */
export interface MinecraftFront {
  listen(): Promise<AddressInfo>;
  /** Connections that have not completed their handshake. */
  readonly halfOpen: number;
  readonly statusCache: StatusCache;
  /** Drop rate-limit buckets that have refilled (called periodically by the Gate). */
  sweep(): void;
  /** Stop accepting and destroy every player connection. */
  close(): Promise<void>;
}

const unmap = (address: string | undefined): string =>
  address?.startsWith('::ffff:') && net.isIPv4(address.slice(7))
    ? address.slice(7)
    : (address ?? '');

function handshakeReason(err: unknown): HandshakeErrorReason {
  const code = err instanceof GatelinkError ? err.code : '';
  if (code === 'PROTO_ERR_HANDSHAKE_TOO_LARGE') return 'too_large';
  if (code === 'PROTO_ERR_ADDRESS_TOO_LONG') return 'address_too_long';
  if (code === 'PROTO_ERR_BAD_PROXY_HEADER') return 'bad_proxy_header';
  return 'malformed';
}

function destroySelf(this: Socket): void {
  this.destroy();
}

/** Create the player-facing listener of a Gate. */
export function createMinecraftFront({
  config,
  upstream,
  routes,
  stats,
  metrics,
  log,
  onEvent = () => {},
}: MinecraftFrontOptions): MinecraftFront {
  const trusted = trustedBlockList(config.proxyProtocolTrusted);
  const anyTrusted = config.proxyProtocolTrusted.length > 0;
  const statusLimiter = new RateLimiter(config.statusRate);
  const loginLimiter = new RateLimiter(config.loginRate);
  const statusCache = new StatusCache();
  const sockets = new Set<Socket>();
  const texts = config.texts;
  let halfOpen = 0;
  const route = createConnectionRouter({
    config,
    upstream,
    routes,
    stats,
    metrics,
    statusCache,
    statusLimiter,
    loginLimiter,
    onEvent,
    track: (channel) => {
      sockets.add(channel);
      channel.on('close', untrack);
    },
  });
  const halfOpenByPeer = new Map<string, number>();

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, accept);
  server.on('error', (err) => log.error({ err }, 'player listener error'));

  function isTrusted(address: string): boolean {
    return anyTrusted && trusted.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
  }

  // The listeners a player socket keeps for its whole life are made outside `accept`: a closure
  // made there would hold that scope (the handshake decoder, its buffer, cleared timers) for as
  // long as the player stays, several KB per player at thousands of players.
  function track(socket: Socket): void {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('error', destroySelf);
    socket.on('close', untrack);
  }

  function untrack(this: Socket): void {
    sockets.delete(this);
  }

  function accept(socket: Socket): void {
    const peer = unmap(socket.remoteAddress);
    const fromProxy = isTrusted(peer);
    // A trusted DDoS filter carries many players on one address: only the global cap applies.
    const peerHalfOpen = fromProxy ? 0 : (halfOpenByPeer.get(peer) ?? 0);
    if (halfOpen >= config.maxHalfOpen || peerHalfOpen >= config.maxHalfOpenPerAddress) {
      metrics.connection('half_open_limit');
      socket.destroy();
      return;
    }
    halfOpen++;
    if (!fromProxy) halfOpenByPeer.set(peer, peerHalfOpen + 1);
    track(socket);

    let client: ClientAddress = {
      sourceAddress: peer,
      sourcePort: socket.remotePort ?? 0,
      destAddress: unmap(socket.localAddress),
      destPort: socket.localPort ?? 0,
    };
    let awaitingProxy = fromProxy;
    let proxyBuf: Buffer = Buffer.alloc(0);
    let proxyBytes = 0;
    const decoder = new HandshakeDecoder({ maxBytes: config.maxHandshakeBytes });
    let settled = false;
    let legacyTimer: NodeJS.Timeout | undefined;

    const settle = () => {
      settled = true;
      halfOpen--;
      if (!fromProxy) {
        const n = (halfOpenByPeer.get(peer) ?? 1) - 1;
        if (n > 0) halfOpenByPeer.set(peer, n);
        else halfOpenByPeer.delete(peer);
      }
      clearTimeout(timer);
      clearTimeout(legacyTimer);
      socket.off('data', onData);
      socket.off('close', onEarlyClose);
      socket.off('end', onEarlyClose);
      socket.pause();
    };
    const drop = (reason: HandshakeErrorReason, err?: unknown) => {
      settle();
      metrics.handshakeError(reason);
      metrics.connection('bad_handshake');
      if (reason !== 'timeout' && reason !== 'closed_early') {
        onEvent({
          level: 'warn',
          key: `handshake:${reason}`,
          message: `dropped a connection with a bad handshake (${reason})`,
          meta: {
            client: client.sourceAddress,
            error: err instanceof Error ? err.message : undefined,
          },
        });
      }
      socket.destroy();
    };
    const timer = setTimeout(() => drop('timeout'), config.handshakeTimeoutMs);
    const onEarlyClose = () => {
      if (!settled) drop('closed_early');
    };
    socket.once('close', onEarlyClose);
    // The listener allows half-open sockets (for the relay), so a client's FIN alone closes nothing.
    socket.once('end', onEarlyClose);

    const legacy = () => {
      settle();
      if (!statusLimiter.take(client.sourceAddress)) {
        metrics.connection('rate_limited');
        socket.destroy();
        return;
      }
      metrics.connection('legacy_ping');
      answerLegacy(
        socket,
        {
          protocolVersion: 127,
          versionName: texts.versionName,
          motd: texts.motdLegacy,
          online: 0,
          max: 0,
        },
        config.handshakeTimeoutMs,
      );
    };

    function feed(chunk: Buffer): void {
      const result = decoder.push(chunk);
      if (!result) {
        if (decoder.maybeLegacy && !legacyTimer) legacyTimer = setTimeout(legacy, LEGACY_SETTLE_MS);
        return;
      }
      if (result.kind === 'legacy') return legacy();
      settle();
      route(socket, result.handshake, decoder.buffered, client, proxyBytes).catch(
        (err: unknown) => {
          log.error({ err }, 'player connection failed');
          socket.destroy();
        },
      );
    }

    function onData(chunk: Buffer): void {
      try {
        if (!awaitingProxy) return feed(chunk);
        proxyBuf = proxyBuf.length === 0 ? chunk : Buffer.concat([proxyBuf, chunk]);
        const header = parseProxyHeader(proxyBuf);
        if (header.kind === 'incomplete') return;
        awaitingProxy = false;
        if (header.kind === 'none') return feed(proxyBuf);
        proxyBytes = header.consumed;
        if (header.address) client = fromProxied(header.address);
        const rest = proxyBuf.subarray(header.consumed);
        if (rest.length > 0) feed(rest);
      } catch (err) {
        drop(handshakeReason(err), err);
      }
    }
    socket.on('data', onData);
  }

  function fromProxied(a: ProxiedAddress): ClientAddress {
    return {
      sourceAddress: unmap(a.sourceAddress),
      sourcePort: a.sourcePort,
      destAddress: unmap(a.destAddress),
      destPort: a.destPort,
    };
  }

  return {
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.listen.port, config.listen.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server.address() as AddressInfo;
    },
    get halfOpen() {
      return halfOpen;
    },
    statusCache,
    sweep() {
      statusLimiter.sweep();
      loginLimiter.sweep();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
