import { PostgresAdapter, type Kysely } from 'kysely';
import { hashToken } from '../shared/token-hash.js';
import type { HubDatabase } from './db/schema.js';
import type { HubState } from './runtime/index.js';

/** The config plane as stored, with what only the Hub holds: agent tokens and push URLs. */
export type DataPlaneState = HubState;

type RouteState = DataPlaneState['routes'][number];
type AgentState = DataPlaneState['agents'][number];

/** A stored route row as the data plane sees it. */
export function routeState(r: {
  id: number;
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol: number;
}): RouteState {
  return {
    id: Number(r.id),
    domain: r.domain,
    targetIp: r.target_ip,
    targetPort: Number(r.target_port),
    agentId: Number(r.agent_id),
    proxyProtocol: Boolean(r.proxy_protocol),
  };
}

/** A stored agent row as the data plane sees it (with the token, for pushes, and its hash). */
export function agentState(a: {
  id: number;
  name: string;
  mode: string;
  enabled: number;
  token: string;
  push_url: string | null;
}): AgentState {
  return {
    id: Number(a.id),
    name: a.name,
    mode: a.mode === 'redis' ? 'redis' : 'push',
    enabled: Boolean(a.enabled),
    tokenHash: hashToken(a.token),
    token: a.token,
    pushUrl: a.push_url,
  };
}

/**
 * The config plane at one version, read in one transaction so the version matches the rows
 * (repeatable read on PostgreSQL; SQLite transactions see one snapshot anyway).
 */
export async function loadDataPlaneState(db: Kysely<HubDatabase>): Promise<DataPlaneState> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const tx = isPostgres ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
  return tx.execute(async (trx) => {
    const state = await trx
      .selectFrom('config_state')
      .select('version')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const routes = await trx
      .selectFrom('routes')
      .select(['id', 'domain', 'target_ip', 'target_port', 'agent_id', 'proxy_protocol'])
      .orderBy('id')
      .execute();
    const agents = await trx
      .selectFrom('agents')
      .select(['id', 'name', 'mode', 'enabled', 'token', 'push_url'])
      .orderBy('id')
      .execute();
    return {
      version: Number(state.version),
      routes: routes.map(routeState),
      agents: agents.map(agentState),
    };
  });
}
