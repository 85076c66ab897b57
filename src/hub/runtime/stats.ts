import type { GatePresence, TrafficTotal } from '../../bus/types.js';
import type { GateStatsJson, StatsJson, TrafficJson } from './api-shapes.js';
import { agentPresenceFrom, mergeGates } from './presence.js';
import type { HubState, StatsSample } from './store.js';

/** Everything `GET /api/stats` is computed from. */
export interface StatsInputs {
  state: HubState;
  liveGates: readonly GatePresence[];
  knownGates: ReadonlyArray<GatePresence & { online: boolean }>;
  traffic: readonly TrafficTotal[];
  samples: readonly StatsSample[];
}

const zero = (): TrafficJson => ({ active: 0, connections: 0, bytes_in: 0, bytes_out: 0 });

function addTotal(row: TrafficJson, t: TrafficTotal): void {
  row.connections += t.connections;
  row.bytes_in += t.bytesIn;
  row.bytes_out += t.bytesOut;
}

/** Live connections over the live Gates' routes. */
export function activeConnections(liveGates: readonly GatePresence[]): number {
  let active = 0;
  for (const gate of liveGates) for (const r of gate.routes) active += r.active;
  return active;
}

/**
 * The Stats object. Lifetime counters come from the bus totals (every Gate, every route ever
 * seen, deleted routes included in the sums); `active` from the live Gates' heartbeats;
 * per-route and per-agent rows list what the config holds now.
 */
export function aggregateStats({
  state,
  liveGates,
  knownGates,
  traffic,
  samples,
}: StatsInputs): StatsJson {
  const byRoute = new Map(state.routes.map((r) => [r.id, zero()]));
  const owner = new Map(state.routes.map((r) => [r.id, r.agentId]));
  const byAgent = new Map(state.agents.map((a) => [a.id, zero()]));
  const byGate = new Map<string, TrafficJson>();
  const gateRow = (id: string) => {
    let row = byGate.get(id);
    if (!row) byGate.set(id, (row = zero()));
    return row;
  };
  const merged = mergeGates(knownGates, liveGates);
  for (const { gate } of merged) gateRow(gate.id);

  const totals = { connections: 0, bytesIn: 0, bytesOut: 0, errors: 0 };
  for (const t of traffic) {
    totals.connections += t.connections;
    totals.bytesIn += t.bytesIn;
    totals.bytesOut += t.bytesOut;
    totals.errors += t.errors;
    const route = byRoute.get(t.routeId);
    if (route) addTotal(route, t);
    // The route's current owner, when it still exists: traffic follows a route that moved.
    const agent = byAgent.get(owner.get(t.routeId) ?? t.agentId);
    if (agent) addTotal(agent, t);
    addTotal(gateRow(t.gateId), t);
  }

  for (const gate of liveGates) {
    for (const r of gate.routes) {
      const route = byRoute.get(r.routeId);
      if (route) route.active += r.active;
      const agent = byAgent.get(owner.get(r.routeId) ?? r.agentId);
      if (agent) agent.active += r.active;
      gateRow(gate.id).active += r.active;
    }
  }

  const presence = agentPresenceFrom(liveGates);
  const agentIds = new Set(state.agents.map((a) => a.id));
  const byGateRows: GateStatsJson[] = [...byGate]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([gate_id, row]) => ({ gate_id, ...row }));

  return {
    routes: state.routes.length,
    agents: state.agents.length,
    agents_online: [...presence].filter(([id, p]) => p.online && agentIds.has(id)).length,
    gates: merged.length,
    gates_online: liveGates.length,
    connections_active: activeConnections(liveGates),
    connections_total: totals.connections,
    bytes_in: totals.bytesIn,
    bytes_out: totals.bytesOut,
    errors: totals.errors,
    by_route: [...state.routes]
      .sort((a, b) => a.id - b.id)
      .map((r) => ({
        route_id: r.id,
        domain: r.domain,
        agent_id: r.agentId,
        ...(byRoute.get(r.id) ?? zero()),
      })),
    by_agent: [...state.agents]
      .sort((a, b) => a.id - b.id)
      .map((a) => ({ agent_id: a.id, name: a.name, ...(byAgent.get(a.id) ?? zero()) })),
    by_gate: byGateRows,
    history: samples.map((s) => ({
      time: new Date(s.time).toISOString(),
      active: s.active,
      bytes_in: s.bytesIn,
      bytes_out: s.bytesOut,
    })),
  };
}
