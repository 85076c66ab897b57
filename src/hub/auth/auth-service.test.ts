import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type HubDb } from '../db/database.js';
import { insertUserIfAbsent } from '../db/users-queries.js';
import { createAuthService } from './auth-service.js';
import { hashPassword } from './passwords.js';
import { createTokenSigner, SESSION_TTL_MS } from './tokens.js';

describe('auth service', () => {
  let hubDb: HubDb;
  const signer = createTokenSigner('a-test-secret-of-enough-length');
  const service = () =>
    createAuthService({ db: hubDb.db, signer, limits: { maxFailures: 5, windowMs: 60_000 } });

  beforeEach(async () => {
    hubDb = await openDatabase('sqlite::memory:');
    await insertUserIfAbsent(hubDb.db, 'alice', await hashPassword('alice-password'), Date.now());
    await insertUserIfAbsent(hubDb.db, 'bob', await hashPassword('bob-password'), Date.now());
  });
  afterEach(() => hubDb.close());

  it('refuses renaming to a username that exists with HUB_ERR_USER_TAKEN', async () => {
    const auth = service();
    await expect(auth.changeCredentials(1, 'bob', 'new-password', 'alice')).rejects.toMatchObject({
      code: 'HUB_ERR_USER_TAKEN',
      status: 409,
    });
    // Keeping one's own name while changing the password is fine.
    await auth.changeCredentials(1, 'alice', 'new-password', 'alice');
    await expect(auth.login('alice', 'new-password', '127.0.0.1')).resolves.toHaveProperty('token');
  });

  it('refuses an expired token even with a valid signature', async () => {
    const { token } = await signer.sign({
      userId: 1,
      kind: 'session',
      now: Date.now() - SESSION_TTL_MS - 5_000,
    });
    await expect(service().authenticate(token)).rejects.toMatchObject({
      code: 'HUB_ERR_UNAUTHORIZED',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const other = createTokenSigner('another-secret-of-enough-length');
    const { token } = await other.sign({ userId: 1, kind: 'session', now: Date.now() });
    await expect(service().authenticate(token)).rejects.toMatchObject({
      code: 'HUB_ERR_UNAUTHORIZED',
    });
  });

  it('ends only the changed user’s sessions', async () => {
    const auth = service();
    const a = await auth.login('alice', 'alice-password', '127.0.0.1');
    const b = await auth.login('bob', 'bob-password', '127.0.0.1');
    await auth.setPassword('alice', 'alice-password-2', 'cli');
    await expect(auth.authenticate(a.token)).rejects.toMatchObject({
      code: 'HUB_ERR_UNAUTHORIZED',
    });
    await expect(auth.authenticate(b.token)).resolves.toMatchObject({ username: 'bob' });
    await expect(auth.setPassword('carol', 'whatever-pw', 'cli')).rejects.toMatchObject({
      code: 'HUB_ERR_NOT_FOUND',
    });
  });
});
