import type { Kysely } from 'kysely';
import type { Logger } from '../shared/logger.js';
import type { HubDatabase } from './db/schema.js';
import { pruneLogs } from './db/logs-queries.js';
import { pruneStatsSamples } from './db/stats-samples-queries.js';
import { pruneRevokedTokens } from './db/users-queries.js';

/** How long log entries are kept; default 30 days. */
export const LOG_RETENTION_MS = 30 * 24 * 3600_000;
/** Stats samples older than this are dropped (the API shows the last hour). */
export const SAMPLE_RETENTION_MS = 2 * 3600_000;

/** Drop what has aged out: old log entries and samples, revocations of expired tokens. */
export async function pruneOnce(db: Kysely<HubDatabase>, now: number): Promise<void> {
  await pruneLogs(db, now - LOG_RETENTION_MS);
  await pruneStatsSamples(db, now - SAMPLE_RETENTION_MS);
  await pruneRevokedTokens(db, now);
}

/**
 * Prune now and then every `everyMs` (default hourly). Idempotent deletes, so several Hubs
 * on one database may all run it. Returns the stop function.
 */
export function startMaintenance(
  db: Kysely<HubDatabase>,
  log: Logger,
  everyMs = 3600_000,
): () => void {
  const run = () =>
    pruneOnce(db, Date.now()).catch((err: unknown) =>
      log.warn({ err }, 'pruning the database failed'),
    );
  void run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
