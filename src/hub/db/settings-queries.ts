import type { Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';

/** The stored value of a setting, or undefined. */
export async function getSetting(
  db: Kysely<HubDatabase>,
  key: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** The setting's value, storing `make()` first when absent; the first writer wins among racing Hubs. */
export async function ensureSetting(
  db: Kysely<HubDatabase>,
  key: string,
  make: () => string,
): Promise<string> {
  const existing = await getSetting(db, key);
  if (existing !== undefined) return existing;
  await db
    .insertInto('settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await getSetting(db, key);
  if (stored === undefined) throw new Error(`setting ${key} vanished`);
  return stored;
}
