import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHubProcess, type HubProcess } from '../../src/hub/test-support/hub-process.js';
import { createTestDatabase, DATABASE_KINDS } from '../../src/hub/test-support/test-database.js';

const WRITERS = 8;
const KILL_AFTER_ACKS = 150;

describe.each(DATABASE_KINDS)('Hub durability on %s', (kind) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('keeps every acknowledged write after SIGKILL during concurrent writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-durable-'));
    const database = await createTestDatabase(kind, join(dir, 'hub.db'));
    cleanups.push(async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    const env = { DATABASE_URL: database.url, HUB_ADMIN_PASSWORD: 'durable-password' };

    let hub: HubProcess = await startHubProcess([], env);
    cleanups.push(async () => void (await hub.kill('SIGKILL')));
    const login = await fetch(`${hub.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hub_admin', password: 'durable-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const agent = (await (
      await fetch(`${hub.url}/api/agents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'a', mode: 'redis' }),
      })
    ).json()) as { ID: number };

    // Writers create routes as fast as the Hub answers; each 201 is an acknowledged write.
    const acked: Array<{ ID: number; domain: string }> = [];
    let attempted = 0;
    let stop = false;
    const target = hub.url;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        attempted++;
        try {
          const res = await fetch(`${target}/api/routes`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              domain: `w${w}-r${i}.durable.test`,
              target_ip: '10.0.0.1',
              target_port: 25565,
              agent_id: agent.ID,
            }),
          });
          if (res.status === 201) acked.push((await res.json()) as { ID: number; domain: string });
        } catch {
          return; // the process is gone
        }
      }
    };
    const running = Array.from({ length: WRITERS }, (_, w) => writer(w));
    const deadline = Date.now() + 20_000;
    while (acked.length < KILL_AFTER_ACKS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    const signal = await hub.kill('SIGKILL');
    stop = true;
    await Promise.all(running);
    expect(signal).toBeNull(); // killed, not exited
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(attempted).toBeGreaterThan(acked.length); // writes were in flight when it died

    hub = await startHubProcess([], env);
    const after = (await (await fetch(`${hub.url}/api/routes`, { headers })).json()) as Array<{
      ID: number;
      domain: string;
    }>;
    const stored = new Map(after.map((r) => [r.ID, r.domain]));
    const missing = acked.filter((r) => stored.get(r.ID) !== r.domain);
    expect(missing).toEqual([]);
    // The audit trail made it too: one entry per stored route.
    const logs = (await (
      await fetch(`${hub.url}/api/logs?limit=1000&source=audit`, { headers })
    ).json()) as Array<{
      message: string;
    }>;
    expect(logs.filter((l) => l.message === 'route created').length).toBe(after.length);
    await hub.kill();
  }, 60_000);
});
