import type { GatePresence } from '../../bus/types.js';

/** A Gate as `GET /api/gates` answers it. */
export interface GateJson {
  ID: string;
  name: string;
  region: string;
  version: string;
  online: boolean;
  last_seen: string;
  started_at: string;
  public_addr: string;
  tunnel_addr: string;
  tls: boolean;
  fingerprint: string;
  connections: number;
  sessions: number;
  config_version: number;
}

/** Counters shared by every `by_*` row of the Stats object. */
export interface TrafficJson {
  active: number;
  connections: number;
  bytes_in: number;
  bytes_out: number;
}

/** One route's share of the traffic. */
export interface RouteStatsJson extends TrafficJson {
  route_id: number;
  domain: string;
  agent_id: number;
}

/** One agent's share of the traffic. */
export interface AgentStatsJson extends TrafficJson {
  agent_id: number;
  name: string;
}

/** One Gate's share of the traffic. */
export interface GateStatsJson extends TrafficJson {
  gate_id: string;
}

/** One 10-second sample; byte counts are per interval. */
export interface StatsHistoryJson {
  time: string;
  active: number;
  bytes_in: number;
  bytes_out: number;
}

/** The Stats object of `GET /api/stats`. */
export interface StatsJson {
  routes: number;
  agents: number;
  agents_online: number;
  gates: number;
  gates_online: number;
  connections_active: number;
  connections_total: number;
  bytes_in: number;
  bytes_out: number;
  errors: number;
  by_route: RouteStatsJson[];
  by_agent: AgentStatsJson[];
  by_gate: GateStatsJson[];
  history: StatsHistoryJson[];
}

/** Live Link sessions a Gate holds, over all agents. */
export function sessionCount(gate: GatePresence): number {
  return gate.sessions.reduce((sum, s) => sum + s.links, 0);
}

/** Shape one Gate for the API; an offline Gate reports no live connections or sessions. */
export function toGateJson(gate: GatePresence, online: boolean): GateJson {
  return {
    ID: gate.id,
    name: gate.name,
    region: gate.region,
    version: gate.version,
    online,
    last_seen: new Date(gate.lastSeen).toISOString(),
    started_at: new Date(gate.startedAt).toISOString(),
    public_addr: gate.publicAddr,
    tunnel_addr: gate.tunnelAddr,
    tls: gate.tls,
    fingerprint: gate.fingerprint,
    connections: online ? gate.connections : 0,
    sessions: online ? sessionCount(gate) : 0,
    config_version: gate.configVersion,
  };
}
