import { describe, expect, it } from 'vitest';
import { resolveHubConfig } from './config.js';

describe('resolveHubConfig', () => {
  it('fills the documented defaults and freezes the result', () => {
    const c = resolveHubConfig();
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      databaseUrl: 'sqlite:data/hub.db',
      adminPassword: undefined,
      jwtSecret: undefined,
      bodyLimit: 1024 * 1024,
      loginLimits: { maxFailures: 10, windowMs: 900_000 },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.loginLimits)).toBe(true);
  });

  it('puts the default SQLite file under the data directory', () => {
    expect(resolveHubConfig({ dataDir: '/var/lib/gatelink' }).databaseUrl).toBe(
      'sqlite:/var/lib/gatelink/hub.db',
    );
  });

  it.each([
    [{ port: 70000 }],
    [{ port: 1.5 }],
    [{ databaseUrl: 'mysql://x' }],
    [{ jwtSecret: 'short' }],
  ])('refuses %j with HUB_ERR_CONFIG', (input) => {
    expect(() => resolveHubConfig(input)).toThrow(
      expect.objectContaining({ code: 'HUB_ERR_CONFIG' }),
    );
  });
});
