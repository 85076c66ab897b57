import type { Kysely, Selectable } from 'kysely';
import type { HubDatabase, RoutesTable } from './schema.js';
import { iso } from './db-errors.js';

export type RouteRow = Selectable<RoutesTable>;

/** A route in API field names. */
export interface RouteJson {
  ID: number;
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol: boolean;
  CreatedAt: string;
  UpdatedAt: string;
}

/** Map a stored row to its API fields. */
export function routeJson(row: RouteRow): RouteJson {
  return {
    ID: Number(row.id),
    domain: row.domain,
    target_ip: row.target_ip,
    target_port: Number(row.target_port),
    agent_id: Number(row.agent_id),
    proxy_protocol: Boolean(row.proxy_protocol),
    CreatedAt: iso(Number(row.created_at)),
    UpdatedAt: iso(Number(row.updated_at)),
  };
}

/** Every route, oldest first. */
export function listRouteRows(db: Kysely<HubDatabase>): Promise<RouteRow[]> {
  return db.selectFrom('routes').selectAll().orderBy('id').execute();
}

/** One route, or undefined. */
export function findRouteRow(db: Kysely<HubDatabase>, id: number): Promise<RouteRow | undefined> {
  return db.selectFrom('routes').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The id of the route holding `domain`, or undefined. */
export async function routeIdByDomain(
  db: Kysely<HubDatabase>,
  domain: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('routes')
    .select('id')
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** Insert a route; returns the stored row. */
export function insertRoute(
  db: Kysely<HubDatabase>,
  route: {
    domain: string;
    targetIp: string;
    targetPort: number;
    agentId: number;
    proxyProtocol: boolean;
    now: number;
  },
): Promise<RouteRow> {
  return db
    .insertInto('routes')
    .values({
      domain: route.domain,
      target_ip: route.targetIp,
      target_port: route.targetPort,
      agent_id: route.agentId,
      proxy_protocol: route.proxyProtocol ? 1 : 0,
      created_at: route.now,
      updated_at: route.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Change some fields; undefined when the route does not exist. */
export function updateRoute(
  db: Kysely<HubDatabase>,
  id: number,
  patch: {
    domain?: string;
    targetIp?: string;
    targetPort?: number;
    agentId?: number;
    proxyProtocol?: boolean;
    now: number;
  },
): Promise<RouteRow | undefined> {
  return db
    .updateTable('routes')
    .set({
      ...(patch.domain !== undefined ? { domain: patch.domain } : {}),
      ...(patch.targetIp !== undefined ? { target_ip: patch.targetIp } : {}),
      ...(patch.targetPort !== undefined ? { target_port: patch.targetPort } : {}),
      ...(patch.agentId !== undefined ? { agent_id: patch.agentId } : {}),
      ...(patch.proxyProtocol !== undefined ? { proxy_protocol: patch.proxyProtocol ? 1 : 0 } : {}),
      updated_at: patch.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Delete a route; the deleted row or undefined. */
export function deleteRoute(db: Kysely<HubDatabase>, id: number): Promise<RouteRow | undefined> {
  return db.deleteFrom('routes').where('id', '=', id).returningAll().executeTakeFirst();
}

/** Ids of an agent's routes. */
export async function routeIdsOfAgent(db: Kysely<HubDatabase>, agentId: number): Promise<number[]> {
  const rows = await db.selectFrom('routes').select('id').where('agent_id', '=', agentId).execute();
  return rows.map((r) => Number(r.id));
}

/** Delete all routes of an agent; how many went. */
export async function deleteRoutesOfAgent(
  db: Kysely<HubDatabase>,
  agentId: number,
): Promise<number> {
  const result = await db.deleteFrom('routes').where('agent_id', '=', agentId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
