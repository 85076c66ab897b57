import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { insertLog } from '../db/logs-queries.js';

/** Who made a change: a username, or `cli` for the command line. */
export type Actor = string;

/**
 * Record a change in the logs (source `audit`). Call inside the change's transaction so the
 * entry exists exactly when the change does. `meta` must never carry a secret.
 */
export function audit(
  db: Kysely<HubDatabase>,
  actor: Actor,
  message: string,
  meta: Record<string, unknown>,
  now: number,
): Promise<void> {
  return insertLog(db, { time: now, level: 'info', source: 'audit', actor, message, meta });
}
