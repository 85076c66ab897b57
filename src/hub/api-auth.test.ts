import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './test-support/test-database.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './test-support/test-hub.js';

describe.each(DATABASE_KINDS)('authentication on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind, { loginLimits: { maxFailures: 3, windowMs: 60_000 } });
  });
  afterAll(() => t?.close());

  it('answers health without a token', async () => {
    const res = await t.call('GET', '/api/health', undefined, null);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it.each([
    '/api/routes',
    '/api/agents',
    '/api/gates',
    '/api/logs',
    '/api/stats',
    '/api/tokens',
    '/api/me',
  ])('answers %s without a token with 401 JSON', async (url) => {
    const res = await t.call('GET', url, undefined, null);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_UNAUTHORIZED', error: expect.any(String) });
  });

  it('refuses a forged, malformed or foreign-key token', async () => {
    const [h, p] = t.token.split('.');
    for (const bad of ['garbage', `${h}.${p}.AAAA`, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.']) {
      const res = await t.call('GET', '/api/routes', undefined, bad);
      expect(res.statusCode).toBe(401);
    }
    const res = await t.hub.app.inject({
      method: 'GET',
      url: '/api/routes',
      headers: { authorization: t.token },
    });
    expect(res.statusCode).toBe(401);
  });

  it('logs in with the payload of the reference and the token works for 24 h', async () => {
    const res = await t.login();
    expect(res.statusCode).toBe(200);
    const { token } = res.json();
    expect(Object.keys(res.json())).toEqual(['token']);
    expect(token).toMatch(/^eyJ/);
    const me = await t.call('GET', '/api/me', undefined, token);
    expect(me.statusCode).toBe(200);
    const expires = Date.parse(me.json().expires_at);
    expect(me.json().username).toBe('hub_admin');
    expect(Math.abs(expires - Date.now() - 24 * 3600_000)).toBeLessThan(60_000);
  });

  it('logout revokes exactly the token used', async () => {
    const other = await t.hub.app.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: '127.0.0.2',
      payload: { username: 'hub_admin', password: ADMIN_PASSWORD },
    });
    const token = other.json().token as string;
    const out = await t.call('POST', '/api/logout', undefined, token);
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ success: true });
    expect((await t.call('GET', '/api/routes', undefined, token)).statusCode).toBe(401);
    expect((await t.call('GET', '/api/routes')).statusCode).toBe(200);
  });

  it('creates, lists and revokes long-lived API tokens', async () => {
    const res = await t.call('POST', '/api/tokens', { label: 'whmcs' });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      label: 'whmcs',
      username: 'hub_admin',
      last_used_at: null,
      token: expect.any(String),
    });
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(364 * 24 * 3600_000);
    expect((await t.call('GET', '/api/routes', undefined, created.token)).statusCode).toBe(200);

    const list = (await t.call('GET', '/api/tokens')).json();
    const listed = list.find((x: { ID: number }) => x.ID === created.ID);
    expect(listed).toMatchObject({ label: 'whmcs', username: 'hub_admin' });
    expect(listed.token).toBeUndefined();
    expect(listed.last_used_at).not.toBeNull();

    const noBody = await t.call('POST', '/api/tokens');
    expect(noBody.statusCode).toBe(201);
    expect(noBody.json().label).toBe('api');

    expect((await t.call('DELETE', `/api/tokens/${created.ID}`)).json()).toEqual({ success: true });
    expect((await t.call('GET', '/api/routes', undefined, created.token)).statusCode).toBe(401);
    expect((await t.call('DELETE', `/api/tokens/${created.ID}`)).statusCode).toBe(404);
  });

  it('change-credentials renames, sets the password and ends earlier sessions but not API tokens', async () => {
    const api = (await t.call('POST', '/api/tokens', { label: 'keep' })).json().token as string;
    const res = await t.call('POST', '/api/change-credentials', {
      new_user: 'new_admin_name',
      new_password: 'secure-new-password',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect((await t.call('GET', '/api/routes')).statusCode).toBe(401);
    expect((await t.call('GET', '/api/me', undefined, api)).json().username).toBe('new_admin_name');

    const from = { remoteAddress: '127.0.0.3' };
    const old = await t.hub.app.inject({
      method: 'POST',
      url: '/api/login',
      ...from,
      payload: { username: 'new_admin_name', password: ADMIN_PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.hub.app.inject({
      method: 'POST',
      url: '/api/login',
      ...from,
      payload: { username: 'new_admin_name', password: 'secure-new-password' },
    });
    expect(fresh.statusCode).toBe(200);
    t.token = fresh.json().token;

    const weak = await t.call('POST', '/api/change-credentials', {
      new_user: 'x',
      new_password: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ field: 'new_password' });
    const missing = await t.call('POST', '/api/change-credentials', {
      new_password: 'long-enough-pw',
    });
    expect(missing.json()).toMatchObject({ code: 'HUB_ERR_VALIDATION', field: 'new_user' });
  });

  it('writes audit entries for credential and token changes without secrets', async () => {
    const logs = (await t.call('GET', '/api/logs?limit=1000')).json() as Array<{
      message: string;
      actor: string;
      source: string;
    }>;
    const messages = logs.filter((l) => l.source === 'audit').map((l) => l.message);
    expect(messages).toEqual(
      expect.arrayContaining(['credentials changed', 'api token created', 'api token revoked']),
    );
    const text = JSON.stringify(logs);
    expect(text).not.toContain('secure-new-password');
    expect(text).not.toContain(ADMIN_PASSWORD);
    expect(text).not.toContain('eyJ');
  });
  it('answers wrong credentials with 401 and locks out after repeated failures with 429', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.login('new_admin_name', 'wrong');
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'HUB_ERR_BAD_CREDENTIALS' });
    }
    const locked = await t.login('new_admin_name', 'secure-new-password');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'HUB_ERR_RATE_LIMITED' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Tokens already issued keep working.
    expect((await t.call('GET', '/api/routes')).statusCode).toBe(200);
    // Another address trying another user is not affected.
    const other = await t.hub.app.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress: '127.0.0.9',
      payload: { username: 'nobody', password: 'x' },
    });
    expect(other.statusCode).toBe(401);
  });
});
