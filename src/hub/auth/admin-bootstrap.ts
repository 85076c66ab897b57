import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../db/schema.js';
import { countUsers, insertUserIfAbsent } from '../db/users-queries.js';
import { audit } from '../services/audit.js';
import { hashPassword } from './passwords.js';

/** The user the first start creates. */
export const ADMIN_USERNAME = 'hub_admin';

/**
 * Create `hub_admin` when there is no user yet. Returns the password when one was generated
 * (the caller shows it once), null when none was needed or it was supplied.
 */
export async function ensureAdmin(
  db: Kysely<HubDatabase>,
  password: string | undefined,
  now: () => number = Date.now,
): Promise<string | null> {
  if ((await countUsers(db)) > 0) return null;
  const chosen = password ?? randomBytes(18).toString('base64url');
  const created = await db.transaction().execute(async (trx) => {
    const t = now();
    const inserted = await insertUserIfAbsent(trx, ADMIN_USERNAME, await hashPassword(chosen), t);
    if (inserted) await audit(trx, 'hub', 'admin user created', { username: ADMIN_USERNAME }, t);
    return inserted;
  });
  return created && password === undefined ? chosen : null;
}
