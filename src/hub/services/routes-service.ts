import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { HubErrors, HubValidationError } from '../errors.js';
import { bumpConfigVersion, readConfigVersion } from '../db/config-version.js';
import { findAgentRow } from '../db/agents-queries.js';
import { isForeignKeyViolation, isUniqueViolation } from '../db/db-errors.js';
import {
  deleteRoute,
  findRouteRow,
  insertRoute,
  listRouteRows,
  routeIdByDomain,
  routeJson,
  updateRoute,
  type RouteJson,
} from '../db/routes-queries.js';
import { audit, type Actor } from './audit.js';
import { routeState } from '../data-plane-state.js';
import type { StateChange } from '../state-cache.js';
import { checkTargetHost, normalizeDomain } from './validate.js';

/** Fields of a route as the API takes them. */
export interface RouteInput {
  domain: string;
  target_ip: string;
  target_port: number;
  agent_id: number;
  proxy_protocol?: boolean | undefined;
}

/** Route operations: each change bumps the config version and writes an audit entry in one transaction. */
export function createRoutesService({
  db,
  onChange,
  now = Date.now,
}: {
  db: Kysely<HubDatabase>;
  /** Called after each committed change with its config version. */
  onChange: (version: number, change: StateChange) => void;
  now?: () => number;
}) {
  // The serialized list, valid while the config version is unchanged. The version is read on
  // every request, so changes made by another Hub or the command line are seen at once.
  let cache: { version: number; body: Buffer } | undefined;

  const mustGet = async (trx: Kysely<HubDatabase>, id: number) => {
    const row = await findRouteRow(trx, id);
    if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no route ${id}`);
    return row;
  };

  const checkAgent = async (trx: Kysely<HubDatabase>, agentId: number) => {
    if (!(await findAgentRow(trx, agentId)))
      throw new HubValidationError('agent_id', `no agent ${agentId}`);
  };

  const checkDomainFree = async (trx: Kysely<HubDatabase>, domain: string, self?: number) => {
    const holder = await routeIdByDomain(trx, domain);
    if (holder !== undefined && holder !== self)
      throw HubErrors.HUB_ERR_DOMAIN_TAKEN(`domain ${domain} is taken`);
  };

  // Two writers racing for one domain: the unique index decides, the loser gets 409.
  // An agent deleted meanwhile: the foreign key decides, the same answer as an unknown agent.
  const mapConflict = (domain: string | undefined) => (err: unknown) => {
    if (isUniqueViolation(err))
      throw HubErrors.HUB_ERR_DOMAIN_TAKEN(`domain ${domain ?? ''} is taken`);
    if (isForeignKeyViolation(err)) throw new HubValidationError('agent_id', 'no such agent');
    throw err;
  };

  return {
    /** All routes, oldest first, as JSON bytes sent as they are, at `knownVersion` when the caller just read it. */
    async listJson(knownVersion?: number): Promise<{ version: number; body: Buffer }> {
      const version = knownVersion ?? (await readConfigVersion(db));
      if (cache?.version === version) return cache;
      const body = Buffer.from(JSON.stringify((await listRouteRows(db)).map(routeJson)));
      cache = { version, body };
      return cache;
    },

    async get(id: number): Promise<RouteJson> {
      return routeJson(await mustGet(db, id));
    },

    async create(input: RouteInput, actor: Actor): Promise<RouteJson> {
      const domain = normalizeDomain(input.domain);
      const targetIp = checkTargetHost(input.target_ip);
      const t = now();
      const { route, version, row } = await db
        .transaction()
        .execute(async (trx) => {
          await checkAgent(trx, input.agent_id);
          await checkDomainFree(trx, domain);
          const row = await insertRoute(trx, {
            domain,
            targetIp,
            targetPort: input.target_port,
            agentId: input.agent_id,
            proxyProtocol: input.proxy_protocol ?? false,
            now: t,
          });
          const version = await bumpConfigVersion(trx);
          await audit(
            trx,
            actor,
            'route created',
            { route_id: Number(row.id), domain, agent_id: input.agent_id },
            t,
          );
          return { route: routeJson(row), version, row };
        })
        .catch(mapConflict(domain));
      onChange(version, { kind: 'route', route: routeState(row) });
      return route;
    },

    async update(id: number, patch: Partial<RouteInput>, actor: Actor): Promise<RouteJson> {
      const domain = patch.domain === undefined ? undefined : normalizeDomain(patch.domain);
      const targetIp = patch.target_ip === undefined ? undefined : checkTargetHost(patch.target_ip);
      const t = now();
      const { route, version, row } = await db
        .transaction()
        .execute(async (trx) => {
          await mustGet(trx, id);
          if (patch.agent_id !== undefined) await checkAgent(trx, patch.agent_id);
          if (domain !== undefined) await checkDomainFree(trx, domain, id);
          const row = await updateRoute(trx, id, {
            domain,
            targetIp,
            targetPort: patch.target_port,
            agentId: patch.agent_id,
            proxyProtocol: patch.proxy_protocol,
            now: t,
          });
          if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no route ${id}`);
          const version = await bumpConfigVersion(trx);
          const changed = Object.keys(patch).sort();
          await audit(
            trx,
            actor,
            'route updated',
            { route_id: id, domain: row.domain, fields: changed },
            t,
          );
          return { route: routeJson(row), version, row };
        })
        .catch(mapConflict(domain));
      onChange(version, { kind: 'route', route: routeState(row) });
      return route;
    },

    async remove(id: number, actor: Actor): Promise<void> {
      const t = now();
      const version = await db.transaction().execute(async (trx) => {
        const row = await deleteRoute(trx, id);
        if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no route ${id}`);
        const v = await bumpConfigVersion(trx);
        await audit(trx, actor, 'route deleted', { route_id: id, domain: row.domain }, t);
        return v;
      });
      onChange(version, { kind: 'route-deleted', id });
    },
  };
}

/** The routes service's interface. */
export type RoutesService = ReturnType<typeof createRoutesService>;
