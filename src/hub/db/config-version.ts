import type { Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';

/** The current config version. */
export async function readConfigVersion(db: Kysely<HubDatabase>): Promise<number> {
  const row = await db
    .selectFrom('config_state')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.version);
}

/** Bump the config version; call inside the transaction that makes the change. */
export async function bumpConfigVersion(trx: Kysely<HubDatabase>): Promise<number> {
  const row = await trx
    .updateTable('config_state')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .returning('version')
    .executeTakeFirstOrThrow();
  return Number(row.version);
}
