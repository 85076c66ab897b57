import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './test-support/test-database.js';
import { startTestHub, type TestHub } from './test-support/test-hub.js';

describe.each(DATABASE_KINDS)('agents API on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(() => t?.close());

  it('creates a push agent with the payload of the reference and answers its token', async () => {
    const res = await t.call('POST', '/api/agents', {
      name: 'My Dedicated Server 01',
      mode: 'push',
      push_url: 'http://10.0.0.5:9000',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      ID: expect.any(Number),
      name: 'My Dedicated Server 01',
      mode: 'push',
      push_url: 'http://10.0.0.5:9000',
      token: expect.stringMatching(/^[0-9a-f]{8}-/),
      enabled: true,
      online: false,
      gates: [],
      sessions: 0,
      CreatedAt: expect.any(String),
      UpdatedAt: expect.any(String),
    });
  });

  it('creates a redis agent without a push URL', async () => {
    const res = await t.call('POST', '/api/agents', {
      name: 'redis one',
      mode: 'redis',
      push_url: 'http://ignored:1',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ mode: 'redis', push_url: null });
  });

  it.each([
    ['mode', { name: 'x', mode: 'carrier-pigeon' }],
    ['push_url', { name: 'x', mode: 'push' }],
    ['push_url', { name: 'x', mode: 'push', push_url: 'ftp://10.0.0.5' }],
    ['push_url', { name: 'x', mode: 'push', push_url: 'not a url' }],
    ['name', { mode: 'redis' }],
    ['name', { name: '', mode: 'redis' }],
  ])('refuses a bad %s with 400 naming the field', async (field, body) => {
    const res = await t.call('POST', '/api/agents', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HUB_ERR_VALIDATION', field });
  });

  it('lists agents with their tokens and reads one', async () => {
    const created = (await t.call('POST', '/api/agents', { name: 'listed', mode: 'redis' })).json();
    const list = (await t.call('GET', '/api/agents')).json();
    expect(list).toContainEqual(created);
    expect((await t.call('GET', `/api/agents/${created.ID}`)).json()).toEqual(created);
    expect((await t.call('GET', '/api/agents/99999')).statusCode).toBe(404);
  });

  it('rotates the token and publishes only its hash', async () => {
    const created = (
      await t.call('POST', '/api/agents', { name: 'rotating', mode: 'redis' })
    ).json();
    const res = await t.call('POST', `/api/agents/${created.ID}/reset-token`);
    expect(res.statusCode).toBe(200);
    expect(res.json().token).not.toBe(created.token);
    expect((await t.call('GET', `/api/agents/${created.ID}`)).json().token).toBe(res.json().token);
    await t.hub.runtime.idle();
    const snapshot = await t.bus.readConfig();
    expect(JSON.stringify(snapshot)).not.toContain(res.json().token);
    expect(snapshot?.agents.find((a) => a.id === created.ID)?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    // With a JSON content type and an empty body as some clients send.
    const empty = await t.hub.app.inject({
      method: 'POST',
      url: `/api/agents/${created.ID}/reset-token`,
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(200);
  });

  it('updates name, enabled and mode; switching to push needs a URL', async () => {
    const created = (await t.call('POST', '/api/agents', { name: 'upd', mode: 'redis' })).json();
    const res = await t.call('PUT', `/api/agents/${created.ID}`, {
      name: 'renamed',
      enabled: false,
    });
    expect(res.json()).toMatchObject({
      name: 'renamed',
      enabled: false,
      mode: 'redis',
      token: created.token,
    });
    const noUrl = await t.call('PUT', `/api/agents/${created.ID}`, { mode: 'push' });
    expect(noUrl.statusCode).toBe(400);
    expect(noUrl.json().field).toBe('push_url');
    const push = await t.call('PUT', `/api/agents/${created.ID}`, {
      mode: 'push',
      push_url: 'https://link.example.com/push',
    });
    expect(push.json()).toMatchObject({ mode: 'push', push_url: 'https://link.example.com/push' });
    expect((await t.call('PUT', '/api/agents/99999', { name: 'x' })).statusCode).toBe(404);
  });

  it('refuses to delete an agent with routes unless cascade=true', async () => {
    const agent = (await t.call('POST', '/api/agents', { name: 'busy', mode: 'redis' })).json();
    const route = (
      await t.call('POST', '/api/routes', {
        domain: 'busy.example.com',
        target_ip: '10.0.0.1',
        target_port: 25565,
        agent_id: agent.ID,
      })
    ).json();
    const refused = await t.call('DELETE', `/api/agents/${agent.ID}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'HUB_ERR_AGENT_IN_USE' });
    expect((await t.call('GET', `/api/routes/${route.ID}`)).statusCode).toBe(200);

    const cascade = await t.call('DELETE', `/api/agents/${agent.ID}?cascade=true`);
    expect(cascade.json()).toEqual({ success: true });
    expect((await t.call('GET', `/api/routes/${route.ID}`)).statusCode).toBe(404);
    expect((await t.call('GET', `/api/agents/${agent.ID}`)).statusCode).toBe(404);
    expect((await t.call('DELETE', `/api/agents/${agent.ID}`)).statusCode).toBe(404);
  });

  it('deletes an agent without routes', async () => {
    const agent = (await t.call('POST', '/api/agents', { name: 'idle', mode: 'redis' })).json();
    expect((await t.call('DELETE', `/api/agents/${agent.ID}`)).statusCode).toBe(200);
  });

  it('stores and returns strings holding SQL or HTML literally', async () => {
    const name = `Robert'); DROP TABLE agents;-- <script>alert("x")</script> & 'quotes' "double"`;
    const res = await t.call('POST', '/api/agents', { name, mode: 'redis' });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe(name);
    expect((await t.call('GET', `/api/agents/${res.json().ID}`)).json().name).toBe(name);
    expect((await t.call('GET', '/api/agents')).statusCode).toBe(200);
  });

  it('audits every agent change with the actor and never the token', async () => {
    const agents = (await t.call('GET', '/api/agents')).json() as Array<{ token: string }>;
    const logs = (await t.call('GET', '/api/logs?limit=1000&source=audit')).json() as Array<{
      actor: string;
      message: string;
    }>;
    expect(logs.map((l) => l.message)).toEqual(
      expect.arrayContaining([
        'agent created',
        'agent updated',
        'agent token reset',
        'agent deleted',
        'route created',
      ]),
    );
    expect(logs.every((l) => l.actor === 'hub_admin' || l.message === 'admin user created')).toBe(
      true,
    );
    const text = JSON.stringify(logs);
    for (const a of agents) expect(text).not.toContain(a.token);
  });
});
