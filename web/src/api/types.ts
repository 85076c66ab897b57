/** Shapes of the Hub API (docs/api.md). */

/** A traffic rule: a domain served by one agent's target. */
export interface Route {
  ID: number;
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol: boolean;
  CreatedAt: string;
  UpdatedAt: string;
}

/** Fields a route is created or updated with. */
export interface RouteInput {
  domain: string;
  target_ip: string;
  target_port: number | null;
  agent_id: number | null;
  proxy_protocol: boolean;
}

/** How an agent's Link learns its configuration. */
export type AgentMode = 'push' | 'redis';

/** An agent (Link) with its secret token and live presence. */
export interface Agent {
  ID: number;
  name: string;
  mode: AgentMode;
  push_url: string | null;
  token: string;
  enabled: boolean;
  online: boolean;
  gates: string[];
  sessions: number;
  CreatedAt: string;
  UpdatedAt: string;
}

/** A public ingress as last reported through its presence. */
export interface Gate {
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

/** Severity of a log entry. */
export type LogLevel = 'info' | 'warn' | 'error';

/** One entry of the Hub's log. */
export interface LogEntry {
  ID: number;
  time: string;
  level: LogLevel;
  source: string;
  actor?: string | null;
  message: string;
  meta?: Record<string, unknown> | null;
}

/** Traffic counters of one route, agent or gate. */
export interface TrafficCounters {
  active: number;
  connections: number;
  bytes_in: number;
  bytes_out: number;
}

/** One 10-second history sample. */
export interface HistorySample {
  time: string;
  active: number;
  bytes_in: number;
  bytes_out: number;
}

/** Network-wide statistics. */
export interface Stats {
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
  by_route: (TrafficCounters & { route_id: number; domain: string; agent_id: number })[];
  by_agent: (TrafficCounters & { agent_id: number; name: string })[];
  by_gate: (TrafficCounters & { gate_id: string })[];
  history: HistorySample[];
}

/** A long-lived API token (its secret is only shown when created). */
export interface ApiToken {
  ID: number;
  label: string | null;
  username: string;
  CreatedAt: string;
  expires_at: string;
  last_used_at: string | null;
}

/** The signed-in user. */
export interface Me {
  username: string;
  expires_at: string;
}
