import { createHmac } from 'node:crypto';
import type { GateEndpoint, LinkRoute } from '../bus/types.js';
import { encodeProxyV2 } from '../protocol/proxy-v2.js';
import type { OpenMessage } from '../protocol/tunnel-messages.js';
import type { Logger } from '../shared/logger.js';
import { ClientConn } from './client-conn.js';
import { LinkErrors } from './errors.js';
import { dialGate } from './gate-dial.js';
import { relay } from '../shared/relay.js';
import { dialTarget } from './target-dial.js';

/** One data channel: the session it belongs to and the callbacks that keep the pool count. */
export interface DataChannelOptions {
  readonly endpoint: GateEndpoint;
  readonly sessionId: string;
  readonly sessionKey: Buffer;
  readonly heartbeatMs: number;
  readonly gateTimeoutMs: number;
  readonly targetTimeoutMs: number;
  /** The route as this Link's own view has it; undefined when the Link does not serve it. */
  readonly resolveRoute: (routeId: number) => LinkRoute | undefined;
  readonly log: Logger;
  /** Aborted when the control session ends: idle channels close with it. */
  readonly signal: AbortSignal;
  /** The channel is authenticated and waiting in the Gate's pool. */
  readonly onIdle: () => void;
  /** The Gate took the channel for a player: open a replacement now. */
  readonly onUsed: () => void;
  /** The channel ended; `wasIdle` when it never carried a player (dead, refused, evicted). */
  readonly onEnd: (wasIdle: boolean) => void;
  /** A relay started; the Link keeps it to cut it when the agent is disabled. */
  /** Called as a player's relay starts; returns what to call once both its sockets closed. */
  readonly onRelay: (
    sockets: readonly [import('node:net').Socket, import('node:net').Socket],
  ) => () => void;
}

/**
 * One data channel, Link side: dial the Gate, prove the session with HMAC(sessionKey, nonce),
 * wait idle for an Open, then dial the target the Link's own view names and relay raw bytes.
 */
export async function runDataChannel(options: DataChannelOptions): Promise<void> {
  const { endpoint, log } = options;
  let used = false;
  let conn: ClientConn | undefined;
  try {
    const socket = await dialGate(endpoint, options.gateTimeoutMs);
    conn = new ClientConn(socket);
    if (options.signal.aborted) throw LinkErrors.GATE_CLOSED('session ended');
    const challenge = await conn.next(options.gateTimeoutMs);
    if (challenge.type !== 'challenge')
      throw LinkErrors.REFUSED(`expected challenge, got ${challenge.type}`);
    const mac = createHmac('sha256', options.sessionKey)
      .update(Buffer.from(challenge.nonce, 'hex'))
      .digest('hex');
    conn.send({ type: 'dataHello', sessionId: options.sessionId, mac });
    options.onIdle();
    const { open, initial } = await waitForOpen(conn, options.heartbeatMs, options.signal);
    used = true;
    // Replace the channel once this player's open is answered: the replacement's TLS handshake
    // would otherwise compete with the target dial for the CPU, right on the player's path.
    let replaced = false;
    const replace = () => {
      if (!replaced) options.onUsed();
      replaced = true;
    };
    try {
      await serveOpen(conn, open, initial, options, replace);
    } finally {
      replace();
    }
  } catch (err) {
    conn?.destroy();
    if (!used)
      log.debug(
        { gateId: endpoint.id, code: (err as { code?: string }).code },
        'data channel ended idle',
      );
    else
      log.warn(
        { gateId: endpoint.id, code: (err as { code?: string }).code, err: (err as Error).message },
        'open failed',
      );
  } finally {
    options.onEnd(!used);
  }
}

// Idle: answer heartbeats; a Gate silent for 3 intervals is gone, so is this channel.
function waitForOpen(
  conn: ClientConn,
  heartbeatMs: number,
  signal: AbortSignal,
): Promise<{ open: OpenMessage; initial: Buffer }> {
  return new Promise((resolve, reject) => {
    const onAbort = () => finish(LinkErrors.GATE_CLOSED('session ended'));
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(() => {
      if (Date.now() - conn.lastSeen > 3 * heartbeatMs)
        finish(LinkErrors.GATE_TIMEOUT('idle data channel went silent'));
    }, heartbeatMs);
    timer.unref();
    const finish = (err: Error | null, open?: OpenMessage) => {
      clearInterval(timer);
      signal.removeEventListener('abort', onAbort);
      conn.socket.off('close', onClose);
      if (err) reject(err);
      // Detach now, inside the frame loop: every byte after the Open is the player's stream.
      else resolve({ open: open!, initial: conn.release() });
    };
    const onClose = () => finish(LinkErrors.GATE_CLOSED('data channel closed while idle'));
    conn.socket.once('close', onClose);
    conn.handle((message) => {
      if (message.type === 'ping') conn.send({ type: 'pong', time: message.time });
      else if (message.type === 'open') finish(null, message);
      else if (message.type === 'refused')
        finish(LinkErrors.REFUSED(`${message.code}: ${message.reason}`));
      else if (message.type !== 'pong')
        finish(LinkErrors.REFUSED(`unexpected ${message.type} on a data channel`));
    });
  });
}

async function serveOpen(
  conn: ClientConn,
  open: OpenMessage,
  initial: Buffer,
  options: DataChannelOptions,
  answered: () => void,
): Promise<void> {
  const route = options.resolveRoute(open.routeId);
  if (!route) {
    // The Gate names a route, never an address; a route this Link does not serve is refused.
    conn.send({
      type: 'openFailed',
      code: 'LINK_ERR_UNKNOWN_ROUTE',
      reason: `route ${open.routeId} is not served here`,
    });
    conn.socket.end();
    throw LinkErrors.UNKNOWN_ROUTE(
      `gate ${options.endpoint.id} asked for unknown route ${open.routeId}`,
    );
  }
  let header: Buffer | null = null;
  if (route.proxyProtocol) {
    try {
      header = encodeProxyV2(open);
    } catch {
      conn.send({
        type: 'openFailed',
        code: 'LINK_ERR_PROXY_HEADER',
        reason: 'client address is not an IP',
      });
      conn.socket.end();
      throw LinkErrors.TARGET_UNREACHABLE(`route ${route.id}: cannot build a PROXY header`);
    }
  }
  let target;
  try {
    target = await dialTarget(route, options.targetTimeoutMs);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'LINK_ERR_TARGET_UNREACHABLE';
    conn.send({ type: 'openFailed', code, reason: (err as Error).message });
    conn.socket.end();
    throw err;
  }
  if (conn.socket.destroyed) {
    target.destroy();
    throw LinkErrors.GATE_CLOSED('the gate gave up before the target answered');
  }
  // The PROXY header and the player's first bytes leave in one write.
  target.cork();
  if (header) target.write(header);
  if (initial.length) target.write(initial);
  target.uncork();
  conn.send({ type: 'openOk' });
  // Not awaited: the relay owns both sockets from here, and an async frame kept waiting for it
  // would hold this set-up's closures and promises in memory for the whole life of the player.
  relay(conn.socket, target, options.onRelay([conn.socket, target]));
  setImmediate(answered);
}
