import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runHubScript,
  startHubProcess,
  type HubProcess,
} from '../../src/hub/test-support/hub-process.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from '../../src/hub/test-support/test-database.js';

describe.each(DATABASE_KINDS)(
  './hub -gen-token and -change-password against a running Hub on %s',
  (kind) => {
    let dir: string;
    let database: TestDatabase;
    let hub: HubProcess;
    // Both the Hub and the commands get the database the same way an operator sets it: DATABASE_URL.
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hub-cli-'));
      database = await createTestDatabase(kind, join(dir, 'hub.db'));
      env = { DATABASE_URL: database.url, HUB_ADMIN_PASSWORD: 'first-password' };
      hub = await startHubProcess([], env);
    }, 60_000);
    afterAll(async () => {
      await hub?.kill();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const api = (path: string, token: string) =>
      fetch(`${hub.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const login = (username: string, password: string) =>
      fetch(`${hub.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });

    it('prints a one-year token that the running Hub accepts and lists', async () => {
      const res = await runHubScript(['-gen-token', 'hub_admin'], env);
      expect(res.code).toBe(0);
      const token = res.stdout.trim();
      expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect((await api('/api/routes', token)).status).toBe(200);
      const tokens = (await (await api('/api/tokens', token)).json()) as Array<{
        label: string;
        expires_at: string;
      }>;
      const cli = tokens.find((x) => x.label === 'cli');
      expect(Date.parse(cli?.expires_at ?? '') - Date.now()).toBeGreaterThan(364 * 24 * 3600_000);
    }, 60_000);

    it('changes the password while the Hub runs and ends earlier sessions', async () => {
      const session = (
        (await (await login('hub_admin', 'first-password')).json()) as { token: string }
      ).token;
      expect((await api('/api/routes', session)).status).toBe(200);

      const res = await runHubScript(['-change-password', 'hub_admin:second-password'], env);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('hub_admin');

      expect((await api('/api/routes', session)).status).toBe(401);
      expect((await login('hub_admin', 'first-password')).status).toBe(401);
      expect((await login('hub_admin', 'second-password')).status).toBe(200);
    }, 60_000);

    it('refuses an unknown user and a malformed argument with a clear message', async () => {
      const [unknown, noToken, ...malformed] = await Promise.all([
        runHubScript(['-change-password', 'ghost:some-password'], env),
        runHubScript(['-gen-token', 'ghost'], env),
        ...['hub_admin', ':pw-pw-pw-pw', 'hub_admin:'].map((bad) =>
          runHubScript(['-change-password', bad], env),
        ),
      ]);
      expect(unknown?.code).not.toBe(0);
      expect(unknown?.stderr).toContain('unknown user: ghost');
      expect(noToken?.code).not.toBe(0);
      expect(noToken?.stdout).toBe('');
      expect(noToken?.stderr).toContain('unknown user: ghost');
      for (const res of malformed) {
        expect(res.code).not.toBe(0);
        expect(res.stderr).toContain('<user>:<password>');
        expect(res.stderr).not.toContain('    at ');
      }
    }, 90_000);
  },
);
