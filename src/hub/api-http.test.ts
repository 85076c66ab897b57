import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './test-support/test-database.js';
import { startTestHub, type TestHub } from './test-support/test-hub.js';

describe.each(DATABASE_KINDS)('HTTP edges, logs and system endpoints on %s', (kind) => {
  let t: TestHub;
  let webRoot: string;
  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'hub-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>dashboard</title>');
    writeFileSync(join(webRoot, 'app.js'), 'console.log(1)');
    t = await startTestHub(kind, { webRoot });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  const raw = (method: 'POST' | 'PUT', url: string, payload: string, contentType?: string) =>
    t.hub.app.inject({
      method,
      url,
      payload,
      headers: {
        authorization: `Bearer ${t.token}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
    });

  it('answers malformed JSON with 400 HUB_ERR_BAD_JSON', async () => {
    const res = await raw('POST', '/api/routes', '{"domain": "x.com",', 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_BAD_JSON', error: expect.any(String) });
  });

  it('answers an oversize body with 413', async () => {
    const res = await raw(
      'POST',
      '/api/agents',
      JSON.stringify({ name: 'x'.repeat(1_100_000), mode: 'redis' }),
      'application/json',
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_TOO_LARGE' });
  });

  it('answers a body that is not JSON with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await raw('POST', '/api/agents', 'name=x&mode=redis', type);
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ code: 'HUB_ERR_UNSUPPORTED_MEDIA' });
    }
  });

  it('answers an empty POST with a clear validation error', async () => {
    for (const type of ['application/json', undefined]) {
      const res = await raw('POST', '/api/routes', '', type);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'HUB_ERR_VALIDATION',
        error: expect.stringContaining('JSON object'),
      });
    }
    const arr = await raw('POST', '/api/routes', '[]', 'application/json');
    expect(arr.statusCode).toBe(400);
  });

  it('answers unknown API paths and bad ids with JSON errors, never a stack', async () => {
    const res = await t.call('GET', '/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_NOT_FOUND' });
    const bad = await t.call('GET', '/api/routes/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'HUB_ERR_VALIDATION', field: 'id' });
    expect(bad.body).not.toContain('at ');
  });

  it('lists logs newest first with the default, a limit and the 1000 cap', async () => {
    for (let i = 0; i < 3; i++)
      await t.call('POST', '/api/agents', { name: `log-${i}`, mode: 'redis' });
    const all = (await t.call('GET', '/api/logs')).json() as Array<{
      ID: number;
      time: string;
      source: string;
    }>;
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all.length).toBeLessThanOrEqual(100);
    const ids = all.map((l) => l.ID);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect((await t.call('GET', '/api/logs?limit=2')).json()).toHaveLength(2);
    expect((await t.call('GET', '/api/logs?limit=5000')).statusCode).toBe(200);
    expect((await t.call('GET', '/api/logs?limit=0')).statusCode).toBe(400);
    const newer = (await t.call('GET', `/api/logs?after_id=${ids[1]}`)).json();
    expect(newer.map((l: { ID: number }) => l.ID)).toEqual([ids[0]]);
    expect(all[0]).toMatchObject({
      level: 'info',
      source: 'audit',
      actor: 'hub_admin',
      message: 'agent created',
      meta: { name: 'log-2' },
    });
  });

  it('returns 100 entries by default and at most 1000', async () => {
    for (let i = 0; i < 110; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => t.call('POST', '/api/tokens', { label: `t${i + j}` })),
      );
    }
    expect((await t.call('GET', '/api/logs')).json()).toHaveLength(100);
    const capped = (await t.call('GET', '/api/logs?limit=5000')).json();
    expect(capped.length).toBeGreaterThan(100);
    expect(capped.length).toBeLessThanOrEqual(1000);
  });

  it('answers stats and gates through the runtime', async () => {
    const stats = await t.call('GET', '/api/stats');
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({
      agents: 3,
      routes: 0,
      gates: 0,
      connections_active: 0,
      by_route: [],
      history: expect.any(Array),
    });
    const gates = await t.call('GET', '/api/gates');
    expect(gates.statusCode).toBe(200);
    expect(gates.json()).toEqual([]);
  });

  it('serves the OpenAPI document and the interactive reference without a token', async () => {
    const doc = await t.call('GET', '/api/openapi.json', undefined, null);
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/login',
      '/api/routes',
      '/api/routes/{id}',
      '/api/agents/{id}/reset-token',
      '/api/logs',
      '/api/tokens',
    ]) {
      expect(spec.paths[path]).toBeDefined();
    }
    expect(
      spec.paths['/api/routes'].post.requestBody.content['application/json'].schema.required,
    ).toEqual(expect.arrayContaining(['domain', 'target_ip', 'target_port', 'agent_id']));
    const ui = await t.hub.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves Prometheus metrics without a token', async () => {
    const res = await t.call('GET', '/metrics', undefined, null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain('gatelink_hub_');
  });

  it('serves the dashboard with an index.html fallback outside /api', async () => {
    const index = await t.hub.app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('dashboard');
    expect((await t.hub.app.inject({ method: 'GET', url: '/app.js' })).body).toContain(
      'console.log',
    );
    const deep = await t.hub.app.inject({ method: 'GET', url: '/routes/12' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('dashboard');
    const api = await t.hub.app.inject({ method: 'GET', url: '/api/unknown' });
    expect(api.statusCode).toBe(404);
    expect(api.json().code).toBe('HUB_ERR_NOT_FOUND');
  });
});
