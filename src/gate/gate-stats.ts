import type { Socket } from 'node:net';
import type { RouteConfig, RouteLive, RouteTrafficDelta } from '../bus/types.js';

interface RouteCounters {
  agentId: number;
  active: number;
  connections: number;
  bytesIn: number;
  bytesOut: number;
  errors: number;
}

/** One relayed connection as the stats see it. */
export interface RelayHandle {
  readonly routeId: number;
  readonly player: Socket;
  /** Player bytes already counted (starts at the PROXY header's length, which is not traffic). */
  reportedIn: number;
  reportedOut: number;
  closed: boolean;
}

/** Byte totals taken by one flush, for the Prometheus counters. */
export interface FlushTotals {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/**
 * Per-route counters of one Gate. Bytes come from the player socket's own counters, sampled at
 * each flush and at close, so the relay does no per-chunk accounting.
 */
export class GateStats {
  readonly #routes = new Map<number, RouteCounters>();
  readonly #relays = new Set<RelayHandle>();

  #counters(route: Pick<RouteConfig, 'id' | 'agentId'>): RouteCounters {
    let c = this.#routes.get(route.id);
    if (!c) {
      c = { agentId: route.agentId, active: 0, connections: 0, bytesIn: 0, bytesOut: 0, errors: 0 };
      this.#routes.set(route.id, c);
    }
    c.agentId = route.agentId;
    return c;
  }

  /** A relay started; `skipIn` player bytes (a PROXY header) are not counted as traffic. */
  opened(route: RouteConfig, player: Socket, skipIn = 0): RelayHandle {
    const c = this.#counters(route);
    c.active++;
    c.connections++;
    const handle: RelayHandle = {
      routeId: route.id,
      player,
      reportedIn: skipIn,
      reportedOut: 0,
      closed: false,
    };
    this.#relays.add(handle);
    return handle;
  }

  /** A relay ended: count its last bytes. */
  closed(handle: RelayHandle): void {
    if (handle.closed) return;
    handle.closed = true;
    this.#relays.delete(handle);
    const c = this.#routes.get(handle.routeId);
    if (!c) return;
    c.active--;
    this.#sample(handle, c);
  }

  /** A connection for this route could not be relayed (Link offline, target refused, timeout). */
  error(route: RouteConfig): void {
    this.#counters(route).errors++;
  }

  #sample(handle: RelayHandle, c: RouteCounters): FlushTotals {
    const inNow = handle.player.bytesRead;
    const outNow = handle.player.bytesWritten;
    const bytesIn = Math.max(0, inNow - handle.reportedIn);
    const bytesOut = Math.max(0, outNow - handle.reportedOut);
    handle.reportedIn = Math.max(handle.reportedIn, inNow);
    handle.reportedOut = Math.max(handle.reportedOut, outNow);
    c.bytesIn += bytesIn;
    c.bytesOut += bytesOut;
    return { bytesIn, bytesOut };
  }

  /** Counter increments since the last call (live relays sampled now); resets them. */
  takeDelta(): { routes: RouteTrafficDelta[]; totals: FlushTotals } {
    for (const h of this.#relays) {
      const c = this.#routes.get(h.routeId);
      if (c) this.#sample(h, c);
    }
    const routes: RouteTrafficDelta[] = [];
    let bytesIn = 0;
    let bytesOut = 0;
    for (const [routeId, c] of this.#routes) {
      if (c.connections || c.bytesIn || c.bytesOut || c.errors) {
        routes.push({
          routeId,
          agentId: c.agentId,
          connections: c.connections,
          bytesIn: c.bytesIn,
          bytesOut: c.bytesOut,
          errors: c.errors,
        });
      }
      bytesIn += c.bytesIn;
      bytesOut += c.bytesOut;
      c.connections = c.bytesIn = c.bytesOut = c.errors = 0;
      if (c.active === 0) this.#routes.delete(routeId);
    }
    return { routes, totals: { bytesIn, bytesOut } };
  }

  /** Routes with live relays right now. */
  live(): RouteLive[] {
    const out: RouteLive[] = [];
    for (const [routeId, c] of this.#routes) {
      if (c.active > 0) out.push({ routeId, agentId: c.agentId, active: c.active });
    }
    return out;
  }

  /** Live relayed connections, all routes. */
  get active(): number {
    return this.#relays.size;
  }
}
