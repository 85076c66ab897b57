import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/memory-bus.js';
import type { Bus } from '../../bus/bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createLeaderLease, type LeaderLease } from './leader-lease.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolve with the ms it took for `ok` to hold (fails after 2 s). */
async function waitUntil(ok: () => boolean): Promise<number> {
  const started = Date.now();
  while (!ok()) {
    if (Date.now() - started > 2_000) throw new Error('timed out');
    await sleep(5);
  }
  return Date.now() - started;
}

let inner: Bus;
let leases: LeaderLease[] = [];

afterEach(async () => {
  for (const l of leases) await l.stop();
  leases = [];
  await inner?.close();
});

describe('leader lease', () => {
  it('keeps the role through a bus outage shorter than the lease, and drops it after', async () => {
    inner = createMemoryBus();
    let down = false;
    const bus: Bus = {
      ...inner,
      lease: async (name, owner, ttl) => {
        if (down) throw new Error('bus unreachable');
        return inner.lease(name, owner, ttl);
      },
    };
    const changes: boolean[] = [];
    const lease = createLeaderLease({
      bus,
      hubId: 'hub-a',
      ttlMs: 150,
      log: silentLogger(),
      onChange: (leader) => changes.push(leader),
    });
    leases.push(lease);
    await lease.start();
    expect(lease.isLeader()).toBe(true);

    down = true;
    await sleep(60);
    expect(lease.isLeader()).toBe(true);
    const lostAfter = await waitUntil(() => !lease.isLeader());
    expect(lostAfter).toBeGreaterThanOrEqual(150 - 60 - 5);

    down = false;
    await waitUntil(() => lease.isLeader());
    expect(changes).toEqual([true, false, true]);
  });

  it('hands the lease over at once when the leader stops', async () => {
    inner = createMemoryBus();
    const make = (hubId: string) =>
      createLeaderLease({
        bus: inner,
        hubId,
        ttlMs: 60_000,
        log: silentLogger(),
        onChange: () => undefined,
      });
    const a = make('hub-a');
    const b = make('hub-b');
    leases.push(a, b);
    await a.start();
    await b.start();
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await a.stop();
    await sleep(5);
    // A one-minute lease, yet the next attempt wins: the stopped leader shortened it.
    expect(await inner.lease('hub-leader', 'hub-b', 60_000)).toBe(true);
  });
});
