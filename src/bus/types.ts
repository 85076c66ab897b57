/** One domain route as the data plane sees it. */
export interface RouteConfig {
  readonly id: number;
  /** Lowercased hostname, no trailing dot; `*.example.com` for a wildcard. */
  readonly domain: string;
  readonly targetIp: string;
  readonly targetPort: number;
  readonly agentId: number;
  /** Send a PROXY protocol v2 header to the backend before the player's bytes. */
  readonly proxyProtocol: boolean;
}

/** One agent as the data plane sees it: never the token, only its SHA-256. */
export interface AgentConfig {
  readonly id: number;
  readonly name: string;
  readonly mode: 'push' | 'redis';
  readonly enabled: boolean;
  /** Lowercase hex SHA-256 of the agent token. */
  readonly tokenHash: string;
}

/** The whole config plane at one version. Published by the Hub on every change. */
export interface ConfigSnapshot {
  /** Monotonic; a consumer ignores a snapshot older than the one it has. */
  readonly version: number;
  readonly routes: readonly RouteConfig[];
  readonly agents: readonly AgentConfig[];
}

/** Where a Link reaches one Gate's tunnel port. */
export interface GateEndpoint {
  readonly id: string;
  /** `host:port` of the tunnel listener (IPv6 in brackets). */
  readonly tunnelAddr: string;
  /** false only when the Gate was explicitly started with plain tunnels. */
  readonly tls: boolean;
  /** SHA-256 certificate fingerprint as Node prints it (`AA:BB:…`); empty when plain. */
  readonly fingerprint: string;
}

/** One route as its Link sees it. */
export interface LinkRoute {
  readonly id: number;
  readonly domain: string;
  readonly targetIp: string;
  readonly targetPort: number;
  readonly proxyProtocol: boolean;
}

/** Everything one Link needs: its own routes and the Gates to dial. */
export interface LinkView {
  readonly version: number;
  readonly agentId: number;
  readonly enabled: boolean;
  readonly routes: readonly LinkRoute[];
  readonly gates: readonly GateEndpoint[];
}

/** Live link sessions one Gate holds for one agent. */
export interface AgentSessions {
  readonly agentId: number;
  /** Number of authenticated Link control sessions for that agent on this Gate. */
  readonly links: number;
}

/** Live connections and lifetime counters for one route on one Gate. */
export interface RouteLive {
  readonly routeId: number;
  readonly agentId: number;
  readonly active: number;
}

/** A Gate's heartbeat: who it is, where it listens, what it holds right now. */
export interface GatePresence extends GateEndpoint {
  readonly name: string;
  readonly region: string;
  readonly version: string;
  /** `host:port` players connect to. */
  readonly publicAddr: string;
  /** ms since epoch. */
  readonly startedAt: number;
  /** ms since epoch; set by the Gate on each heartbeat. */
  readonly lastSeen: number;
  /** Live player connections on this Gate. */
  readonly connections: number;
  readonly sessions: readonly AgentSessions[];
  readonly routes: readonly RouteLive[];
  /** Config version the Gate is serving. */
  readonly configVersion: number;
}

/** Counter increments one Gate reports for one route since its last report. */
export interface RouteTrafficDelta {
  readonly routeId: number;
  readonly agentId: number;
  readonly connections: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly errors: number;
}

export interface TrafficDelta {
  readonly gateId: string;
  readonly routes: readonly RouteTrafficDelta[];
}

/** Cumulative counters for one (gate, route) pair. bytesIn: player → server; bytesOut: server → player. */
export interface TrafficTotal {
  readonly gateId: string;
  readonly routeId: number;
  readonly agentId: number;
  readonly connections: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly errors: number;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** A log event from any part; the Hub stores these in its logs table. Never carries a secret. */
export interface LogEvent {
  /** ms since epoch. */
  readonly time: number;
  readonly level: LogLevel;
  /** `hub`, `audit`, `gate:<id>`, `link:<agentId>`… */
  readonly source: string;
  readonly message: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** Call to stop watching. */
export type Unsubscribe = () => void;
