import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type {
  AgentConfig,
  AgentSessions,
  ConfigSnapshot,
  LogEvent,
  RouteConfig,
} from '../bus/types.js';
import { TUNNEL_PROTOCOL_VERSION, type TunnelMessage } from '../protocol/tunnel-messages.js';
import { GatelinkError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { hashToken } from '../shared/token-hash.js';
import { loadTlsIdentity } from './tls-identity.js';
import { TunnelConn } from './tunnel-conn.js';
import { RefusalCode, TunnelErrors } from './tunnel-errors.js';
import { ChannelLostError, openOnChannel } from './tunnel-open.js';
import { TunnelRegistry } from './tunnel-registry.js';
import { TunnelSession, type SessionEnd } from './tunnel-session.js';
import type {
  ClientAddress,
  OpenedChannel,
  TunnelServer,
  TunnelServerOptions,
} from './upstream.js';

type TunnelEvent = Omit<LogEvent, 'source'>;

/** A connection must say who it is within this long. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Connections that have not said who they are yet; beyond this new ones are dropped. */
const MAX_UNIDENTIFIED = 1024;
/** Channels that die before the Link answers are retried on another one this many times. */
const OPEN_ATTEMPTS = 3;

/** The Gate's tunnel listener: authenticates Link sessions and opens data channels through them. */
export async function createTunnelServer(
  options: TunnelServerOptions & { log: Logger },
): Promise<TunnelServer> {
  const { gateId, host, port, tls, log } = options;
  const poolSize = options.poolSize ?? 4;
  const heartbeatMs = options.heartbeatMs ?? 5000;
  const openTimeoutMs = options.openTimeoutMs ?? 5000;
  const identity = tls ? await loadTlsIdentity(options) : null;

  let agentsByHash = new Map<string, AgentConfig>();
  let configured = false;
  let closing = false;
  const registry = new TunnelRegistry();
  let unidentified = 0;
  const sockets = new Set<Socket>();
  const listeners: Array<(event: TunnelEvent) => void> = [];

  const emit = (level: LogEvent['level'], message: string, meta: Record<string, unknown>) => {
    // The Gate logs and publishes what listeners receive; at info level here it would be written twice.
    log.debug({ ...meta, gateId }, message);
    const event: TunnelEvent = { time: Date.now(), level, message, meta };
    for (const listener of listeners) listener(event);
  };

  const onSessionEnd = (session: TunnelSession, why: SessionEnd, detail: string) => {
    registry.remove(session);
    emit(why === 'closed' || why === 'shutdown' ? 'info' : 'warn', 'link disconnected', {
      agentId: session.agentId,
      linkId: session.linkId,
      sessionId: session.id,
      remote: session.remote,
      reason: why,
      detail,
    });
  };

  const refuse = (conn: TunnelConn, code: string, reason: string) => {
    conn.send({ type: 'refused', code, reason });
    conn.socket.end();
    setTimeout(() => conn.destroy(), 200).unref();
  };

  const acceptHello = (
    conn: TunnelConn,
    message: TunnelMessage & { type: 'hello' },
    remote: string,
  ) => {
    if (message.version !== TUNNEL_PROTOCOL_VERSION) {
      emit('warn', 'link refused: unsupported protocol version', {
        remote,
        version: message.version,
      });
      return refuse(
        conn,
        RefusalCode.BAD_VERSION,
        `protocol version ${TUNNEL_PROTOCOL_VERSION} expected`,
      );
    }
    if (!configured)
      return refuse(conn, RefusalCode.NOT_READY, 'the gate has no configuration yet');
    const tokenHash = hashToken(message.token);
    const agent = agentsByHash.get(tokenHash);
    if (!agent) {
      // Never the token, not even its hash: a typo'd token is still half a secret.
      emit('warn', 'link refused: unknown or disabled agent token', {
        remote,
        linkId: message.linkId,
      });
      return refuse(conn, RefusalCode.BAD_TOKEN, 'unknown or disabled agent token');
    }
    const session = new TunnelSession({
      id: randomUUID(),
      agentId: agent.id,
      tokenHash,
      linkId: message.linkId,
      remote,
      key: randomBytes(32),
      control: conn,
      heartbeatMs,
      // Room for the largest pool a Link may ask for (64) plus a burst of extra channels.
      maxIdle: Math.max(poolSize * 4, 128),
      onChannel: (s) => registry.wake(s.agentId),
      onEnd: onSessionEnd,
    });
    registry.add(session);
    conn.send({
      type: 'welcome',
      sessionId: session.id,
      sessionKey: session.key.toString('hex'),
      gateId,
      agentId: agent.id,
      poolSize,
      heartbeatMs,
    });
    emit('info', 'link connected', {
      agentId: agent.id,
      linkId: message.linkId,
      sessionId: session.id,
      remote,
      software: message.software,
    });
  };

  const acceptDataHello = (
    conn: TunnelConn,
    message: TunnelMessage & { type: 'dataHello' },
    nonce: Buffer,
  ) => {
    const session = registry.get(message.sessionId);
    const expected = session ? createHmac('sha256', session.key).update(nonce).digest() : null;
    const given = Buffer.from(message.mac, 'hex');
    if (
      !session ||
      !expected ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      return refuse(conn, RefusalCode.BAD_SESSION, 'data channel not bound to a live session');
    }
    session.addChannel(conn);
  };

  const logSocketError = (err: Error) => log.debug({ err: err.message }, 'tunnel socket error');

  const onConnection = (socket: Socket) => {
    if (closing || unidentified >= MAX_UNIDENTIFIED) {
      socket.destroy();
      return;
    }
    unidentified++;
    let identified = false;
    const identify = () => {
      if (identified) return;
      identified = true;
      unidentified--;
      clearTimeout(handshake);
      socket.off('close', identify);
    };
    socket.once('close', identify);
    // Made outside this scope: a player's data channel keeps it, and must not keep the
    // handshake state (nonce, frame reader, timers) with it.
    socket.on('error', logSocketError);
    socket.setNoDelay(true);
    socket.setKeepAlive(true, heartbeatMs);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const nonce = randomBytes(32);
    const handshake = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS);
    handshake.unref();
    const conn = new TunnelConn(
      socket,
      (message) => {
        identify();
        if (message.type === 'hello') acceptHello(conn, message, remote);
        else if (message.type === 'dataHello') acceptDataHello(conn, message, nonce);
        else socket.destroy();
      },
      (err) => {
        const code = err instanceof GatelinkError ? err.code : 'PROTO_ERR_BAD_FRAME';
        log.warn({ remote, code }, 'tunnel protocol error, connection closed');
        socket.destroy();
      },
    );
    conn.send({
      type: 'challenge',
      version: TUNNEL_PROTOCOL_VERSION,
      nonce: nonce.toString('hex'),
    });
  };

  const server: Server = identity
    ? createTlsServer(
        {
          key: identity.key,
          cert: identity.cert,
          allowHalfOpen: true,
          handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        },
        onConnection,
      )
    : createNetServer({ allowHalfOpen: true, noDelay: true }, onConnection);
  // Track raw TCP sockets, not TLS ones: a peer stuck mid-handshake must not hold close() up.
  function untrack(this: Socket): void {
    sockets.delete(this);
  }
  server.on('connection', (raw: Socket) => {
    sockets.add(raw);
    raw.on('close', untrack);
  });
  if (identity) {
    server.on('tlsClientError', (err) =>
      log.debug({ err: err.message }, 'tunnel TLS handshake failed'),
    );
  }

  const open = async (
    route: RouteConfig,
    client: ClientAddress,
    initial: Buffer,
  ): Promise<OpenedChannel> => {
    const deadline = Date.now() + openTimeoutMs;
    let lost = 0;
    let asked = false;
    for (;;) {
      if (closing) throw TunnelErrors.CLOSED('the tunnel server is closed');
      const picked = registry.pick(route.agentId);
      if (!picked) {
        const sessions = registry.forAgent(route.agentId);
        if (!sessions.length)
          throw TunnelErrors.LINK_OFFLINE(`no link online for agent ${route.agentId}`);
        if (Date.now() >= deadline) {
          throw TunnelErrors.OPEN_TIMEOUT(
            `no idle data channel for agent ${route.agentId} in ${openTimeoutMs} ms`,
          );
        }
        if (!asked) {
          for (const s of sessions) s.wantChannels(1);
          asked = true;
        }
        await registry.waitForChannel(route.agentId, deadline);
        continue;
      }
      try {
        const opened = await openOnChannel(
          picked.conn,
          route,
          client,
          initial,
          Math.max(1, deadline - Date.now()),
        );
        picked.session.trackLive(opened.socket);
        return opened;
      } catch (err) {
        if (err instanceof ChannelLostError && ++lost < OPEN_ATTEMPTS) continue;
        const code =
          err instanceof ChannelLostError
            ? 'GATE_ERR_TARGET_REFUSED'
            : (err as { code?: string }).code;
        // Not an event: the caller reports the failure it gets, naming the domain.
        log.debug(
          {
            gateId,
            routeId: route.id,
            agentId: route.agentId,
            code,
            reason: (err as Error).message,
          },
          'open failed',
        );
        if (err instanceof ChannelLostError) throw TunnelErrors.TARGET_REFUSED(err.message);
        throw err;
      }
    }
  };

  return {
    fingerprint: identity?.fingerprint ?? '',
    tls,

    listen() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          if (!address || typeof address === 'string')
            return reject(new Error('tunnel listener has no address'));
          resolve({ host: address.address, port: address.port });
        });
      });
    },

    applyConfig(snapshot: ConfigSnapshot) {
      agentsByHash = new Map(snapshot.agents.filter((a) => a.enabled).map((a) => [a.tokenHash, a]));
      configured = true;
      for (const session of registry.all()) {
        const agent = agentsByHash.get(session.tokenHash);
        if (agent && agent.id === session.agentId) continue;
        session.refuse(RefusalCode.REVOKED, 'agent token rotated, agent disabled or deleted');
        session.end('revoked', 'agent token rotated, agent disabled or deleted');
      }
    },

    open,

    hasSession(agentId: number) {
      return registry.hasSession(agentId);
    },

    sessions(): AgentSessions[] {
      return registry.summary();
    },

    onEvent(listener) {
      listeners.push(listener);
    },

    async close() {
      if (closing) return;
      closing = true;
      for (const session of registry.all()) session.drain('gate shutting down');
      for (const session of registry.all()) session.end('shutdown', 'gate shutting down');
      registry.wakeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Give drain frames a moment on the wire, then make sure close() cannot hang.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 250).unref();
      });
    },
  };
}
