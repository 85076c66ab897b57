import type { Kysely, Selectable } from 'kysely';
import type { AgentsTable, HubDatabase } from './schema.js';
import { iso } from './db-errors.js';

export type AgentRow = Selectable<AgentsTable>;

/** An agent as stored, in API field names (presence fields are added by the caller). */
export interface AgentRecord {
  ID: number;
  name: string;
  mode: 'push' | 'redis';
  push_url: string | null;
  token: string;
  enabled: boolean;
  CreatedAt: string;
  UpdatedAt: string;
}

/** Map a stored row to its API fields. */
export function agentRecord(row: AgentRow): AgentRecord {
  return {
    ID: Number(row.id),
    name: row.name,
    mode: row.mode === 'redis' ? 'redis' : 'push',
    push_url: row.push_url,
    token: row.token,
    enabled: Boolean(row.enabled),
    CreatedAt: iso(Number(row.created_at)),
    UpdatedAt: iso(Number(row.updated_at)),
  };
}

/** Every agent, oldest first. */
export function listAgentRows(db: Kysely<HubDatabase>): Promise<AgentRow[]> {
  return db.selectFrom('agents').selectAll().orderBy('id').execute();
}

/** One agent, or undefined. */
export function findAgentRow(db: Kysely<HubDatabase>, id: number): Promise<AgentRow | undefined> {
  return db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Insert an agent; returns the stored row. */
export function insertAgent(
  db: Kysely<HubDatabase>,
  agent: {
    name: string;
    mode: string;
    pushUrl: string | null;
    token: string;
    enabled: boolean;
    now: number;
  },
): Promise<AgentRow> {
  return db
    .insertInto('agents')
    .values({
      name: agent.name,
      mode: agent.mode,
      push_url: agent.pushUrl,
      token: agent.token,
      enabled: agent.enabled ? 1 : 0,
      created_at: agent.now,
      updated_at: agent.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Change some fields; returns the stored row or undefined when the agent does not exist. */
export function updateAgent(
  db: Kysely<HubDatabase>,
  id: number,
  patch: {
    name?: string;
    mode?: string;
    pushUrl?: string | null;
    token?: string;
    enabled?: boolean;
    now: number;
  },
): Promise<AgentRow | undefined> {
  return db
    .updateTable('agents')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.mode !== undefined ? { mode: patch.mode } : {}),
      ...(patch.pushUrl !== undefined ? { push_url: patch.pushUrl } : {}),
      ...(patch.token !== undefined ? { token: patch.token } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      updated_at: patch.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** Delete an agent; false when it did not exist. */
export async function deleteAgent(db: Kysely<HubDatabase>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How many agents exist. */
export async function countAgents(db: Kysely<HubDatabase>): Promise<number> {
  const row = await db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
