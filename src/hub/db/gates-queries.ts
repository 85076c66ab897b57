import type { Kysely } from 'kysely';
import type { GatePresence } from '../../bus/types.js';
import type { HubDatabase } from './schema.js';

/** Record the latest presence of each Gate. */
export async function upsertGates(
  db: Kysely<HubDatabase>,
  gates: readonly GatePresence[],
): Promise<void> {
  for (const gate of gates) {
    const presence = JSON.stringify(gate);
    await db
      .insertInto('gates')
      .values({ id: gate.id, presence, last_seen: gate.lastSeen })
      .onConflict((oc) => oc.column('id').doUpdateSet({ presence, last_seen: gate.lastSeen }))
      .execute();
  }
}

/** Every Gate ever heard from, with its last presence. */
export async function listGates(db: Kysely<HubDatabase>): Promise<GatePresence[]> {
  const rows = await db.selectFrom('gates').select('presence').orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.presence) as GatePresence);
}
