import type { Socket } from 'node:net';
import { heartbeatClock, type HeartbeatClock } from '../protocol/tunnel-heartbeat.js';
import type { TunnelConn } from './tunnel-conn.js';

/** Why a session ended; `revoked` also cuts the player connections it carries. */
export type SessionEnd = 'closed' | 'heartbeat' | 'protocol' | 'revoked' | 'shutdown';

/** One authenticated session as the tunnel server hands it over. */
export interface TunnelSessionOptions {
  readonly id: string;
  readonly agentId: number;
  readonly tokenHash: string;
  readonly linkId: string;
  readonly remote: string;
  readonly key: Buffer;
  readonly control: TunnelConn;
  readonly heartbeatMs: number;
  /** Idle channels above this are refused: a Link cannot make the Gate hold unbounded sockets. */
  readonly maxIdle: number;
  /** A channel became idle: someone waiting for one may take it. */
  readonly onChannel: (session: TunnelSession) => void;
  readonly onEnd: (session: TunnelSession, why: SessionEnd, detail: string) => void;
}

/**
 * One authenticated Link session on this Gate: its control connection, its pool of idle data
 * channels, and the data channels currently relaying players.
 */
export class TunnelSession {
  readonly id: string;
  readonly agentId: number;
  readonly tokenHash: string;
  readonly linkId: string;
  readonly remote: string;
  readonly key: Buffer;
  readonly #control: TunnelConn;
  readonly #options: TunnelSessionOptions;
  readonly #idle = new Set<TunnelConn>();
  readonly #opening = new Set<TunnelConn>();
  readonly #live = new Set<Socket>();
  readonly #clock: HeartbeatClock;
  #lastPingAt = 0;
  readonly #closeHandlers = new WeakMap<Socket, () => void>();
  readonly #timer: NodeJS.Timeout;
  #ended = false;

  constructor(options: TunnelSessionOptions) {
    this.#options = options;
    this.id = options.id;
    this.agentId = options.agentId;
    this.tokenHash = options.tokenHash;
    this.linkId = options.linkId;
    this.remote = options.remote;
    this.key = options.key;
    this.#control = options.control;
    const control = options.control;
    control.handle((message) => {
      if (message.type === 'ping') control.send({ type: 'pong', time: message.time });
      else if (message.type !== 'pong')
        this.end('protocol', `unexpected ${message.type} on control channel`);
    });
    control.socket.on('close', () => this.end('closed', 'control channel closed'));
    this.#clock = heartbeatClock(options.heartbeatMs);
    this.#timer = setInterval(() => this.#tick(), this.#clock.checkMs);
    this.#timer.unref();
  }

  get alive(): boolean {
    return !this.#ended;
  }

  get idleCount(): number {
    return this.#idle.size;
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /** Keep an authenticated data channel idle until a player needs it. */
  addChannel(conn: TunnelConn): void {
    if (this.#ended || this.#idle.size >= this.#options.maxIdle) {
      conn.destroy();
      return;
    }
    this.#idle.add(conn);
    conn.handle((message) => {
      if (message.type === 'pong' || message.type === 'ping') return;
      // Nothing but heartbeats is expected before an Open: evict it.
      this.#idle.delete(conn);
      conn.destroy();
    });
    const onClose = () => this.#idle.delete(conn);
    conn.socket.once('close', onClose);
    this.#closeHandlers.set(conn.socket, onClose);
    this.#options.onChannel(this);
  }

  /** Take one idle channel out of the pool (oldest first, so every channel is exercised). */
  takeChannel(): TunnelConn | undefined {
    for (const conn of this.#idle) {
      this.#idle.delete(conn);
      this.#dropCloseHandler(conn.socket);
      if (conn.closed) continue;
      // Until the Link answers; if the session dies first the open is retried elsewhere.
      this.#opening.add(conn);
      const onClose = () => this.#opening.delete(conn);
      conn.socket.once('close', onClose);
      this.#closeHandlers.set(conn.socket, onClose);
      return conn;
    }
    return undefined;
  }

  /** A channel now relays a player: keep it to cut it if the credentials are revoked. */
  trackLive(socket: Socket): void {
    for (const conn of this.#opening) if (conn.socket === socket) this.#opening.delete(conn);
    this.#dropCloseHandler(socket);
    if (this.#ended) {
      socket.destroy();
      return;
    }
    this.#live.add(socket);
    socket.once('close', () => this.#live.delete(socket));
  }

  // A relayed socket collects listeners from every stage it went through; each stage removes its
  // own when the socket moves on, so a long-lived player connection carries only the relay's.
  #dropCloseHandler(socket: Socket): void {
    const handler = this.#closeHandlers.get(socket);
    if (handler) socket.off('close', handler);
    this.#closeHandlers.delete(socket);
  }

  /** Ask the Link for more data channels now (players are waiting). */
  wantChannels(count: number): void {
    this.#control.send({ type: 'wantChannels', count });
  }

  /** Tell the Link the Gate is going away. */
  drain(reason: string): void {
    this.#control.send({ type: 'drain', reason });
  }

  /** Refuse the session over its control channel (revoked credentials) before closing it. */
  refuse(code: string, reason: string): void {
    this.#control.send({ type: 'refused', code, reason });
  }

  /** Close control and idle channels; player connections too when the credentials were revoked. */
  end(why: SessionEnd, detail: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#timer);
    // end() lets a queued drain/refused frame reach the Link; destroy() bounds how long that takes.
    this.#control.socket.end();
    setTimeout(() => this.#control.destroy(), 200).unref();
    for (const conn of [...this.#idle, ...this.#opening]) conn.destroy();
    this.#idle.clear();
    this.#opening.clear();
    if (why === 'revoked' || why === 'shutdown') {
      for (const socket of this.#live) socket.destroy();
      this.#live.clear();
    }
    this.#options.onEnd(this, why, detail);
  }

  #tick(): void {
    const now = Date.now();
    const deadAfter = this.#clock.deadAfterMs;
    if (now - this.#control.lastSeen > deadAfter) {
      this.end('heartbeat', `no frame for ${now - this.#control.lastSeen} ms`);
      return;
    }
    for (const conn of this.#idle) {
      if (now - conn.lastSeen > deadAfter) {
        this.#idle.delete(conn);
        conn.destroy();
      }
    }
    if (!this.#clock.pingDue(now, this.#lastPingAt)) return;
    this.#lastPingAt = now;
    this.#control.send({ type: 'ping', time: now });
    for (const conn of this.#idle) conn.send({ type: 'ping', time: now });
  }
}
