import type { LightMyRequestResponse } from 'fastify';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import { silentLogger } from '../../shared/logger.js';
import { resolveHubConfig, type HubConfigInput } from '../config.js';
import { createHub, type Hub } from '../hub.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './test-database.js';

export const ADMIN_PASSWORD = 'admin-password-1';

/** A Hub on a throw-away database with helpers to call its API. */
export interface TestHub {
  readonly hub: Hub;
  readonly bus: Bus;
  readonly database: TestDatabase;
  /** A session token of hub_admin. */
  token: string;
  login(username?: string, password?: string): Promise<LightMyRequestResponse>;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Start a Hub on a fresh database of `kind` and log in as hub_admin. */
export async function startTestHub(
  kind: DatabaseKind,
  config: HubConfigInput = {},
): Promise<TestHub> {
  const database = await createTestDatabase(kind);
  const bus = createMemoryBus();
  const hub = await createHub({
    config: resolveHubConfig({
      adminPassword: ADMIN_PASSWORD,
      databaseUrl: database.url,
      port: 0,
      ...config,
    }),
    log: silentLogger(),
    bus,
  });
  const t: TestHub = {
    hub,
    bus,
    database,
    token: '',
    login: (username = 'hub_admin', password = ADMIN_PASSWORD) =>
      hub.app.inject({ method: 'POST', url: '/api/login', payload: { username, password } }),
    call: (method, url, body, token) =>
      hub.app.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        headers: token === null ? {} : { authorization: `Bearer ${token ?? t.token}` },
      }),
    async close() {
      await hub.close();
      await bus.close();
      await database.drop();
    },
  };
  const res = await t.login();
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  t.token = res.json<{ token: string }>().token;
  return t;
}
