import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis, type RedisOptions } from 'ioredis';
import { generate } from 'selfsigned';
import { afterAll, afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Bus } from './bus.js';
import type { ConfigSnapshot, LinkView, LogEvent } from './types.js';
import { createRedisBus, type RedisBusOptions } from './redis-bus.js';
import { gateAclRules, hubAclRules, linkAclRules } from './redis-acl.js';
import { createLogger, silentLogger, type Logger } from '../shared/logger.js';
import { hasCode } from '../shared/errors.js';
import {
  REDIS_URL_TEST,
  adminConnection,
  dropPrefix,
  eventually,
  eventuallyAsync,
  gatePresence,
  linkView,
  sleep,
  uniquePrefix,
} from './redis-test-support.js';

const snapshot = (version: number, routes = 1): ConfigSnapshot => ({
  version,
  routes: Array.from({ length: routes }, (_, i) => ({
    id: i + 1,
    domain: `s${i + 1}.example.com`,
    targetIp: '10.0.0.5',
    targetPort: 25565,
    agentId: 7,
    proxyProtocol: false,
  })),
  agents: [{ id: 7, name: 'box', mode: 'redis', enabled: true, tokenHash: 'ab'.repeat(32) }],
});

/** A logger whose JSON lines the test can read. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({
      level: 'debug',
      destination: { write: (s: string) => void lines.push(s) },
    }),
  };
}

const admin = adminConnection();
const prefixes: string[] = [];
const aclUsers: string[] = [];
const open: Bus[] = [];

function newPrefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}

async function bus(prefix: string, over: Partial<RedisBusOptions> = {}): Promise<Bus> {
  const b = await createRedisBus({ url: REDIS_URL_TEST, prefix, log: silentLogger(), ...over });
  open.push(b);
  return b;
}

/** REDIS_URL_TEST with a user and password put in. */
function urlFor(user: string, password: string, base = REDIS_URL_TEST): string {
  const u = new URL(base);
  u.username = user;
  u.password = password;
  return u.toString();
}

async function aclUser(rules: string[], password: string): Promise<string> {
  const name = `gl_test_${randomBytes(4).toString('hex')}`;
  aclUsers.push(name);
  await admin.call('ACL', 'SETUSER', name, 'reset', 'on', `>${password}`, ...rules);
  return name;
}

/** Client ids of this process's connections named `<name>-…`. */
async function clientIds(name: string, role?: string): Promise<string[]> {
  const list = (await admin.call('CLIENT', 'LIST')) as string;
  return list
    .split('\n')
    .filter((line) => {
      const n = /\bname=(\S*)/.exec(line)?.[1] ?? '';
      return role ? n === `${name}-${role}` : n.startsWith(`${name}-`);
    })
    .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? '')
    .filter(Boolean);
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

afterAll(async () => {
  for (const p of prefixes) await dropPrefix(admin, p);
  for (const u of aclUsers) await admin.call('ACL', 'DELUSER', u).catch(() => undefined);
  admin.disconnect();
});

describe('redis bus: values it did not write', () => {
  it('skips a malformed snapshot, keeps serving the last good one, and takes the next good one', async () => {
    const prefix = newPrefix('malformed');
    const { log, lines } = capturingLogger();
    const publisher = await bus(prefix);
    const follower = await bus(prefix, { log });
    const seen: number[] = [];
    follower.watchConfig((s) => seen.push(s.version));
    await publisher.publishConfig(snapshot(1));
    await eventually(() => seen.length === 1, 'version 1');

    await admin.hset(`${prefix}config`, 'version', '2', 'snapshot', '{"version": 2, "routes": [');
    await admin.publish(`${prefix}config`, '2');
    await eventually(() => lines.some((l) => l.includes('malformed config snapshot')), 'a warning');
    expect(seen).toEqual([1]);

    await publisher.publishConfig(snapshot(3));
    await eventually(() => seen.length === 2, 'version 3');
    expect(seen).toEqual([1, 3]);
  });

  it('warns, naming the key, when the config key holds another type, and recovers once it is fixed', async () => {
    const prefix = newPrefix('wrongtype');
    const { log, lines } = capturingLogger();
    const publisher = await bus(prefix);
    const follower = await bus(prefix, { log, checkIntervalMs: 200 });
    const seen: number[] = [];
    follower.watchConfig((s) => seen.push(s.version));
    await publisher.publishConfig(snapshot(1));
    await eventually(() => seen.length === 1, 'version 1');

    await admin.del(`${prefix}config`);
    await admin.set(`${prefix}config`, 'a string where a hash belongs');
    await admin.publish(`${prefix}config`, 'x');
    await eventually(
      () =>
        lines.some((l) => l.includes('"level":40') && l.includes(`cannot read ${prefix}config`)),
      'a warning naming the key',
    );
    await sleep(600);
    // Repeated failures of the periodic check are not repeated in the log.
    expect(lines.filter((l) => l.includes('cannot read')).length).toBe(1);

    await admin.del(`${prefix}config`);
    await publisher.publishConfig(snapshot(2));
    await eventually(() => seen.includes(2), 'version 2 once the key is fixed');
    expect(seen).toEqual([1, 2]);
  });

  it('drops only the malformed routes and agents of a snapshot', async () => {
    const prefix = newPrefix('partial');
    const { log, lines } = capturingLogger();
    const reader = await bus(prefix, { log });
    const good = snapshot(4, 2);
    const foreign = {
      ...good,
      routes: [...good.routes, { id: 'three', domain: 7 }, null],
      agents: [
        ...good.agents,
        { id: 8, name: 'x', mode: 'carrier-pigeon', enabled: true, tokenHash: '' },
      ],
    };
    await admin.hset(`${prefix}config`, 'version', '4', 'snapshot', JSON.stringify(foreign));
    expect(await reader.readConfig()).toEqual(good);
    expect(lines.some((l) => l.includes('skipped 2 malformed route(s)'))).toBe(true);
    expect(lines.some((l) => l.includes('skipped 1 malformed agent(s)'))).toBe(true);
  });

  it('lists the well-formed Gates when another entry is garbage', async () => {
    const prefix = newPrefix('gates');
    const reader = await bus(prefix);
    await reader.announceGate(gatePresence('good'), 10_000);
    await admin.set(`${prefix}gate:bad`, 'not json', 'PX', 10_000);
    await admin.zadd(`${prefix}gates`, Date.now(), 'bad');
    await admin.set(
      `${prefix}gate:liar`,
      JSON.stringify(gatePresence('someone-else')),
      'PX',
      10_000,
    );
    await admin.zadd(`${prefix}gates`, Date.now(), 'liar');
    expect((await reader.listGates()).map((g) => g.id)).toEqual(['good']);
  });

  it('skips a malformed view, a foreign traffic field and a foreign log entry', async () => {
    const prefix = newPrefix('foreign');
    const reader = await bus(prefix);
    const hash = 'aa'.repeat(32);
    await admin.set(`${prefix}view:${hash}`, '[1,2,3]');
    expect(await reader.readLinkView(hash)).toBeNull();

    await reader.addTraffic({
      gateId: 'g1',
      routes: [{ routeId: 1, agentId: 2, connections: 1, bytesIn: 5, bytesOut: 6, errors: 0 }],
    });
    await admin.hset(`${prefix}traffic`, 'junk', 'x', '1|bytesIn|g2', 'lots');
    expect(await reader.readTraffic()).toEqual([
      { gateId: 'g1', routeId: 1, agentId: 2, connections: 1, bytesIn: 5, bytesOut: 6, errors: 0 },
    ]);

    const seen: LogEvent[] = [];
    reader.watchLogs((e) => seen.push(e));
    await admin.xadd(`${prefix}logs`, '*', 'e', '{"level":"loud"}');
    await admin.xadd(`${prefix}logs`, '*', 'other', 'field');
    const ok: LogEvent = { time: 5, level: 'warn', source: 'gate:g1', message: 'after the junk' };
    await reader.publishLog(ok);
    await eventually(() => seen.length === 1, 'the good event');
    await sleep(100);
    expect(seen).toEqual([ok]);
  });
});

describe('redis bus: two hosts on one Redis', () => {
  it('keeps the newest snapshot whatever order concurrent publishers write in', async () => {
    const prefix = newPrefix('order');
    const [a, b, watcher] = [await bus(prefix), await bus(prefix), await bus(prefix)];
    const seen: number[] = [];
    watcher.watchConfig((s) => seen.push(s.version));
    const versions = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(versions.map((v, i) => (i % 2 ? a : b).publishConfig(snapshot(v))));
    expect((await watcher.readConfig())?.version).toBe(30);
    await eventually(() => seen.at(-1) === 30, 'version 30');
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });

  it("sees the other host's config, gates, views, traffic and leases", async () => {
    const prefix = newPrefix('hosts');
    const hub = await bus(prefix);
    const gate = await bus(prefix);
    const hash = 'bb'.repeat(32);

    const configs: number[] = [];
    gate.watchConfig((s) => configs.push(s.version));
    const gates: string[][] = [];
    hub.watchGates((list) => gates.push(list.map((g) => g.id)));
    const views: (LinkView | null)[] = [];
    gate.watchLinkView(hash, (v) => views.push(v));

    await hub.publishConfig(snapshot(8));
    await gate.announceGate(gatePresence('eu-1'), 5000);
    await hub.publishLinkView(hash, linkView(8));
    await eventually(() => configs.includes(8), 'the config on the gate');
    await eventually(() => gates.at(-1)?.join() === 'eu-1', 'the gate on the hub');
    await eventually(() => views.at(-1)?.version === 8, 'the view');

    const delta = { routeId: 1, agentId: 7, connections: 1, bytesIn: 10, bytesOut: 20, errors: 0 };
    await gate.addTraffic({ gateId: 'eu-1', routes: [delta] });
    await hub.addTraffic({ gateId: 'eu-1', routes: [delta] });
    expect(await hub.readTraffic()).toEqual([
      { gateId: 'eu-1', ...delta, connections: 2, bytesIn: 20, bytesOut: 40 },
    ]);

    expect(await hub.lease('publisher', 'hub-a', 5000)).toBe(true);
    expect(await gate.lease('publisher', 'hub-b', 5000)).toBe(false);

    await gate.withdrawGate('eu-1');
    await eventually(() => gates.at(-1)?.length === 0, 'the withdrawal on the hub');
  });

  it('hands every log event to exactly one of several Hubs', async () => {
    const prefix = newPrefix('logs');
    const gate = await bus(prefix);
    const hubs = [await bus(prefix), await bus(prefix)];
    const got: string[][] = [[], []];
    hubs.forEach((h, i) => h.watchLogs((e) => got[i]?.push(e.message)));
    await sleep(200);
    const messages = Array.from({ length: 40 }, (_, i) => `event ${i}`);
    for (const message of messages) {
      await gate.publishLog({ time: Date.now(), level: 'info', source: 'gate:eu-1', message });
      if (Number(message.slice(6)) % 10 === 0) await sleep(30);
    }
    await eventually(() => (got[0]?.length ?? 0) + (got[1]?.length ?? 0) >= 40, 'all events');
    await sleep(300);
    const all = [...(got[0] ?? []), ...(got[1] ?? [])];
    expect(all.sort()).toEqual([...messages].sort());
  });

  it('keeps events written while no Hub was watching, for the next Hub', async () => {
    const prefix = newPrefix('backlog');
    const gate = await bus(prefix);
    const hub = await bus(prefix);
    const first: string[] = [];
    const stop = hub.watchLogs((e) => first.push(e.message));
    await gate.publishLog({ time: 1, level: 'info', source: 'gate:g', message: 'one' });
    await eventually(() => first.length === 1, 'the first event');
    stop();
    await sleep(100);
    await gate.publishLog({ time: 2, level: 'info', source: 'gate:g', message: 'while away' });
    const later = await bus(prefix);
    const second: string[] = [];
    later.watchLogs((e) => second.push(e.message));
    await eventually(() => second.length === 1, 'the backlog');
    expect(second).toEqual(['while away']);
  });
});

describe('redis bus: connections that drop', () => {
  it('re-reads after its connections are killed, without waiting for the periodic check', async () => {
    const prefix = newPrefix('killed');
    const name = `gltest-${randomBytes(3).toString('hex')}`;
    const hub = await bus(prefix);
    const gate = await bus(prefix, {
      clientName: name,
      checkIntervalMs: 60_000,
      gatePollMs: 60_000,
    });
    const seen: number[] = [];
    gate.watchConfig((s) => seen.push(s.version));
    await hub.publishConfig(snapshot(1));
    await eventually(() => seen.length === 1, 'version 1');

    // Kill every connection of the gate's bus, then change the config while it is away.
    const ids = await clientIds(name);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
    await hub.publishConfig(snapshot(2));
    const took = await eventually(() => seen.includes(2), 'version 2 after the reconnect', 5000);
    expect(took).toBeLessThan(5000);
    console.info(`connections killed: change seen ${took} ms later`);

    // Only the subscription this time: the command connection never noticed anything.
    // The subscriber re-names itself once it is back from the first kill: wait for it.
    let subscriber: string | undefined;
    await eventuallyAsync(async () => {
      [subscriber] = await clientIds(name, 'bus-subscriber');
      return subscriber !== undefined;
    }, 'the subscriber back under its name');
    await admin.call('CLIENT', 'KILL', 'ID', subscriber!);
    await hub.publishConfig(snapshot(3));
    await eventually(() => seen.includes(3), 'version 3 after the subscriber came back', 5000);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('fails a command after a bounded wait while Redis is unreachable, and closes cleanly', async () => {
    const port = await freePort();
    const lonely = await bus(newPrefix('down'), { url: `redis://127.0.0.1:${port}` });
    const started = Date.now();
    await expect(lonely.readConfig()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects a URL that is not redis:// or rediss://', async () => {
    await expect(
      createRedisBus({ url: 'http://127.0.0.1:6379', prefix: 'x:', log: silentLogger() }),
    ).rejects.toSatisfy((err) => hasCode(err, 'BUS_ERR_BAD_URL'));
  });
});

describe('redis bus: a Redis server that restarts empty', () => {
  let server: ChildProcess | null = null;
  afterEach(() => {
    server?.kill('SIGKILL');
    server = null;
  });

  it('puts config, views and presence back, resyncs within 5 s, and never tells a Link its view is gone', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    server = await startRedis(port);
    const prefix = 'gatelink:';
    const hub = await bus(prefix, { url });
    const gate = await bus(prefix, { url, checkIntervalMs: 60_000 });
    const link = await bus(prefix, { url, checkIntervalMs: 60_000 });
    const hash = 'cc'.repeat(32);
    const views: number[] = [];
    link.watchLinkView(hash, (v) => views.push(v?.version ?? -1));
    await eventually(() => views.length === 1, 'no view yet');
    await hub.publishConfig(snapshot(5));
    await hub.publishLinkView(hash, linkView(5));
    await gate.announceGate(gatePresence('eu-1'), 60_000);
    await eventually(() => views.includes(5), 'the view');

    server.kill('SIGKILL');
    await new Promise((r) => server?.once('exit', r));
    server = await startRedis(port);

    // The Hub and the Gate re-published on reconnect: what the empty server lost is back.
    let config: ConfigSnapshot | null = null;
    const took = await eventuallyAsync(async () => {
      config = await gate.readConfig().catch(() => null);
      return config !== null;
    }, 'the config to be back');
    expect(took).toBeLessThan(5000);
    console.info(`redis restart: config readable again ${took} ms after the server was back`);
    expect(config).toEqual(snapshot(5));
    await eventuallyAsync(
      async () => (await hub.listGates().catch(() => [])).length === 1,
      'the gate presence to be back',
    );
    expect(await link.readLinkView(hash)).toEqual(linkView(5));

    // The followers follow the next change at once, and the Link never saw its view vanish.
    await hub.publishLinkView(hash, linkView(6));
    await eventually(() => views.includes(6), 'the next view', 5000);
    expect(views).toEqual([-1, 5, 6]);
  });

  it('does not put back a view that another Hub has deleted since', async () => {
    const prefix = newPrefix('deleted');
    const name = `gltest-${randomBytes(3).toString('hex')}`;
    const formerLeader = await bus(prefix, { clientName: name });
    const leader = await bus(prefix);
    const link = await bus(prefix);
    const hash = 'ab'.repeat(32);
    await formerLeader.publishConfig(snapshot(1));
    await formerLeader.publishLinkView(hash, linkView(1));
    const views: number[] = [];
    link.watchLinkView(hash, (v) => views.push(v?.version ?? -1));
    await eventually(() => views.includes(1), 'the view');

    await leader.publishConfig(snapshot(1));
    await leader.publishLinkView(hash, null);
    await eventually(() => views.at(-1) === -1, 'the deletion');

    for (const id of await clientIds(name)) await admin.call('CLIENT', 'KILL', 'ID', id);
    await sleep(1000); // time for its reconnect and re-publication
    expect(await link.readLinkView(hash)).toBeNull();
    expect(views).toEqual([1, -1]);
  });
});

describe('redis bus: TLS', () => {
  let server: ChildProcess | null = null;
  afterEach(() => {
    server?.kill('SIGKILL');
    server = null;
  });

  it('talks to a TLS-only Redis over rediss:// and refuses a certificate it cannot verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-redis-tls-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    const port = await freePort();
    server = await startRedis(
      port,
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        join(dir, 'cert.pem'),
        '--tls-key-file',
        join(dir, 'key.pem'),
        '--tls-auth-clients',
        'no',
      ],
      { tls: { ca: pems.cert } },
    );
    const url = `rediss://127.0.0.1:${port}`;

    const a = await bus('gatelink:', { url, tlsCa: pems.cert });
    const b = await bus('gatelink:', { url, tlsCa: pems.cert });
    const seen: number[] = [];
    b.watchConfig((s) => seen.push(s.version));
    await a.publishConfig(snapshot(4));
    await eventually(() => seen.includes(4), 'the config over TLS');

    const { log, lines } = capturingLogger();
    const untrusting = await bus('gatelink:', { url, log });
    await expect(untrusting.readConfig()).rejects.toThrow();
    expect(lines.some((l) => /certificate/i.test(l))).toBe(true);
  });
});

describe('redis bus: credentials and ACLs', () => {
  it('logs a clear authentication error without the password, keeps retrying, and works once right', async () => {
    const prefix = newPrefix('auth');
    const user = await aclUser([`~${prefix}*`, `&${prefix}*`, '+@all'], 'right-horse-battery');
    const { log, lines } = capturingLogger();
    const wrong = await bus(prefix, { url: urlFor(user, 'wr0ng-staple-secret'), log });
    wrong.watchConfig(() => undefined);
    await eventually(
      () => lines.some((l) => l.includes('authentication failed')),
      'the auth error',
    );
    await sleep(2500);
    const authLines = lines.filter((l) => l.includes('authentication failed'));
    // One line per connection, not one per retry.
    expect(authLines.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(authLines[0] ?? '{}')).toMatchObject({ level: 50, user });
    expect(lines.join('\n')).not.toContain('wr0ng-staple-secret');
    await expect(wrong.readConfig()).rejects.toThrow();

    const right = await bus(prefix, { url: urlFor(user, 'right-horse-battery') });
    const seen: number[] = [];
    wrong.watchConfig((s) => seen.push(s.version));
    await right.publishConfig(snapshot(1));
    expect((await right.readConfig())?.version).toBe(1);

    // Fixing the user on the Redis side is enough: the running bus gets in on its next retry.
    await admin.call('ACL', 'SETUSER', user, '>wr0ng-staple-secret');
    await eventually(() => seen.includes(1), 'the retrying bus to read the config', 5000);
    expect(lines.some((l) => l.includes('redis connection established'))).toBe(true);
  });

  it('closes every connection it opened', async () => {
    const name = `gltest-${randomBytes(3).toString('hex')}`;
    const b = await createRedisBus({
      url: REDIS_URL_TEST,
      prefix: newPrefix('close'),
      log: silentLogger(),
      clientName: name,
    });
    b.watchConfig(() => undefined);
    b.watchLogs(() => undefined);
    await eventuallyAsync(async () => (await clientIds(name)).length === 3, 'three connections');
    await b.close();
    await eventuallyAsync(async () => (await clientIds(name)).length === 0, 'none left', 2000);
  });

  it('works under the documented least-privilege ACL of each role', async () => {
    const prefix = newPrefix('acl');
    const hash = 'dd'.repeat(32);
    const hubUser = await aclUser(hubAclRules(prefix), 'hub-pw');
    const gateUser = await aclUser(gateAclRules(prefix), 'gate-pw');
    const linkUser = await aclUser(linkAclRules(prefix, hash), 'link-pw');
    const hub = await bus(prefix, { url: urlFor(hubUser, 'hub-pw') });
    const gate = await bus(prefix, { url: urlFor(gateUser, 'gate-pw') });
    const link = await bus(prefix, { url: urlFor(linkUser, 'link-pw') });

    const logs: string[] = [];
    hub.watchLogs((e) => logs.push(e.message));
    const gates: number[] = [];
    hub.watchGates((g) => gates.push(g.length));
    const configs: number[] = [];
    gate.watchConfig((s) => configs.push(s.version));
    const views: (number | null)[] = [];
    link.watchLinkView(hash, (v) => views.push(v?.version ?? null));

    await hub.publishConfig(snapshot(2));
    await hub.publishLinkView(hash, linkView(2));
    await gate.announceGate(gatePresence('g1'), 300);
    await gate.announceGate(gatePresence('g2'), 10_000);
    await gate.addTraffic({
      gateId: 'g1',
      routes: [{ routeId: 1, agentId: 7, connections: 1, bytesIn: 1, bytesOut: 1, errors: 0 }],
    });
    await gate.publishLog({ time: 1, level: 'info', source: 'gate:g1', message: 'hello hub' });
    expect(await hub.lease('duty', 'hub-a', 1000)).toBe(true);

    await eventually(() => configs.includes(2), 'the config on the gate');
    await eventually(() => views.includes(2), 'the view on the link');
    await eventually(() => logs.includes('hello hub'), 'the log on the hub');
    await eventually(() => gates.includes(2), 'two gates on the hub');
    await sleep(400);
    expect((await gate.listGates()).map((g) => g.id)).toEqual(['g2']); // the Gate pruned the lapsed one
    expect(await hub.readTraffic()).toHaveLength(1);

    // What each role must not do.
    await expect(gate.publishConfig(snapshot(99))).rejects.toThrow(/NOPERM/);
    await expect(gate.readLinkView(hash)).rejects.toThrow(/NOPERM/);
    await expect(link.readConfig()).rejects.toThrow(/NOPERM/);
    await expect(link.readLinkView('ee'.repeat(32))).rejects.toThrow(/NOPERM/);
    await expect(link.publishLinkView(hash, linkView(100))).rejects.toThrow(/NOPERM/);
    expect((await hub.readConfig())?.version).toBe(2);
  });
});

describe('redis bus: the deployment Redis script', () => {
  let server: ChildProcess | null = null;
  afterEach(() => {
    server?.kill('SIGKILL');
    server = null;
  });

  it('creates the same ACL users as the documented rules', async () => {
    const port = await freePort();
    const script = fileURLToPath(new URL('../../deploy/redis/start-redis.sh', import.meta.url));
    const passwords = { hub: 'h-pw', gate: 'g-pw', link: 'l-pw' };
    const child = spawn(
      'sh',
      [
        script,
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        tmpdir(),
        '--user',
        'gl-admin',
        'on',
        '>admin-pw',
        '~*',
        '&*',
        '+@all',
      ],
      {
        stdio: 'ignore',
        env: {
          ...process.env,
          REDIS_HUB_PASSWORD: passwords.hub,
          REDIS_GATE_PASSWORD: passwords.gate,
          REDIS_LINK_PASSWORD: passwords.link,
        },
      },
    );
    server = child;
    const adminUrl = `redis://gl-admin:admin-pw@127.0.0.1:${port}`;
    const probe = new Redis(adminUrl, { maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    try {
      await eventually(() => probe.status === 'ready', 'the scripted redis', 5000);
      const p = 'gatelink:';
      const expected: [string, string, string[]][] = [
        ['gatelink-hub', passwords.hub, hubAclRules(p)],
        ['gatelink-gate', passwords.gate, gateAclRules(p)],
        ['gatelink-link', passwords.link, linkAclRules(p)],
      ];
      for (const [user, password, rules] of expected) {
        await probe.call('ACL', 'SETUSER', `ref-${user}`, 'on', `>${password}`, ...rules);
        const scripted = await probe.call('ACL', 'GETUSER', user);
        const reference = await probe.call('ACL', 'GETUSER', `ref-${user}`);
        expect(scripted, user).toEqual(reference);
      }
      // The password-less default user is off.
      const anonymous = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0 });
      anonymous.on('error', () => undefined);
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      anonymous.disconnect();
    } finally {
      probe.disconnect();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A throw-away Redis on loopback, nothing kept on disk. */
async function startRedis(
  port: number,
  extra: string[] = [],
  probeOptions: RedisOptions = {},
): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn('redis-server', [...args, '--dir', tmpdir(), ...extra], { stdio: 'ignore' });
  const probe = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, ...probeOptions });
  probe.on('error', () => undefined);
  try {
    await eventually(() => probe.status === 'ready', 'the private redis to start', 5000);
  } catch (err) {
    child.kill('SIGKILL'); // never leave a server behind when the test gives up on it
    throw err;
  } finally {
    probe.disconnect();
  }
  return child;
}
