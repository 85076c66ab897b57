import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataPlaneState } from './data-plane-state.js';
import { openDatabase } from './db/database.js';
import { DATABASE_KINDS } from './test-support/test-database.js';
import { ADMIN_PASSWORD, startTestHub, type TestHub } from './test-support/test-hub.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import { silentLogger } from '../shared/logger.js';
import { resolveHubConfig } from './config.js';
import { createHub } from './hub.js';

describe.each(DATABASE_KINDS)('routes API on %s', (kind) => {
  let t: TestHub;
  let agentId: number;

  beforeAll(async () => {
    t = await startTestHub(kind);
    const res = await t.call('POST', '/api/agents', { name: 'edge-1', mode: 'redis' });
    agentId = res.json<{ ID: number }>().ID;
  });
  afterAll(() => t?.close());

  const route = (over: Record<string, unknown> = {}) => ({
    domain: 'play.myserver.com',
    target_ip: '127.0.0.1',
    target_port: 25565,
    agent_id: agentId,
    ...over,
  });

  it('creates a route with the payload of the reference and lists it', async () => {
    const res = await t.call('POST', '/api/routes', route());
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      domain: 'play.myserver.com',
      target_ip: '127.0.0.1',
      target_port: 25565,
      agent_id: agentId,
      proxy_protocol: false,
    });
    expect(created.ID).toBeTypeOf('number');
    expect(new Date(created.CreatedAt).toISOString()).toBe(created.CreatedAt);
    expect(created.UpdatedAt).toBe(created.CreatedAt);

    const list = await t.call('GET', '/api/routes');
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    expect(list.json()).toContainEqual(created);
    expect((await t.call('GET', `/api/routes/${created.ID}`)).json()).toEqual(created);
  });

  it('stores domains lowercased without the trailing dot and refuses a taken one with 409', async () => {
    const res = await t.call('POST', '/api/routes', route({ domain: 'Mixed.Example.COM.' }));
    expect(res.statusCode).toBe(201);
    expect(res.json().domain).toBe('mixed.example.com');
    const again = await t.call('POST', '/api/routes', route({ domain: 'MIXED.example.com' }));
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'HUB_ERR_DOMAIN_TAKEN' });
  });

  it('takes wildcard domains and hostname targets', async () => {
    const res = await t.call(
      'POST',
      '/api/routes',
      route({ domain: '*.wild.example.com', target_ip: 'mc.internal' }),
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ domain: '*.wild.example.com', target_ip: 'mc.internal' });
  });

  it.each([
    ['domain', { domain: 'bad domain!' }],
    ['domain', { domain: '' }],
    ['target_ip', { target_ip: 'not an address' }],
    ['target_port', { target_port: 0 }],
    ['target_port', { target_port: 65536 }],
    ['target_port', { target_port: 'abc' }],
    ['agent_id', { agent_id: 999_999 }],
    ['domain', { domain: undefined }],
  ])('refuses a bad %s with 400 naming the field', async (field, over) => {
    const res = await t.call(
      'POST',
      '/api/routes',
      route({ domain: `f-${field.replace('_', '-')}.example.com`, ...over }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_VALIDATION', field });
  });

  it('updates some fields with PUT and keeps the rest', async () => {
    const created = (
      await t.call('POST', '/api/routes', route({ domain: 'put.example.com' }))
    ).json();
    await new Promise((r) => setTimeout(r, 5));
    const res = await t.call('PUT', `/api/routes/${created.ID}`, {
      target_port: 25566,
      proxy_protocol: true,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ID: created.ID,
      domain: 'put.example.com',
      target_port: 25566,
      proxy_protocol: true,
    });
    expect(res.json().UpdatedAt > created.UpdatedAt).toBe(true);
    // A panel may PUT back the whole object it read.
    const whole = await t.call('PUT', `/api/routes/${created.ID}`, {
      ...(res.json() as object),
      target_ip: '10.0.0.9',
    });
    expect(whole.statusCode).toBe(200);
    expect(whole.json().target_ip).toBe('10.0.0.9');
    const taken = await t.call('PUT', `/api/routes/${created.ID}`, { domain: 'play.myserver.com' });
    expect(taken.statusCode).toBe(409);
  });

  it('deletes a route and answers 404 for unknown ids', async () => {
    const created = (
      await t.call('POST', '/api/routes', route({ domain: 'gone.example.com' }))
    ).json();
    const del = await t.call('DELETE', `/api/routes/${created.ID}`);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ success: true });
    for (const [method, body] of [['GET'], ['PUT', { target_port: 1 }], ['DELETE']] as const) {
      const res = await t.call(method, `/api/routes/${created.ID}`, body);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'HUB_ERR_NOT_FOUND' });
    }
  });

  it('bumps the config version with every change and publishes it', async () => {
    const before = (await t.bus.readConfig())?.version ?? 0;
    const created = (
      await t.call('POST', '/api/routes', route({ domain: 'ver.example.com' }))
    ).json();
    await t.hub.runtime.idle();
    const after = await t.bus.readConfig();
    expect(after?.version).toBeGreaterThan(before);
    expect(after?.routes.find((r) => r.id === created.ID)).toMatchObject({
      domain: 'ver.example.com',
      targetPort: 25565,
    });
  });

  it('gives a domain to exactly one of many concurrent creators', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.call('POST', '/api/routes', route({ domain: 'race.example.com' })),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, ...Array(9).fill(409)]);
  });

  it('bumps the config version once per change under concurrent writes', async () => {
    await t.hub.runtime.idle();
    const before = (await t.bus.readConfig())?.version ?? 0;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.call('POST', '/api/routes', route({ domain: `burst-${i}.example.com` })),
      ),
    );
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    await t.hub.runtime.idle();
    expect((await t.bus.readConfig())?.version).toBe(before + 12);
  });

  it('serves a fresh list after a change (cache follows the config version)', async () => {
    const first = (await t.call('GET', '/api/routes')).json();
    await t.call('POST', '/api/routes', route({ domain: 'cache.example.com' }));
    const second = (await t.call('GET', '/api/routes')).json();
    expect(second.length).toBe(first.length + 1);
    expect(second.map((r: { ID: number }) => r.ID)).toEqual(
      [...second.map((r: { ID: number }) => r.ID)].sort((a, b) => a - b),
    );
  });

  it('answers 304 to a poll with the current ETag and 200 after a change', async () => {
    const first = await t.call('GET', '/api/routes');
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^W\/"config-\d+"$/);
    const poll = () =>
      t.hub.app.inject({
        method: 'GET',
        url: '/api/routes',
        headers: { authorization: `Bearer ${t.token}`, 'if-none-match': etag },
      });
    const same = await poll();
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    await t.call('POST', '/api/routes', route({ domain: 'etag.example.com' }));
    const changed = await poll();
    expect(changed.statusCode).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
    expect(changed.json().some((r: { domain: string }) => r.domain === 'etag.example.com')).toBe(
      true,
    );
  });

  it('loadDataPlaneState reads the same routes and agents at one version', async () => {
    if (kind === 'sqlite') return; // an in-memory SQLite database is private to its connection
    const other = await openDatabase(t.database.url);
    try {
      const state = await loadDataPlaneState(other.db);
      expect(state.version).toBe((await t.bus.readConfig())?.version);
      expect(state.agents.find((a) => a.id === agentId)).toMatchObject({
        mode: 'redis',
        pushUrl: null,
      });
      expect(state.agents[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await other.close();
    }
  });
  it('lists at once a route another Hub on the same database created', async () => {
    if (kind === 'sqlite') return; // an in-memory SQLite database is private to its connection
    const before = (await t.call('GET', '/api/routes')).json().length as number;
    const other = await createHub({
      config: resolveHubConfig({ databaseUrl: t.database.url, port: 0 }),
      log: silentLogger(),
      bus: createMemoryBus(),
    });
    try {
      const login = await other.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: 'hub_admin', password: ADMIN_PASSWORD },
      });
      const res = await other.app.inject({
        method: 'POST',
        url: '/api/routes',
        headers: { authorization: `Bearer ${login.json().token}` },
        payload: route({ domain: 'elsewhere.example.com' }),
      });
      expect(res.statusCode).toBe(201);
    } finally {
      await other.close();
    }
    const after = (await t.call('GET', '/api/routes')).json() as Array<{ domain: string }>;
    expect(after).toHaveLength(before + 1);
    expect(after.some((r) => r.domain === 'elsewhere.example.com')).toBe(true);
  });
});
