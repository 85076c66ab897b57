import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The databases the Hub's suites run against. */
export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

const ADMIN_URL = process.env['DATABASE_URL_TEST'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away database: a fresh PostgreSQL database, or a SQLite file/memory URL. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Create a fresh database of `kind`; `sqliteFile` gives a file instead of memory. */
export async function createTestDatabase(
  kind: DatabaseKind,
  sqliteFile?: string,
): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    return {
      url: sqliteFile ? `sqlite:${sqliteFile}` : 'sqlite::memory:',
      drop: async () => undefined,
    };
  }
  const name = `hub_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // Plain DROP first: closing pools may still be saying goodbye; FORCE only as a last resort,
    // since it kills sessions mid-close.
    drop: () =>
      admin(async (c) => {
        for (let i = 0; i < 20; i++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch {
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
