import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';

/**
 * A query built and compiled once per database handle, then run with new parameter values.
 * For the few queries on every request's path (token checks, config version): building and
 * compiling a Kysely query costs more than running it on SQLite.
 * `build` receives sentinel values; each is replaced by the matching argument at run time.
 */
export function prepared<Row, Args extends readonly unknown[]>(
  build: (db: Kysely<HubDatabase>, ...sentinels: Args) => Compilable<Row>,
  sentinels: Args,
): (db: Kysely<HubDatabase>, ...args: Args) => Promise<Row[]> {
  const cache = new WeakMap<
    Kysely<HubDatabase>,
    { compiled: CompiledQuery<Row>; slots: number[] }
  >();
  return async (db, ...args) => {
    let entry = cache.get(db);
    if (!entry) {
      const compiled = build(db, ...sentinels).compile();
      const slots = compiled.parameters.map((p) => sentinels.indexOf(p));
      if (slots.filter((s) => s >= 0).length !== sentinels.length)
        throw new Error('prepared: sentinel not found');
      entry = { compiled, slots };
      cache.set(db, entry);
    }
    const { compiled, slots } = entry;
    const parameters = compiled.parameters.map((p, i) => {
      const slot = slots[i] ?? -1;
      return slot >= 0 ? args[slot] : p;
    });
    const result = await db.executeQuery<Row>({ ...compiled, parameters });
    return result.rows;
  };
}
