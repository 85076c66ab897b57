import type { Generated } from 'kysely';

/** Times are stored as ms since epoch (bigint in PostgreSQL, integer in SQLite). Flags are 0/1. */
export interface SettingsTable {
  key: string;
  value: string;
}

/** One row (id 1): the config version, bumped in the same transaction as every route/agent change. */
export interface ConfigStateTable {
  id: number;
  version: number;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  /** Carried in session tokens; bumping it revokes every earlier session of the user. */
  token_version: number;
  created_at: number;
  updated_at: number;
}

/** Session tokens ended by logout, kept until they would have expired anyway. */
export interface RevokedTokensTable {
  jti: string;
  expires_at: number;
}

export interface ApiTokensTable {
  id: Generated<number>;
  label: string;
  user_id: number;
  jti: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
}

export interface AgentsTable {
  id: Generated<number>;
  name: string;
  mode: string;
  push_url: string | null;
  token: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface RoutesTable {
  id: Generated<number>;
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol: number;
  created_at: number;
  updated_at: number;
}

/** Last presence heard from each Gate, so the API lists Gates that went away too. */
export interface GatesTable {
  id: string;
  /** JSON of the GatePresence. */
  presence: string;
  last_seen: number;
}

export interface LogsTable {
  id: Generated<number>;
  time: number;
  level: string;
  source: string;
  actor: string | null;
  message: string;
  /** JSON object or null. */
  meta: string | null;
}

export interface StatsSamplesTable {
  time: number;
  active: number;
  bytes_in: number;
  bytes_out: number;
}

/** The Hub database as Kysely sees it. */
export interface HubDatabase {
  settings: SettingsTable;
  config_state: ConfigStateTable;
  users: UsersTable;
  revoked_tokens: RevokedTokensTable;
  api_tokens: ApiTokensTable;
  agents: AgentsTable;
  routes: RoutesTable;
  gates: GatesTable;
  logs: LogsTable;
  stats_samples: StatsSamplesTable;
}
