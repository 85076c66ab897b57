import type { Socket } from 'node:net';
import type { GateEndpoint, LinkRoute, LinkView } from '../bus/types.js';
import type { Logger } from '../shared/logger.js';
import { GateSession, type GateSessionStatus } from './gate-session.js';
import type { LinkConfig } from './link-config.js';
import type { ViewSource } from './view-source.js';

/** A running Link. */
export interface Link {
  /** Start following the view source and dialing the Gates it names. */
  start(): Promise<void>;
  /** The last view received; the Link keeps serving from it when the source goes away. */
  readonly view: LinkView | null;
  /** One entry per Gate in the view. */
  status(): GateSessionStatus[];
  /** Player connections being relayed right now. */
  readonly relays: number;
  close(): Promise<void>;
}

/** What `createLink` needs: its checked config, a logger, and where its view comes from. */
export interface CreateLinkOptions {
  readonly config: LinkConfig;
  readonly log: Logger;
  readonly views: ViewSource;
}

function sameEndpoint(a: GateEndpoint, b: GateEndpoint): boolean {
  return a.tunnelAddr === b.tunnelAddr && a.tls === b.tls && a.fingerprint === b.fingerprint;
}

/**
 * The Link: keeps one tunnel session per Gate of its view, and on a Gate's request dials the
 * target its own view names for that route — never an address the Gate supplies.
 */
export function createLink({ config, log, views }: CreateLinkOptions): Link {
  let view: LinkView | null = null;
  let routes = new Map<number, LinkRoute>();
  const sessions = new Map<string, GateSession>();
  /** Both sockets of every relayed player, to cut them when the agent goes away. */
  const relays = new Set<Socket>();
  let closed = false;

  const resolveRoute = (routeId: number) => routes.get(routeId);

  // Shared functions, not closures per player: relays live as long as their players.
  let livePairs = 0;
  const relayEnded = () => {
    livePairs--;
  };
  function untrackRelay(this: Socket): void {
    relays.delete(this);
  }
  const onRelay = (pair: readonly [Socket, Socket]) => {
    livePairs++;
    for (const socket of pair) {
      relays.add(socket);
      socket.on('close', untrackRelay);
    }
    return relayEnded;
  };

  const stopAll = (cutRelays: boolean) => {
    for (const session of sessions.values()) session.stop();
    sessions.clear();
    if (cutRelays) {
      for (const socket of relays) socket.destroy();
      relays.clear();
    }
  };

  const reconcile = (gates: readonly GateEndpoint[]) => {
    const wanted = new Map(gates.map((g) => [g.id, g]));
    for (const [id, session] of sessions) {
      const next = wanted.get(id);
      if (session.status().state === 'stopped') {
        // A retired session that has since ended: a Gate back in the view gets a new one below.
        sessions.delete(id);
        continue;
      }
      if (next && sameEndpoint(next, session.endpoint)) {
        session.keep();
        continue;
      }
      if (!next && session.status().state === 'ready') {
        // A lapsed presence is not a dead Gate: keep the live tunnel until it ends by itself.
        if (!session.retired)
          log.info({ gateId: id }, 'gate left the view; keeping its live session');
        session.retire();
        continue;
      }
      session.stop();
      sessions.delete(id);
      log.info({ gateId: id }, next ? 'gate endpoint changed' : 'gate left the view');
    }
    for (const endpoint of gates) {
      if (sessions.has(endpoint.id)) continue;
      const session = new GateSession({ endpoint, config, log, resolveRoute, onRelay });
      sessions.set(endpoint.id, session);
      session.start();
    }
  };

  const onView = (next: LinkView | null) => {
    if (closed) return;
    if (next === null) {
      log.warn('the agent no longer exists: closing every gate session');
      view = null;
      routes = new Map();
      stopAll(true);
      return;
    }
    // Same version may still carry a new gate list (gates come and go without a config change).
    if (view && next.version < view.version) return;
    view = next;
    routes = new Map(next.routes.map((r) => [r.id, r]));
    log.info(
      {
        version: next.version,
        agentId: next.agentId,
        routes: next.routes.length,
        gates: next.gates.length,
        enabled: next.enabled,
      },
      'view applied',
    );
    if (!next.enabled) {
      stopAll(true);
      return;
    }
    reconcile(next.gates);
  };

  return {
    async start() {
      await views.start(onView);
      if (!view) log.info('waiting for the first view from the hub');
    },
    get view() {
      return view;
    },
    get relays() {
      return livePairs;
    },
    status() {
      return [...sessions.values()].map((s) => s.status());
    },
    async close() {
      if (closed) return;
      closed = true;
      await views.close();
      stopAll(true);
    },
  };
}
