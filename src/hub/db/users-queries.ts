import type { Kysely, Selectable } from 'kysely';
import type { HubDatabase, UsersTable } from './schema.js';
import { prepared } from './prepared.js';

export type UserRow = Selectable<UsersTable>;

/** The user with this name, or undefined. */
export function findUserByName(
  db: Kysely<HubDatabase>,
  username: string,
): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

/** The user with this id, or undefined. */
export function findUserById(db: Kysely<HubDatabase>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** How many users exist. */
export async function countUsers(db: Kysely<HubDatabase>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Create a user; false when the name is already taken (a racing Hub created it first). */
export async function insertUserIfAbsent(
  db: Kysely<HubDatabase>,
  username: string,
  passwordHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('users')
    .values({
      username,
      password_hash: passwordHash,
      token_version: 0,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Set name and password hash and bump the token version, which ends the user's sessions. */
export async function updateCredentials(
  db: Kysely<HubDatabase>,
  id: number,
  username: string,
  passwordHash: string,
  now: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({
      username,
      password_hash: passwordHash,
      token_version: eb('token_version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

const selectSessionState = prepared(
  (db, userId: number, jti: string) =>
    db
      .selectFrom('users')
      .select((eb) => [
        'username',
        'token_version',
        eb
          .exists(eb.selectFrom('revoked_tokens').select('jti').where('jti', '=', jti))
          .as('revoked'),
        // Riding along: the config version, so a request needs one round trip, not two.
        eb
          .selectFrom('config_state')
          .select('version')
          .where('config_state.id', '=', 1)
          .as('config_version'),
      ])
      .where('users.id', '=', userId),
  [-1_000_002, '\u0000sentinel-jti'] as [number, string],
);

/** What a session token is checked against: the user's name and token version, and whether the jti was revoked. */
export async function sessionState(
  db: Kysely<HubDatabase>,
  userId: number,
  jti: string,
): Promise<
  { username: string; tokenVersion: number; revoked: boolean; configVersion: number } | undefined
> {
  const [row] = await selectSessionState(db, userId, jti);
  if (!row) return undefined;
  return {
    username: row.username,
    tokenVersion: Number(row.token_version),
    revoked: Boolean(row.revoked),
    configVersion: Number(row.config_version),
  };
}

/** Revoke one session token until it would have expired. */
export async function revokeSessionToken(
  db: Kysely<HubDatabase>,
  jti: string,
  expiresAt: number,
): Promise<void> {
  await db
    .insertInto('revoked_tokens')
    .values({ jti, expires_at: expiresAt })
    .onConflict((oc) => oc.column('jti').doNothing())
    .execute();
}

/** Forget revocations of tokens that have expired anyway. */
export async function pruneRevokedTokens(db: Kysely<HubDatabase>, now: number): Promise<void> {
  await db.deleteFrom('revoked_tokens').where('expires_at', '<', now).execute();
}
