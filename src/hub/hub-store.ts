import type { Kysely } from 'kysely';
import type { HubDatabase } from './db/schema.js';
import { listGates, upsertGates } from './db/gates-queries.js';
import { insertLog } from './db/logs-queries.js';
import { insertStatsSample, recentStatsSamples } from './db/stats-samples-queries.js';
import { loadDataPlaneState } from './data-plane-state.js';
import type { HubStore } from './runtime/index.js';

/** A Gate not heard from for this long is listed as offline. */
export const GATE_OFFLINE_AFTER_MS = 15_000;

/** The runtime's view of the database. */
export function createHubStore(
  db: Kysely<HubDatabase>,
  {
    now = Date.now,
    loadState = () => loadDataPlaneState(db),
  }: {
    now?: () => number;
    /** How the state is read; a full read by default (see state-cache.ts for the incremental one). */
    loadState?: HubStore['loadState'];
  } = {},
): HubStore {
  return {
    loadState,
    upsertGates: (gates) => upsertGates(db, gates),
    async listKnownGates() {
      const cutoff = now() - GATE_OFFLINE_AFTER_MS;
      return (await listGates(db)).map((g) => ({ ...g, online: g.lastSeen >= cutoff }));
    },
    insertLog: (event) => insertLog(db, event),
    insertStatsSample: (sample) => insertStatsSample(db, sample),
    recentStatsSamples: (sinceMs) => recentStatsSamples(db, sinceMs),
  };
}
