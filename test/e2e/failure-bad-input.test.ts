/**
 * Values in Redis that Gatelink did not write, and Redis credentials that are wrong, against
 * Hub, Gate and Link processes: each foreign value is skipped and logged, nothing exits, the
 * config in use is kept and later changes still get through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  Cluster,
  SHARED_REDIS_URL,
  uniquePrefix,
  type GatePart,
  type HubPart,
} from './cluster/cluster.js';
import type { PartProcess } from './cluster/part-process.js';
import { loginProbe, startEchoBackend, type EchoBackend } from './cluster/probes.js';
import { OwnRedis } from './cluster/redis-server.js';
import { sleep, waitFor } from './cluster/wait.js';
import { hashToken } from '../../src/shared/token-hash.js';
import type { RouteJson } from './support/hub-api.js';
import { localRoute } from './support/hub-api.js';

const WARN = 40;
const ERROR = 50;
const NO_ROUTE = /No server is configured/;
const OFFLINE = /offline right now/;

describe('foreign values in Redis (processes, real Redis)', () => {
  const cluster = Cluster.forSuite('failure-bad-input');
  const prefix = cluster.prefix;
  const redis = new Redis(SHARED_REDIS_URL);
  const configKey = `${prefix}config`;
  let hub: HubPart;
  let gate: GatePart;
  let link: PartProcess;
  let echo: EchoBackend;
  let agentId = 0;
  let token = '';

  const relays = async (domain: string) =>
    (await loginProbe(gate.playerPort, domain, 3000)).relayed;
  const alive = () => {
    for (const part of [hub.proc, gate.proc, link])
      expect(part.exit, `${part.kind} exited:\n${part.output.slice(-2000)}`).toBeNull();
  };

  beforeAll(async () => {
    echo = await startEchoBackend();
    hub = await cluster.startHub();
    gate = await cluster.startGate('gate-b1');
    const agent = await hub.api.createAgent({ name: 'bad-input', mode: 'redis' });
    agentId = agent.ID;
    token = agent.token;
    await hub.api.createRoute(localRoute('ok.example.com', echo.port, agentId));
    link = cluster.startRedisLink(token, 'link-b1');
    await gate.proc.waitForLog('link connected', {
      fields: { linkId: 'link-b1' },
      timeoutMs: 20_000,
    });
    await waitFor(() => relays('ok.example.com'), {
      timeoutMs: 10_000,
      what: 'ok.example.com relayed',
    });
  });

  afterAll(async () => {
    await echo?.close();
    await cluster.dispose();
    redis.disconnect();
  });

  it('skips and logs a config snapshot that is not JSON, and keeps routing', async () => {
    const from = gate.proc.lines.length;
    await redis.hset(configKey, 'snapshot', '{"version": 1, this is not json');
    await redis.publish(configKey, 'x');
    const line = await gate.proc.waitForLog('redis bus: skipped a malformed config snapshot', {
      from,
      timeoutMs: 5000,
    });
    expect(line).toMatchObject({ level: WARN, key: configKey });
    expect(await relays('ok.example.com')).toBe(true);
    alive();
  });

  it('drops one malformed route of a snapshot and applies the rest', async () => {
    const version = Number(await redis.hget(configKey, 'version'));
    const [ok] = await hub.api.ok<RouteJson[]>('GET', '/api/routes');
    const okRoute = {
      id: ok!.ID,
      domain: ok!.domain,
      targetIp: ok!.target_ip,
      targetPort: ok!.target_port,
      agentId,
      proxyProtocol: false,
    };
    const snapshot = {
      version: version + 1,
      routes: [
        okRoute,
        { id: 'seven', domain: 7, targetIp: null },
        {
          id: ok!.ID + 1000,
          domain: 'extra.example.com',
          targetIp: '127.0.0.1',
          targetPort: echo.port,
          agentId,
          proxyProtocol: false,
        },
      ],
      agents: [
        {
          id: agentId,
          name: 'bad-input',
          mode: 'redis',
          enabled: true,
          tokenHash: hashToken(token),
        },
      ],
    };
    const from = gate.proc.lines.length;
    await redis.hset(
      configKey,
      'version',
      String(version + 1),
      'snapshot',
      JSON.stringify(snapshot),
    );
    await redis.publish(configKey, String(version + 1));
    const line = await gate.proc.waitForLog(/redis bus: skipped 1 malformed route/, {
      from,
      timeoutMs: 5000,
    });
    expect(line).toMatchObject({ level: WARN, key: configKey, skipped: 1 });
    // The route next to the bad one is known to the Gate (its Link does not serve it: offline,
    // not "no route"), and the route in use keeps working.
    await waitFor(
      async () => {
        const outcome = await loginProbe(gate.playerPort, 'extra.example.com', 3000);
        return !outcome.relayed && OFFLINE.test(outcome.disconnect);
      },
      { timeoutMs: 5000, what: 'the valid route beside the malformed one' },
    );
    expect(await relays('ok.example.com')).toBe(true);

    // The Hub's next change replaces the foreign snapshot.
    await hub.api.createRoute(localRoute('later.example.com', echo.port, agentId));
    await waitFor(() => relays('later.example.com'), {
      timeoutMs: 5000,
      what: 'a route created after the foreign snapshot',
    });
    const extra = await loginProbe(gate.playerPort, 'extra.example.com', 3000);
    expect(extra).toEqual({ relayed: false, disconnect: expect.stringMatching(NO_ROUTE) });
    alive();
  });

  it('keeps routing and logs when the config key holds a value of another type', async () => {
    const from = gate.proc.lines.length;
    await redis.del(configKey);
    await redis.set(configKey, 'a string where a hash belongs');
    await redis.publish(configKey, 'x');
    for (let i = 0; i < 5; i++) {
      expect(await relays('ok.example.com')).toBe(true);
      await sleep(300);
    }
    alive();
    // Put right by removing the foreign value: the Hub re-publishes on its own.
    await redis.del(configKey);
    await hub.api.createRoute(localRoute('after-type.example.com', echo.port, agentId));
    await waitFor(() => relays('after-type.example.com'), {
      timeoutMs: 10_000,
      what: 'a route created after the key was cleaned',
    });
    expect(await relays('ok.example.com')).toBe(true);
    // Checked last so the recovery above is shown even when this fails.
    const warned = gate.proc.lines
      .slice(from)
      .filter((l) => (l.level ?? 0) >= WARN && JSON.stringify(l).includes(configKey));
    expect(
      warned.length,
      'a warning naming the config key that holds a foreign type',
    ).toBeGreaterThan(0);
  });

  it('skips and logs foreign Gate presences and a malformed Link view', async () => {
    const hubFrom = hub.proc.lines.length;
    const linkFrom = link.lines.length;
    const now = Date.now();
    await redis.set(`${prefix}gate:intruder`, 'not json at all', 'PX', 60_000);
    await redis.set(
      `${prefix}gate:impostor`,
      JSON.stringify({ id: 'impostor', tunnelAddr: 42 }),
      'PX',
      60_000,
    );
    await redis.zadd(`${prefix}gates`, now, 'intruder', now, 'impostor');
    await redis.publish(`${prefix}gates`, 'intruder');
    const presence = await hub.proc.waitForLog('redis bus: skipped a malformed gate presence', {
      from: hubFrom,
      timeoutMs: 5000,
    });
    expect(presence.level).toBe(WARN);
    const gates = await hub.api.ok<Array<{ ID: string; online: boolean }>>('GET', '/api/gates');
    expect(gates.filter((g) => g.online).map((g) => g.ID)).toEqual(['gate-b1']);

    const viewKey = `${prefix}view:${hashToken(token)}`;
    const good = await redis.get(viewKey);
    await redis.set(viewKey, '["not", "a", "view"]');
    await redis.publish(viewKey, '1');
    const view = await link.waitForLog('redis bus: skipped a malformed link view', {
      from: linkFrom,
      timeoutMs: 5000,
    });
    expect(view.level).toBe(WARN);
    expect(await relays('ok.example.com')).toBe(true);
    // The Hub puts the real view back with its next change; the Link follows.
    if (good) await redis.set(viewKey, good);
    await hub.api.createRoute(localRoute('after-view.example.com', echo.port, agentId));
    await waitFor(() => relays('after-view.example.com'), {
      timeoutMs: 5000,
      what: 'a route created after the bad view',
    });
    alive();
  });
});

describe('a Gate with wrong Redis credentials (process, own redis-server)', () => {
  let redis: OwnRedis;
  let cluster: Cluster;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    cluster = new Cluster(redis.url(), uniquePrefix('failure-auth'));
    const admin = redis.client();
    await admin.call('ACL', 'SETUSER', 'gl-gate', 'on', '>right-password', '~*', '&*', '+@all');
    admin.disconnect();
  });

  afterAll(async () => {
    await cluster?.close();
    await redis?.kill();
  });

  it('says which user was refused, never the password, keeps retrying, and connects once the user is fixed', async () => {
    const gate = await cluster.startGate('gate-auth', {
      redisUrl: redis.url('gl-gate', 'wrong-password'),
    });
    const refused = await gate.proc.waitForLog(/redis authentication failed for user "gl-gate"/, {
      timeoutMs: 10_000,
    });
    expect(refused).toMatchObject({ level: ERROR, user: 'gl-gate' });
    expect(String(refused.msg)).toMatch(/check the username and password/);
    await sleep(3000);
    expect(gate.proc.exit).toBeNull();
    expect(gate.proc.output).not.toContain('wrong-password');
    // Not once per retry (every 2 s): at most one line per connection in this window.
    expect(gate.proc.find(/redis authentication failed/).length).toBeLessThanOrEqual(3);

    const admin = redis.client();
    await admin.call('ACL', 'SETUSER', 'gl-gate', '>wrong-password');
    const fixed = Date.now();
    await gate.proc.waitForLog('redis connection established', { timeoutMs: 10_000 });
    await waitFor(async () => (await admin.exists(`${cluster.prefix}gate:gate-auth`)) === 1, {
      timeoutMs: 10_000,
      what: 'the Gate announcing itself',
    });
    console.info(
      `[figures] wrong redis password fixed on the server: Gate announced ${Date.now() - fixed} ms later`,
    );
    admin.disconnect();
    expect(gate.proc.exit).toBeNull();
  }, 40_000);
});
