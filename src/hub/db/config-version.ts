import type { Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';
import { prepared } from './prepared.js';

const selectVersion = prepared(
  (db, id: number) => db.selectFrom('config_state').select('version').where('id', '=', id),
  [-1_000_001] as [number],
);

/** The current config version (read on every route-list request: prepared once). */
export async function readConfigVersion(db: Kysely<HubDatabase>): Promise<number> {
  const [row] = await selectVersion(db, 1);
  if (!row) throw new Error('config_state is empty');
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
