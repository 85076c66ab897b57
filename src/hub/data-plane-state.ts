import { PostgresAdapter, type Kysely } from 'kysely';
import { hashToken } from '../shared/token-hash.js';
import type { HubDatabase } from './db/schema.js';
import type { HubState } from './runtime/index.js';

/** The config plane as stored, with what only the Hub holds: agent tokens and push URLs. */
export type DataPlaneState = HubState;

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
      routes: routes.map((r) => ({
        id: Number(r.id),
        domain: r.domain,
        targetIp: r.target_ip,
        targetPort: Number(r.target_port),
        agentId: Number(r.agent_id),
        proxyProtocol: Boolean(r.proxy_protocol),
      })),
      agents: agents.map((a) => ({
        id: Number(a.id),
        name: a.name,
        mode: a.mode === 'redis' ? 'redis' : 'push',
        enabled: Boolean(a.enabled),
        tokenHash: hashToken(a.token),
        token: a.token,
        pushUrl: a.push_url,
      })),
    };
  });
}
