import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { GatePresence } from './types.js';
import type { RedisKeys } from './redis-keys.js';
import type { ScriptCommands } from './redis-scripts.js';
import { parsePresence } from './redis-schemas.js';

/** Gate presence in Redis: a key per Gate that expires unless renewed, plus an index. */
export interface Presence {
  announce(presence: GatePresence, ttlMs: number): Promise<void>;
  withdraw(id: string): Promise<void>;
  list(): Promise<GatePresence[]>;
  /** Announce again what this process announced last (after a reconnect: Redis may be empty). */
  reassert(): Promise<void>;
}

/** Presence over `client`; announcements that change what Links dial are published on `keys.gates`. */
export function createPresence(
  client: Redis & ScriptCommands,
  keys: RedisKeys,
  log: Logger,
): Presence {
  const announced = new Map<string, { presence: GatePresence; ttlMs: number }>();
  const self: Presence = {
    async announce(presence, ttlMs) {
      announced.set(presence.id, { presence, ttlMs });
      const key = keys.gate(presence.id);
      const results = await client
        .multi()
        .set(key, JSON.stringify(presence), 'PX', Math.max(1, Math.ceil(ttlMs)), 'GET')
        .zadd(keys.gates, Date.now(), presence.id)
        .exec();
      const previousRaw = results?.[0]?.[1];
      const previous =
        typeof previousRaw === 'string' ? parsePresence(previousRaw, log, key) : null;
      // A heartbeat that only updates counters is no news to watchers.
      if (
        !previous ||
        previous.tunnelAddr !== presence.tunnelAddr ||
        previous.fingerprint !== presence.fingerprint ||
        previous.tls !== presence.tls
      ) {
        await client.publish(keys.gates, presence.id);
      }
    },

    async withdraw(id) {
      announced.delete(id);
      const results = await client.multi().del(keys.gate(id)).zrem(keys.gates, id).exec();
      if (results?.[0]?.[1] === 1) await client.publish(keys.gates, id);
    },

    async list() {
      const ids = await client.zrange(keys.gates, 0, -1);
      if (ids.length === 0) return [];
      const raws = await client.mget(ids.map((id) => keys.gate(id)));
      const live: GatePresence[] = [];
      const lapsed: string[] = [];
      ids.forEach((id, i) => {
        const raw = raws[i];
        if (raw == null) {
          lapsed.push(id);
          return;
        }
        const presence = parsePresence(raw, log, keys.gate(id));
        if (presence && presence.id === id) live.push(presence);
      });
      // Redis expired the key; the index entry goes too (checked again inside the script).
      if (lapsed.length > 0) {
        client.glPruneGates(keys.gates, keys.gate(''), ...lapsed).catch(() => undefined);
      }
      return live;
    },

    async reassert() {
      // Without waiting for the next heartbeat, so the Hub does not see the Gate gone.
      for (const { presence: p, ttlMs } of [...announced.values()]) await self.announce(p, ttlMs);
    },
  };
  return self;
}
