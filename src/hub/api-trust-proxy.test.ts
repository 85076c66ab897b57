import { afterEach, describe, expect, it } from 'vitest';
import { resolveHubConfig } from './config.js';
import { startTestHub, type TestHub } from './test-support/test-hub.js';

/** A failed login as `username` from the TCP peer 127.0.0.1, claiming `forwardedFor`. */
const failFrom = (t: TestHub, forwardedFor: string, username = 'hub_admin') =>
  t.hub.app.inject({
    method: 'POST',
    url: '/api/login',
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { username, password: 'wrong-password' },
  });

describe('failed-login throttling behind a reverse proxy', () => {
  let t: TestHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('counts failures per forwarded client address when the proxy is trusted', async () => {
    t = await startTestHub('sqlite', {
      trustProxy: ['127.0.0.0/8'],
      loginLimits: { maxFailures: 2, windowMs: 60_000 },
    });
    expect((await failFrom(t, '203.0.113.5', 'alice')).statusCode).toBe(401);
    expect((await failFrom(t, '203.0.113.5', 'bob')).statusCode).toBe(401);
    expect((await failFrom(t, '203.0.113.5', 'carol')).statusCode).toBe(429);
    // Another player's address behind the same proxy is not locked out with it.
    expect((await failFrom(t, '203.0.113.6', 'dave')).statusCode).toBe(401);
  });

  it('ignores X-Forwarded-For from a peer that is not trusted', async () => {
    t = await startTestHub('sqlite', { loginLimits: { maxFailures: 2, windowMs: 60_000 } });
    expect((await failFrom(t, '203.0.113.5', 'alice')).statusCode).toBe(401);
    expect((await failFrom(t, '203.0.113.6', 'bob')).statusCode).toBe(401);
    // A forged header does not buy a fresh budget: the peer address is what counts.
    expect((await failFrom(t, '203.0.113.7', 'carol')).statusCode).toBe(429);
  });

  it('refuses a trusted proxy entry that is not an address or CIDR', () => {
    for (const bad of ['proxy.example.com', '10.0.0.0/33', '::1/129', '1.2.3.4/8/9', '']) {
      expect(() => resolveHubConfig({ trustProxy: [bad] })).toThrow(/trusted proxy/);
    }
    expect(
      resolveHubConfig({ trustProxy: ['10.0.0.0/8', '::1', '2001:db8::/32'] }).trustProxy,
    ).toEqual(['10.0.0.0/8', '::1', '2001:db8::/32']);
  });
});
