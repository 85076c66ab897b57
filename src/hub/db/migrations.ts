import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectKind } from './database.js';

// Migrations take `Kysely<any>`: they run against whatever schema exists, not the typed one.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Every schema change, in order. Never edit a shipped migration: add the next one. */
function migrations(kind: DialectKind): Record<string, Migration> {
  const id = kind === 'postgres' ? 'bigserial' : 'integer';
  const big = kind === 'postgres' ? 'bigint' : 'integer';
  return {
    '0001_initial': {
      async up(db: AnyDb) {
        const withId = (name: string) =>
          db.schema
            .createTable(name)
            .addColumn('id', id, (c) =>
              kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
            );

        await db.schema
          .createTable('settings')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('config_state')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('version', big, (c) => c.notNull())
          .execute();
        await db.insertInto('config_state').values({ id: 1, version: 1 }).execute();

        await withId('users')
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('revoked_tokens')
          .addColumn('jti', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', big, (c) => c.notNull())
          .execute();
        await withId('api_tokens')
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('user_id', big, (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('jti', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('expires_at', big, (c) => c.notNull())
          .addColumn('last_used_at', big)
          .execute();

        await withId('agents')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('push_url', 'text')
          .addColumn('token', 'text', (c) => c.notNull().unique())
          .addColumn('enabled', 'integer', (c) => c.notNull())
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        await withId('routes')
          .addColumn('domain', 'text', (c) => c.notNull().unique())
          .addColumn('target_ip', 'text', (c) => c.notNull())
          .addColumn('target_port', 'integer', (c) => c.notNull())
          .addColumn('agent_id', big, (c) => c.notNull().references('agents.id'))
          .addColumn('proxy_protocol', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', big, (c) => c.notNull())
          .addColumn('updated_at', big, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('routes_agent_id').on('routes').column('agent_id').execute();

        await db.schema
          .createTable('gates')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('presence', 'text', (c) => c.notNull())
          .addColumn('last_seen', big, (c) => c.notNull())
          .execute();
        await withId('logs')
          .addColumn('time', big, (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('meta', 'text')
          .execute();
        await db.schema.createIndex('logs_source').on('logs').columns(['source', 'id']).execute();
        await db.schema
          .createTable('stats_samples')
          .addColumn('time', big, (c) => c.primaryKey())
          .addColumn('active', big, (c) => c.notNull())
          .addColumn('bytes_in', big, (c) => c.notNull())
          .addColumn('bytes_out', big, (c) => c.notNull())
          .execute();
      },
      async down(db: AnyDb) {
        for (const t of [
          'stats_samples',
          'logs',
          'gates',
          'routes',
          'agents',
          'api_tokens',
          'revoked_tokens',
          'users',
          'config_state',
          'settings',
        ]) {
          await db.schema.dropTable(t).ifExists().execute();
        }
      },
    },
  };
}

/** Bring the schema up to date; safe to run from several Hubs and the CLI at once. */
export async function migrateToLatest(db: AnyDb, kind: DialectKind): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind) };
  const migrator = new Migrator({ db, provider });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  // Keep the statement planner informed on SQLite after the first creation.
  if (kind === 'sqlite') await sql`pragma optimize`.execute(db);
}
