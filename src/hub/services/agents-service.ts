import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { HubErrors, HubValidationError } from '../errors.js';
import { bumpConfigVersion } from '../db/config-version.js';
import { isForeignKeyViolation } from '../db/db-errors.js';
import {
  agentRecord,
  deleteAgent,
  findAgentRow,
  insertAgent,
  listAgentRows,
  updateAgent,
  type AgentRecord,
} from '../db/agents-queries.js';
import { deleteRoutesOfAgent, routeIdsOfAgent } from '../db/routes-queries.js';
import type { AgentPresence } from '../runtime/index.js';
import { audit, type Actor } from './audit.js';
import { agentState } from '../data-plane-state.js';
import type { StateChange } from '../state-cache.js';
import { checkPushUrl } from './validate.js';

/** An agent as the API answers it: stored fields plus live presence. */
export type AgentJson = AgentRecord & AgentPresence;

export interface AgentInput {
  name: string;
  mode: 'push' | 'redis';
  push_url?: string | null | undefined;
  enabled?: boolean | undefined;
}

const OFFLINE: AgentPresence = { online: false, gates: [], sessions: 0 };

/** Agent operations: each change bumps the config version and writes an audit entry in one transaction. */
export function createAgentsService({
  db,
  onChange,
  presence,
  now = Date.now,
}: {
  db: Kysely<HubDatabase>;
  /** Called after each committed change with its config version. */
  onChange: (version: number, change: StateChange) => void;
  /** Live presence of every agent's Links. */
  presence: () => Promise<Map<number, AgentPresence>>;
  now?: () => number;
}) {
  const withPresence = (record: AgentRecord, live: Map<number, AgentPresence>): AgentJson => ({
    ...record,
    ...(live.get(record.ID) ?? OFFLINE),
  });

  const one = async (record: AgentRecord) => withPresence(record, await presence());

  // push mode needs a URL to push to; redis mode has none.
  const pushUrlFor = (mode: 'push' | 'redis', url: string | null | undefined): string | null => {
    if (mode === 'redis') return null;
    if (!url) throw new HubValidationError('push_url', 'push_url is required for push mode');
    return checkPushUrl(url);
  };

  const meta = (r: AgentRecord) => ({ agent_id: r.ID, name: r.name, mode: r.mode });

  return {
    async list(): Promise<AgentJson[]> {
      const [rows, live] = await Promise.all([listAgentRows(db), presence()]);
      return rows.map((r) => withPresence(agentRecord(r), live));
    },

    async get(id: number): Promise<AgentJson> {
      const row = await findAgentRow(db, id);
      if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no agent ${id}`);
      return one(agentRecord(row));
    },

    async create(input: AgentInput, actor: Actor): Promise<AgentJson> {
      const pushUrl = pushUrlFor(input.mode, input.push_url);
      const t = now();
      const { record, version, row } = await db.transaction().execute(async (trx) => {
        const row = await insertAgent(trx, {
          name: input.name,
          mode: input.mode,
          pushUrl,
          token: randomUUID(),
          enabled: input.enabled ?? true,
          now: t,
        });
        const version = await bumpConfigVersion(trx);
        const r = agentRecord(row);
        await audit(trx, actor, 'agent created', meta(r), t);
        return { record: r, version, row };
      });
      onChange(version, { kind: 'agent', agent: agentState(row) });
      return one(record);
    },

    async update(id: number, patch: Partial<AgentInput>, actor: Actor): Promise<AgentJson> {
      const t = now();
      const { record, version, row } = await db.transaction().execute(async (trx) => {
        const current = await findAgentRow(trx, id);
        if (!current) throw HubErrors.HUB_ERR_NOT_FOUND(`no agent ${id}`);
        const mode = patch.mode ?? (current.mode === 'redis' ? 'redis' : 'push');
        const pushUrl = pushUrlFor(
          mode,
          patch.push_url !== undefined ? patch.push_url : current.push_url,
        );
        const row = await updateAgent(trx, id, {
          name: patch.name,
          mode,
          pushUrl,
          enabled: patch.enabled,
          now: t,
        });
        if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no agent ${id}`);
        const version = await bumpConfigVersion(trx);
        const r = agentRecord(row);
        await audit(
          trx,
          actor,
          'agent updated',
          { ...meta(r), fields: Object.keys(patch).sort() },
          t,
        );
        return { record: r, version, row };
      });
      onChange(version, { kind: 'agent', agent: agentState(row) });
      return one(record);
    },

    /** Delete an agent; with routes only when `cascade`, which deletes them too. */
    async remove(id: number, cascade: boolean, actor: Actor): Promise<void> {
      const t = now();
      const version = await db.transaction().execute(async (trx) => {
        const current = await findAgentRow(trx, id);
        if (!current) throw HubErrors.HUB_ERR_NOT_FOUND(`no agent ${id}`);
        const routeIds = await routeIdsOfAgent(trx, id);
        if (routeIds.length > 0 && !cascade) {
          throw HubErrors.HUB_ERR_AGENT_IN_USE(
            `agent ${id} still has ${routeIds.length} route(s); delete them first or pass ?cascade=true`,
          );
        }
        await deleteRoutesOfAgent(trx, id);
        // A route added meanwhile by another writer makes the foreign key refuse this.
        await deleteAgent(trx, id).catch((err: unknown) => {
          if (isForeignKeyViolation(err))
            throw HubErrors.HUB_ERR_AGENT_IN_USE(`agent ${id} gained a route; try again`);
          throw err;
        });
        const v = await bumpConfigVersion(trx);
        await audit(
          trx,
          actor,
          'agent deleted',
          { ...meta(agentRecord(current)), deleted_routes: routeIds },
          t,
        );
        return v;
      });
      onChange(version, { kind: 'agent-deleted', id });
    },

    /** A fresh token; the old one stops working once the new config is published. */
    async resetToken(id: number, actor: Actor): Promise<AgentJson> {
      const t = now();
      const { record, version, row } = await db.transaction().execute(async (trx) => {
        const row = await updateAgent(trx, id, { token: randomUUID(), now: t });
        if (!row) throw HubErrors.HUB_ERR_NOT_FOUND(`no agent ${id}`);
        const version = await bumpConfigVersion(trx);
        const r = agentRecord(row);
        await audit(trx, actor, 'agent token reset', meta(r), t);
        return { record: r, version, row };
      });
      onChange(version, { kind: 'agent', agent: agentState(row) });
      return one(record);
    },
  };
}

/** The agents service's interface. */
export type AgentsService = ReturnType<typeof createAgentsService>;
