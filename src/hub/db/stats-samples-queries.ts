import type { Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';

/** One traffic sample: live connections and the bytes moved during its interval. */
export interface StatsSample {
  time: number;
  active: number;
  bytesIn: number;
  bytesOut: number;
}

/** Store a sample (a second Hub writing the same instant is ignored). */
export async function insertStatsSample(db: Kysely<HubDatabase>, s: StatsSample): Promise<void> {
  await db
    .insertInto('stats_samples')
    .values({ time: s.time, active: s.active, bytes_in: s.bytesIn, bytes_out: s.bytesOut })
    .onConflict((oc) => oc.column('time').doNothing())
    .execute();
}

/** Samples since `sinceMs`, oldest first. */
export async function recentStatsSamples(
  db: Kysely<HubDatabase>,
  sinceMs: number,
): Promise<StatsSample[]> {
  const rows = await db
    .selectFrom('stats_samples')
    .selectAll()
    .where('time', '>=', sinceMs)
    .orderBy('time')
    .execute();
  return rows.map((r) => ({
    time: Number(r.time),
    active: Number(r.active),
    bytesIn: Number(r.bytes_in),
    bytesOut: Number(r.bytes_out),
  }));
}

/** Drop samples older than `beforeMs`. */
export async function pruneStatsSamples(db: Kysely<HubDatabase>, beforeMs: number): Promise<void> {
  await db.deleteFrom('stats_samples').where('time', '<', beforeMs).execute();
}
