import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { HubDatabase } from './schema.js';
import { migrateToLatest } from './migrations.js';
import { HubErrors } from '../errors.js';
import type { Logger } from '../../shared/logger.js';

export type DialectKind = 'sqlite' | 'postgres';

/** An open, migrated Hub database. */
export interface HubDb {
  readonly db: Kysely<HubDatabase>;
  readonly kind: DialectKind;
  close(): Promise<void>;
}

/** Where a `sqlite:` URL points: a file path or `:memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  return rest === ':memory:' || rest === '' ? ':memory:' : rest;
}

async function sqliteDialect(url: string): Promise<SqliteDialect> {
  const { default: Database } = await import('better-sqlite3');
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  // WAL lets the CLI and the Hub use the file at once; FULL makes every acknowledged commit
  // survive a crash of the process or the machine; busy_timeout waits out the other writer.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}

async function postgresDialect(url: string, log: Logger | undefined): Promise<PostgresDialect> {
  const pg = await import('pg');
  const int8 = pg.default.types.builtins.INT8;
  const pool = new pg.default.Pool({
    connectionString: url,
    max: 10,
    // Per-pool parsers: bigint columns (ids, ms timestamps) come back as numbers, safe below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8
          ? (v: string) => Number(v)
          : pg.default.types.getTypeParser(
              oid,
              format as 'text',
            )) as typeof pg.default.types.getTypeParser,
    },
  });
  // An idle connection the server dropped (restart, failover) must not crash the process: the
  // pool discards it and the next query opens a new one.
  pool.on('error', (err) => log?.warn({ err: err.message }, 'database connection lost'));
  return new PostgresDialect({ pool });
}

/** Open the database a URL names (`sqlite:…` or `postgres://…`) and migrate it. */
export async function openDatabase(url: string, log?: Logger): Promise<HubDb> {
  const kind: DialectKind | null = url.startsWith('sqlite:')
    ? 'sqlite'
    : /^postgres(ql)?:\/\//.test(url)
      ? 'postgres'
      : null;
  if (!kind) throw HubErrors.HUB_ERR_CONFIG('database URL must start with sqlite: or postgres://');
  const dialect = kind === 'sqlite' ? await sqliteDialect(url) : await postgresDialect(url, log);
  const db = new Kysely<HubDatabase>({ dialect });
  try {
    await migrateToLatest(db, kind);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return { db, kind, close: () => db.destroy() };
}
