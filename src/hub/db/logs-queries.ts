import type { Kysely } from 'kysely';
import type { LogLevel } from '../../bus/types.js';
import type { HubDatabase } from './schema.js';
import { iso } from './db-errors.js';

/** A stored log entry in API field names. */
export interface LogJson {
  ID: number;
  time: string;
  level: LogLevel;
  source: string;
  actor: string | null;
  message: string;
  meta: Record<string, unknown> | null;
}

/** What is written: a log event, optionally with the actor who caused it. */
export interface LogInsert {
  time: number;
  level: LogLevel;
  source: string;
  message: string;
  actor?: string | undefined;
  meta?: Readonly<Record<string, unknown>> | undefined;
}

/** Append one entry. */
export async function insertLog(db: Kysely<HubDatabase>, entry: LogInsert): Promise<void> {
  await db
    .insertInto('logs')
    .values({
      time: entry.time,
      level: entry.level,
      source: entry.source,
      actor: entry.actor ?? null,
      message: entry.message,
      meta: entry.meta ? JSON.stringify(entry.meta) : null,
    })
    .execute();
}

/** Newest entries first, filtered. */
export async function listLogs(
  db: Kysely<HubDatabase>,
  q: {
    limit: number;
    level?: string | undefined;
    source?: string | undefined;
    afterId?: number | undefined;
  },
): Promise<LogJson[]> {
  let query = db.selectFrom('logs').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.level) query = query.where('level', '=', q.level);
  if (q.source) query = query.where('source', '=', q.source);
  if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
  const rows = await query.execute();
  return rows.map((r) => ({
    ID: Number(r.id),
    time: iso(Number(r.time)),
    level: r.level as LogLevel,
    source: r.source,
    actor: r.actor,
    message: r.message,
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
  }));
}

/** Drop entries older than `beforeMs`, keeping the table bounded. */
export async function pruneLogs(db: Kysely<HubDatabase>, beforeMs: number): Promise<void> {
  await db.deleteFrom('logs').where('time', '<', beforeMs).execute();
}
