import type { Kysely } from 'kysely';
import type { HubDatabase } from './schema.js';
import { iso } from './db-errors.js';

/** A long-lived API token as the API lists it (never the token itself). */
export interface ApiTokenJson {
  ID: number;
  label: string;
  username: string;
  CreatedAt: string;
  expires_at: string;
  last_used_at: string | null;
}

const columns = [
  'api_tokens.id',
  'api_tokens.label',
  'users.username',
  'api_tokens.created_at',
  'api_tokens.expires_at',
  'api_tokens.last_used_at',
] as const;

function toJson(row: {
  id: number;
  label: string;
  username: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
}): ApiTokenJson {
  return {
    ID: Number(row.id),
    label: row.label,
    username: row.username,
    CreatedAt: iso(Number(row.created_at)),
    expires_at: iso(Number(row.expires_at)),
    last_used_at: row.last_used_at === null ? null : iso(Number(row.last_used_at)),
  };
}

/** Record a new token; returns its listing. */
export async function insertApiToken(
  db: Kysely<HubDatabase>,
  token: { label: string; userId: number; jti: string; createdAt: number; expiresAt: number },
): Promise<ApiTokenJson> {
  const { id } = await db
    .insertInto('api_tokens')
    .values({
      label: token.label,
      user_id: token.userId,
      jti: token.jti,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      last_used_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(columns)
    .where('api_tokens.id', '=', id)
    .executeTakeFirstOrThrow();
  return toJson(row);
}

/** Every unexpired API token, oldest first. */
export async function listApiTokens(db: Kysely<HubDatabase>, now: number): Promise<ApiTokenJson[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(columns)
    .where('api_tokens.expires_at', '>', now)
    .orderBy('api_tokens.id')
    .execute();
  return rows.map(toJson);
}

/** The live token with this jti and its owner, or undefined when revoked or expired. */
export async function findApiTokenByJti(
  db: Kysely<HubDatabase>,
  jti: string,
  now: number,
): Promise<
  | {
      id: number;
      userId: number;
      username: string;
      lastUsedAt: number | null;
      configVersion: number;
    }
  | undefined
> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select((eb) => [
      'api_tokens.id',
      'api_tokens.user_id',
      'users.username',
      'api_tokens.last_used_at',
      // Riding along: the config version, so a request needs one round trip, not two.
      eb
        .selectFrom('config_state')
        .select('version')
        .where('config_state.id', '=', 1)
        .as('config_version'),
    ])
    .where('api_tokens.jti', '=', jti)
    .where('api_tokens.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    username: row.username,
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    configVersion: Number(row.config_version),
  };
}

/** Note that the token was used. */
export async function touchApiToken(
  db: Kysely<HubDatabase>,
  id: number,
  now: number,
): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

/** Revoke a token by id; false when there was none. */
export async function deleteApiToken(
  db: Kysely<HubDatabase>,
  id: number,
): Promise<ApiTokenJson | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(columns)
    .where('api_tokens.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.deleteFrom('api_tokens').where('id', '=', id).execute();
  return toJson(row);
}

/** Revoke a token by jti (logout with an API token). */
export async function deleteApiTokenByJti(db: Kysely<HubDatabase>, jti: string): Promise<void> {
  await db.deleteFrom('api_tokens').where('jti', '=', jti).execute();
}
