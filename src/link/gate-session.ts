import { setMaxListeners } from 'node:events';
import { heartbeatClock } from '../protocol/tunnel-heartbeat.js';
import type { Socket } from 'node:net';
import type { GateEndpoint, LinkRoute } from '../bus/types.js';
import { TUNNEL_PROTOCOL_VERSION, type WelcomeMessage } from '../protocol/tunnel-messages.js';
import { createBackoff } from '../shared/backoff.js';
import type { Logger } from '../shared/logger.js';
import { VERSION } from '../shared/version.js';
import { ClientConn } from './client-conn.js';
import { runDataChannel } from './data-channel.js';
import { LinkErrors } from './errors.js';
import { dialGate } from './gate-dial.js';
import type { LinkConfig } from './link-config.js';

/** Extra channels a single wantChannels may ask for. */
const MAX_EXTRA_CHANNELS = 16;

/** What a session with one Gate needs from the Link. */
export interface GateSessionOptions {
  readonly endpoint: GateEndpoint;
  readonly config: LinkConfig;
  readonly log: Logger;
  readonly resolveRoute: (routeId: number) => LinkRoute | undefined;
  readonly onRelay: (sockets: readonly [Socket, Socket]) => () => void;
}

/** What one Gate session is doing, for status output and tests. */
export interface GateSessionStatus {
  readonly gateId: string;
  readonly state: 'connecting' | 'ready' | 'backoff' | 'stopped';
  readonly sessionId: string | null;
  readonly idleChannels: number;
  readonly pendingChannels: number;
  readonly lastError: string | null;
}

/**
 * The Link's session with one Gate: a control connection kept alive with heartbeats and
 * re-established with capped exponential backoff and jitter, plus its pool of data channels.
 */
export class GateSession {
  readonly endpoint: GateEndpoint;
  readonly #options: GateSessionOptions;
  readonly #backoff;
  readonly #channelBackoff = createBackoff({ initialMs: 100, maxMs: 5000 });
  #state: GateSessionStatus['state'] = 'connecting';
  #stopped = false;
  #retired = false;
  #conn: ClientConn | null = null;
  #welcome: WelcomeMessage | null = null;
  #abort: AbortController | null = null;
  #wake: (() => void) | null = null;
  #idle = 0;
  #pending = 0;
  #lastError: string | null = null;

  constructor(options: GateSessionOptions) {
    this.#options = options;
    this.endpoint = options.endpoint;
    this.#backoff = createBackoff({
      initialMs: options.config.backoffInitialMs,
      maxMs: options.config.backoffMaxMs,
    });
  }

  start(): void {
    void this.#loop();
  }

  /** Close the control session and idle channels; relays in progress finish on their own. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#state = 'stopped';
    this.#conn?.destroy();
    this.#abort?.abort();
    this.#wake?.();
  }

  /**
   * The Gate left the view. Its presence may only have lapsed (a slow heartbeat, Redis briefly
   * away) while the tunnel is healthy, so a live session is kept until it ends, and only then not
   * re-established; a session that is not up is stopped now. `keep()` undoes it.
   */
  retire(): void {
    if (this.#state !== 'ready') this.stop();
    else this.#retired = true;
  }

  /** The Gate is back in the view: reconnect as usual when the session ends. */
  keep(): void {
    this.#retired = false;
  }

  get retired(): boolean {
    return this.#retired;
  }

  status(): GateSessionStatus {
    return {
      gateId: this.endpoint.id,
      state: this.#state,
      sessionId: this.#welcome?.sessionId ?? null,
      idleChannels: this.#idle,
      pendingChannels: this.#pending,
      lastError: this.#lastError,
    };
  }

  async #loop(): Promise<void> {
    const { log } = this.#options;
    while (!this.#stopped) {
      this.#state = 'connecting';
      try {
        await this.#runOnce();
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'LINK_ERR_GATE_CLOSED';
        this.#lastError = code;
        // The message may name the fingerprint and address, never the token.
        log.warn(
          { gateId: this.endpoint.id, code, err: (err as Error).message },
          'gate session failed',
        );
      }
      if (this.#retired) this.stop();
      if (this.#stopped) break;
      this.#state = 'backoff';
      const delay = this.#backoff.next();
      log.debug({ gateId: this.endpoint.id, delay }, 'reconnecting to gate');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  async #runOnce(): Promise<void> {
    const { config, log } = this.#options;
    const socket = await dialGate(this.endpoint, config.gateTimeoutMs);
    const conn = new ClientConn(socket);
    this.#conn = conn;
    if (this.#stopped) return conn.destroy();
    const challenge = await conn.next(config.gateTimeoutMs);
    if (challenge.type !== 'challenge')
      throw LinkErrors.REFUSED(`expected challenge, got ${challenge.type}`);
    if (challenge.version !== TUNNEL_PROTOCOL_VERSION) {
      conn.destroy();
      throw LinkErrors.REFUSED(
        `gate speaks tunnel protocol ${challenge.version}, this link ${TUNNEL_PROTOCOL_VERSION}`,
      );
    }
    conn.send({
      type: 'hello',
      version: TUNNEL_PROTOCOL_VERSION,
      token: config.token,
      linkId: config.linkId,
      software: VERSION,
    });
    const answer = await conn.next(config.gateTimeoutMs);
    if (answer.type === 'refused') {
      conn.destroy();
      throw LinkErrors.REFUSED(`${answer.code}: ${answer.reason}`);
    }
    if (answer.type !== 'welcome') throw LinkErrors.REFUSED(`expected welcome, got ${answer.type}`);

    this.#welcome = answer;
    this.#backoff.reset();
    this.#lastError = null;
    this.#state = 'ready';
    this.#abort = new AbortController();
    // Every data channel of the session listens on this signal; a pool of 64 is normal.
    setMaxListeners(0, this.#abort.signal);
    log.info(
      { gateId: this.endpoint.id, sessionId: answer.sessionId, agentId: answer.agentId },
      'gate session ready',
    );
    try {
      await this.#serve(conn, answer);
    } finally {
      this.#abort.abort();
      this.#welcome = null;
    }
  }

  // Resolves when the control connection ends, for whatever reason.
  #serve(conn: ClientConn, welcome: WelcomeMessage): Promise<void> {
    const { log } = this.#options;
    return new Promise<void>((resolve) => {
      const clock = heartbeatClock(welcome.heartbeatMs);
      let lastPingAt = 0;
      const heartbeat = setInterval(() => {
        const now = Date.now();
        if (now - conn.lastSeen > clock.deadAfterMs) {
          log.warn({ gateId: this.endpoint.id }, 'gate went silent, reconnecting');
          conn.destroy();
        } else if (clock.pingDue(now, lastPingAt)) {
          lastPingAt = now;
          conn.send({ type: 'ping', time: now });
        }
      }, clock.checkMs);
      heartbeat.unref();
      conn.socket.once('close', () => {
        clearInterval(heartbeat);
        resolve();
      });
      conn.handle((message) => {
        switch (message.type) {
          case 'ping':
            conn.send({ type: 'pong', time: message.time });
            break;
          case 'pong':
            break;
          case 'wantChannels':
            for (let i = 0; i < Math.min(message.count, MAX_EXTRA_CHANNELS); i++)
              this.#openChannel(welcome);
            break;
          case 'drain':
            log.info({ gateId: this.endpoint.id, reason: message.reason }, 'gate draining');
            conn.destroy();
            break;
          case 'refused':
            this.#lastError = message.code;
            log.warn(
              { gateId: this.endpoint.id, code: message.code, reason: message.reason },
              'gate ended the session',
            );
            conn.destroy();
            break;
          default:
            log.warn(
              { gateId: this.endpoint.id, type: message.type },
              'unexpected message on control channel',
            );
            conn.destroy();
        }
      });
      this.#fill(welcome);
    });
  }

  #poolTarget(welcome: WelcomeMessage): number {
    return this.#options.config.poolSize || welcome.poolSize;
  }

  #fill(welcome: WelcomeMessage): void {
    while (
      !this.#stopped &&
      this.#welcome === welcome &&
      this.#idle + this.#pending < this.#poolTarget(welcome)
    ) {
      this.#openChannel(welcome);
    }
  }

  #openChannel(welcome: WelcomeMessage): void {
    const { config, log } = this.#options;
    const signal = this.#abort?.signal;
    if (!signal || signal.aborted) return;
    let state: 'pending' | 'idle' | 'used' = 'pending';
    const openedAt = Date.now();
    this.#pending++;
    void runDataChannel({
      endpoint: this.endpoint,
      sessionId: welcome.sessionId,
      sessionKey: Buffer.from(welcome.sessionKey, 'hex'),
      heartbeatMs: welcome.heartbeatMs,
      gateTimeoutMs: config.gateTimeoutMs,
      targetTimeoutMs: config.targetTimeoutMs,
      resolveRoute: this.#options.resolveRoute,
      onRelay: this.#options.onRelay,
      signal,
      log,
      onIdle: () => {
        this.#pending--;
        this.#idle++;
        state = 'idle';
      },
      onUsed: () => {
        this.#idle--;
        state = 'used';
        this.#channelBackoff.reset();
        // The pool lost a channel to a player: replace it at once.
        this.#fill(welcome);
      },
      onEnd: () => {
        if (state === 'pending') this.#pending--;
        else if (state === 'idle') this.#idle--;
        if (state === 'used') return;
        // Ended without carrying a player: dead, evicted or refused. Refill, but never in a hot loop.
        if (Date.now() - openedAt > welcome.heartbeatMs) this.#channelBackoff.reset();
        const timer = setTimeout(() => this.#fill(welcome), this.#channelBackoff.next());
        timer.unref();
      },
    });
  }
}
