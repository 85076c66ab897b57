import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type HubDb } from './db/database.js';
import { insertLog, listLogs } from './db/logs-queries.js';
import { insertStatsSample, recentStatsSamples } from './db/stats-samples-queries.js';
import { revokeSessionToken, sessionState } from './db/users-queries.js';
import { insertUserIfAbsent } from './db/users-queries.js';
import { LOG_RETENTION_MS, pruneOnce } from './maintenance.js';

describe('database pruning', () => {
  let hubDb: HubDb;
  beforeEach(async () => {
    hubDb = await openDatabase('sqlite::memory:');
  });
  afterEach(() => hubDb.close());

  it('drops aged log entries, samples and revocations and keeps the rest', async () => {
    const now = Date.now();
    const { db } = hubDb;
    await insertLog(db, {
      time: now - LOG_RETENTION_MS - 1,
      level: 'info',
      source: 'hub',
      message: 'old',
    });
    await insertLog(db, { time: now - 1000, level: 'info', source: 'hub', message: 'new' });
    await insertStatsSample(db, { time: now - 3 * 3600_000, active: 1, bytesIn: 1, bytesOut: 1 });
    await insertStatsSample(db, { time: now - 60_000, active: 2, bytesIn: 2, bytesOut: 2 });
    await insertUserIfAbsent(db, 'u', 'hash', now);
    await revokeSessionToken(db, 'expired-jti', now - 1);
    await revokeSessionToken(db, 'live-jti', now + 3600_000);

    await pruneOnce(db, now);

    expect((await listLogs(db, { limit: 10 })).map((l) => l.message)).toEqual(['new']);
    expect((await recentStatsSamples(db, 0)).map((s) => s.active)).toEqual([2]);
    expect((await sessionState(db, 1, 'expired-jti'))?.revoked).toBe(false);
    expect((await sessionState(db, 1, 'live-jti'))?.revoked).toBe(true);
  });
});
