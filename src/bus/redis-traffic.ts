import type { ChainableCommander } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { TrafficDelta, TrafficTotal } from './types.js';

const COUNTERS = ['connections', 'bytesIn', 'bytesOut', 'errors'] as const;
type Counter = (typeof COUNTERS)[number];

// Field: `<routeId>|<counter>|<gateId>`. The Gate id goes last so it may contain `|`.
const field = (routeId: number, counter: string, gateId: string) =>
  `${routeId}|${counter}|${gateId}`;

/** Queue one Gate's increments on a MULTI so a delta is added whole or not at all. */
export function trafficCommands(
  tx: ChainableCommander,
  key: string,
  delta: TrafficDelta,
): ChainableCommander {
  for (const r of delta.routes) {
    for (const counter of COUNTERS) {
      tx.hincrby(key, field(r.routeId, counter, delta.gateId), Math.trunc(r[counter]));
    }
    // The route's owner may change; the latest report names it, as in the memory bus.
    tx.hset(key, field(r.routeId, 'agentId', delta.gateId), r.agentId);
  }
  return tx;
}

/** Totals per (gate, route) from the counters hash; fields that do not parse are skipped. */
export function readTrafficHash(
  hash: Record<string, string>,
  log: Logger,
  key: string,
): TrafficTotal[] {
  const totals = new Map<string, { -readonly [K in keyof TrafficTotal]: TrafficTotal[K] }>();
  let skipped = 0;
  for (const [name, raw] of Object.entries(hash)) {
    const first = name.indexOf('|');
    const second = first < 0 ? -1 : name.indexOf('|', first + 1);
    const routeId = Number(name.slice(0, first));
    const counter = name.slice(first + 1, second);
    const gateId = name.slice(second + 1);
    const value = Number(raw);
    if (
      second < 0 ||
      !Number.isInteger(routeId) ||
      !Number.isFinite(value) ||
      !(counter === 'agentId' || (COUNTERS as readonly string[]).includes(counter))
    ) {
      skipped++;
      continue;
    }
    const id = `${gateId}\0${routeId}`;
    let total = totals.get(id);
    if (!total) {
      total = { gateId, routeId, agentId: 0, connections: 0, bytesIn: 0, bytesOut: 0, errors: 0 };
      totals.set(id, total);
    }
    total[counter as Counter | 'agentId'] = value;
  }
  if (skipped > 0)
    log.warn({ key, skipped }, `redis bus: skipped ${skipped} malformed traffic field(s)`);
  return [...totals.values()];
}
