/** Shared helpers of the bus tests: a real Redis, unique key prefixes, waiting for watchers. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { GatePresence, LinkView } from './types.js';

/** The Redis the tests talk to. */
export const REDIS_URL_TEST = process.env['REDIS_URL_TEST'] ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test uses. */
export function uniquePrefix(label: string): string {
  return `gltest:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Delete every key under `prefix` (tests clean up after themselves). */
export async function dropPrefix(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (found.length > 0) await admin.del(...found);
  } while (cursor !== '0');
}

/** A plain connection for arranging and inspecting Redis state in tests. */
export function adminConnection(url = REDIS_URL_TEST): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** Resolve once `check` passes; fail with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

/** Like `eventually`, for a check that has to ask something. */
export async function eventuallyAsync(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** Wait a fixed time, for asserting that something did NOT happen. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A Gate presence with sensible defaults. */
export function gatePresence(id: string, over: Partial<GatePresence> = {}): GatePresence {
  return {
    id,
    tunnelAddr: `${id}.example.net:25590`,
    tls: true,
    fingerprint: 'AA:BB:CC',
    name: id,
    region: 'eu',
    version: '0.1.0',
    publicAddr: `${id}.example.net:25565`,
    startedAt: 1_700_000_000_000,
    lastSeen: Date.now(),
    connections: 0,
    sessions: [],
    routes: [],
    configVersion: 1,
    ...over,
  };
}

/** A Link view with one route. */
export function linkView(version: number, agentId = 1): LinkView {
  return {
    version,
    agentId,
    enabled: true,
    routes: [
      {
        id: 10,
        domain: 'play.example.com',
        targetIp: '10.0.0.5',
        targetPort: 25565,
        proxyProtocol: false,
      },
    ],
    gates: [{ id: 'g1', tunnelAddr: 'g1.example.net:25590', tls: true, fingerprint: 'AA:BB' }],
  };
}
