import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataPlaneState } from './data-plane-state.js';
import { bumpConfigVersion } from './db/config-version.js';
import { openDatabase, type HubDb } from './db/database.js';
import { createAgentsService } from './services/agents-service.js';
import { createRoutesService } from './services/routes-service.js';
import { createStateCache } from './state-cache.js';
import {
  createTestDatabase,
  DATABASE_KINDS,
  type TestDatabase,
} from './test-support/test-database.js';

describe.each(DATABASE_KINDS)('incremental data-plane state on %s', (kind) => {
  let dir: string;
  let database: TestDatabase;
  let hubDb: HubDb;
  let other: HubDb;
  let reloads = 0;
  let cache: ReturnType<typeof createStateCache>;
  let routes: ReturnType<typeof createRoutesService>;
  let agents: ReturnType<typeof createAgentsService>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hub-state-'));
    database = await createTestDatabase(kind, join(dir, 'hub.db'));
    hubDb = await openDatabase(database.url);
    other = await openDatabase(database.url);
    // No age limit: every change must come from the recorded deltas or a detected gap.
    cache = createStateCache(hubDb.db, { maxAgeMs: 3_600_000, onReload: () => reloads++ });
    const onChange = cache.record;
    routes = createRoutesService({ db: hubDb.db, onChange });
    agents = createAgentsService({ db: hubDb.db, onChange, presence: async () => new Map() });
  });
  afterAll(async () => {
    await hubDb?.close();
    await other?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = async () => expect(await cache.load()).toEqual(await loadDataPlaneState(hubDb.db));

  it('matches a full read after every kind of change, without reloading', async () => {
    await same();
    const before = reloads;
    // A small deterministic generator, so a failure replays the same sequence.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const agentIds: number[] = [];
    const routeIds: number[] = [];
    for (let step = 0; step < 80; step++) {
      const op = agentIds.length === 0 ? 0 : rand(8);
      const agentId = agentIds[rand(agentIds.length)] ?? 0;
      const routeId = routeIds[rand(routeIds.length)];
      if (op === 0) {
        const a = await agents.create(
          { name: `a${step}`, mode: rand(2) ? 'redis' : 'push', push_url: 'http://10.0.0.5:9000' },
          't',
        );
        agentIds.push(a.ID);
      } else if (op === 1) {
        await agents.update(agentId, { enabled: rand(2) === 0, name: `renamed-${step}` }, 't');
      } else if (op === 2) {
        await agents.resetToken(agentId, 't');
      } else if (op <= 4 || routeId === undefined) {
        const r = await routes.create(
          {
            domain: `s${step}.example.com`,
            target_ip: '10.0.0.1',
            target_port: 1000 + step,
            agent_id: agentId,
          },
          't',
        );
        routeIds.push(r.ID);
      } else if (op === 5) {
        await routes.update(
          routeId,
          { target_port: 2000 + step, agent_id: agentId, proxy_protocol: true },
          't',
        );
      } else if (op === 6) {
        await routes.remove(routeId, 't');
        routeIds.splice(routeIds.indexOf(routeId), 1);
      } else if (agentIds.length > 1) {
        await agents.remove(agentId, true, 't');
        agentIds.splice(agentIds.indexOf(agentId), 1);
        const left = new Set((await loadDataPlaneState(hubDb.db)).routes.map((r) => r.id));
        routeIds.splice(0, routeIds.length, ...routeIds.filter((id) => left.has(id)));
      }
      await same();
    }
    expect(reloads).toBe(before);
  });

  it('folds a burst of concurrent changes', async () => {
    const a = await agents.create({ name: 'burst', mode: 'redis' }, 't');
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        routes.create(
          {
            domain: `burst-${i}.example.com`,
            target_ip: '10.0.0.2',
            target_port: 25565,
            agent_id: a.ID,
          },
          't',
        ),
      ),
    );
    await same();
  });

  it('reloads in full when another writer changed the database', async () => {
    const state = await cache.load();
    const victim = state.routes[0];
    expect(victim).toBeDefined();
    await other.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('routes')
        .set({ target_port: 4242 })
        .where('id', '=', victim!.id)
        .execute();
      await bumpConfigVersion(trx);
    });
    const before = reloads;
    const after = await cache.load();
    expect(reloads).toBe(before + 1);
    expect(after.routes.find((r) => r.id === victim!.id)?.targetPort).toBe(4242);
    await same();
  });
});
