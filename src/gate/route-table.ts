import type { ConfigSnapshot, RouteConfig } from '../bus/types.js';

/** A route found for a lookup key, with what the Gate needs to decide before dialling. */
export interface RouteMatch {
  readonly route: RouteConfig;
  /** false when the route's agent is disabled or missing: answer as offline without dialling. */
  readonly agentEnabled: boolean;
}

function normalise(domain: string): string {
  let d = domain.trim().toLowerCase();
  while (d.endsWith('.')) d = d.slice(0, -1);
  return d;
}

/**
 * Domain routes of one config version. Exact match first; then wildcards, most specific first:
 * `*.example.com` matches `a.example.com` and also `a.b.example.com` (as a DNS wildcard does)
 * unless `*.b.example.com` exists. A wildcard never matches its bare parent (`example.com`).
 */
export class RouteTable {
  readonly version: number;
  readonly size: number;
  readonly #exact = new Map<string, RouteMatch>();
  /** Keyed by the suffix after `*.`. */
  readonly #wildcard = new Map<string, RouteMatch>();

  constructor(snapshot: ConfigSnapshot) {
    this.version = snapshot.version;
    const enabled = new Map(snapshot.agents.map((a) => [a.id, a.enabled]));
    for (const route of snapshot.routes) {
      const domain = normalise(route.domain);
      const match: RouteMatch = { route, agentEnabled: enabled.get(route.agentId) === true };
      if (domain.startsWith('*.')) this.#wildcard.set(domain.slice(2), match);
      else this.#exact.set(domain, match);
    }
    this.size = this.#exact.size + this.#wildcard.size;
  }

  /** An empty table (before the first config arrives). */
  static empty(): RouteTable {
    return new RouteTable({ version: 0, routes: [], agents: [] });
  }

  /** The route serving a normalised lookup key (see `lookupKeyOf`), or undefined. */
  lookup(key: string): RouteMatch | undefined {
    const exact = this.#exact.get(key);
    if (exact) return exact;
    if (this.#wildcard.size === 0) return undefined;
    for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) {
      const hit = this.#wildcard.get(key.slice(dot + 1));
      if (hit) return hit;
    }
    return undefined;
  }
}
