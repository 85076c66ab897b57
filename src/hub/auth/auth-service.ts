import type { Kysely } from 'kysely';
import type { LoginLimits } from '../config.js';
import type { HubDatabase } from '../db/schema.js';
import { HubErrors } from '../errors.js';
import {
  findUserById,
  findUserByName,
  revokeSessionToken,
  sessionState,
  updateCredentials,
} from '../db/users-queries.js';
import {
  deleteApiToken,
  deleteApiTokenByJti,
  findApiTokenByJti,
  insertApiToken,
  listApiTokens,
  touchApiToken,
  type ApiTokenJson,
} from '../db/api-tokens-queries.js';
import { isUniqueViolation } from '../db/db-errors.js';
import { audit, type Actor } from '../services/audit.js';
import { createLoginLimiter } from './login-limiter.js';
import { burnVerification, hashPassword, verifyPassword } from './passwords.js';
import type { TokenSigner } from './tokens.js';

/** Who a request acts as. */
export interface Principal {
  userId: number;
  username: string;
  kind: 'session' | 'api';
  jti: string;
  /** ms since epoch. */
  expiresAt: number;
  /** The config version read while checking the token (saves a read for the route list). */
  configVersion: number;
}

/** Last-use times are written at most this often per token. */
const TOUCH_EVERY_MS = 60_000;

/** Logins, token checks, credential changes and API tokens. */
export function createAuthService({
  db,
  signer,
  limits,
  now = Date.now,
}: {
  db: Kysely<HubDatabase>;
  signer: TokenSigner;
  limits: LoginLimits;
  now?: () => number;
}) {
  const limiter = createLoginLimiter(limits);
  const touched = new Map<number, number>();

  async function issueApiToken(userId: number, label: string, actor: Actor) {
    const t = now();
    const { token, jti, expiresAt } = await signer.sign({ userId, kind: 'api', now: t });
    const listing = await db.transaction().execute(async (trx) => {
      const row = await insertApiToken(trx, { label, userId, jti, createdAt: t, expiresAt });
      await audit(
        trx,
        actor,
        'api token created',
        { token_id: row.ID, label, username: row.username },
        t,
      );
      return row;
    });
    return { ...listing, token };
  }

  /** Rename and/or set a new password for `userId`; ends every earlier session of the user. */
  async function changeCredentials(
    userId: number,
    newUser: string,
    newPassword: string,
    actor: Actor,
  ): Promise<void> {
    const hash = await hashPassword(newPassword);
    const t = now();
    try {
      await db.transaction().execute(async (trx) => {
        const user = await findUserById(trx, userId);
        if (!user) throw HubErrors.HUB_ERR_NOT_FOUND('user not found');
        if (newUser !== user.username && (await findUserByName(trx, newUser))) {
          throw HubErrors.HUB_ERR_USER_TAKEN(`username ${newUser} is taken`);
        }
        await updateCredentials(trx, userId, newUser, hash, t);
        await audit(
          trx,
          actor,
          'credentials changed',
          { username: newUser, previous_username: user.username },
          t,
        );
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw HubErrors.HUB_ERR_USER_TAKEN(`username ${newUser} is taken`);
      throw err;
    }
  }

  return {
    /** Exchange credentials for a 24 h session token. */
    async login(username: string, password: string, address: string): Promise<{ token: string }> {
      const keys = [`ip:${address}`, `user:${username.toLowerCase()}`];
      const wait = limiter.retryAfterMs(keys, now());
      if (wait > 0) {
        throw Object.assign(
          HubErrors.HUB_ERR_RATE_LIMITED('too many failed logins; try again later'),
          {
            retryAfterSeconds: Math.ceil(wait / 1000),
          },
        );
      }
      const user = await findUserByName(db, username);
      const ok = user
        ? await verifyPassword(user.password_hash, password)
        : (await burnVerification(password), false);
      if (!user || !ok) {
        limiter.recordFailure(keys, now());
        throw HubErrors.HUB_ERR_BAD_CREDENTIALS('wrong username or password');
      }
      limiter.recordSuccess(keys);
      const { token } = await signer.sign({
        userId: Number(user.id),
        kind: 'session',
        tokenVersion: Number(user.token_version),
        now: now(),
      });
      return { token };
    },

    /** The principal behind a bearer token; throws HUB_ERR_UNAUTHORIZED for anything not valid right now. */
    async authenticate(token: string): Promise<Principal> {
      const claims = await signer.verify(token);
      if (!claims) throw HubErrors.HUB_ERR_UNAUTHORIZED('invalid or expired token');
      if (claims.kind === 'session') {
        const state = await sessionState(db, claims.userId, claims.jti);
        if (!state || state.revoked || state.tokenVersion !== claims.tokenVersion) {
          throw HubErrors.HUB_ERR_UNAUTHORIZED('token revoked');
        }
        return {
          userId: claims.userId,
          username: state.username,
          kind: 'session',
          jti: claims.jti,
          expiresAt: claims.expiresAt,
          configVersion: state.configVersion,
        };
      }
      const t = now();
      const row = await findApiTokenByJti(db, claims.jti, t);
      if (!row || row.userId !== claims.userId)
        throw HubErrors.HUB_ERR_UNAUTHORIZED('token revoked');
      if (t - (touched.get(row.id) ?? row.lastUsedAt ?? 0) >= TOUCH_EVERY_MS) {
        touched.set(row.id, t);
        await touchApiToken(db, row.id, t);
      }
      return {
        userId: row.userId,
        username: row.username,
        kind: 'api',
        jti: claims.jti,
        expiresAt: claims.expiresAt,
        configVersion: row.configVersion,
      };
    },

    /** End the token this request used. */
    async logout(p: Principal): Promise<void> {
      if (p.kind === 'session') await revokeSessionToken(db, p.jti, p.expiresAt);
      else await deleteApiTokenByJti(db, p.jti);
    },

    changeCredentials,

    /** Set the password of `username` (command line); throws HUB_ERR_NOT_FOUND for an unknown user. */
    async setPassword(username: string, password: string, actor: Actor): Promise<void> {
      const user = await findUserByName(db, username);
      if (!user) throw HubErrors.HUB_ERR_NOT_FOUND(`unknown user: ${username}`);
      await changeCredentials(Number(user.id), username, password, actor);
    },

    /** A new one-year token for `username`, recorded so it can be listed and revoked. */
    async createApiTokenFor(
      username: string,
      label: string,
      actor: Actor,
    ): Promise<ApiTokenJson & { token: string }> {
      const user = await findUserByName(db, username);
      if (!user) throw HubErrors.HUB_ERR_NOT_FOUND(`unknown user: ${username}`);
      return issueApiToken(Number(user.id), label, actor);
    },

    createApiToken: (userId: number, label: string, actor: Actor) =>
      issueApiToken(userId, label, actor),

    listApiTokens: () => listApiTokens(db, now()),

    /** Revoke an API token by id. */
    async deleteApiToken(id: number, actor: Actor): Promise<void> {
      const t = now();
      await db.transaction().execute(async (trx) => {
        const gone = await deleteApiToken(trx, id);
        if (!gone) throw HubErrors.HUB_ERR_NOT_FOUND(`no API token ${id}`);
        await audit(
          trx,
          actor,
          'api token revoked',
          { token_id: id, label: gone.label, username: gone.username },
          t,
        );
      });
      touched.delete(id);
    },
  };
}

/** The auth service's interface. */
export type AuthService = ReturnType<typeof createAuthService>;
