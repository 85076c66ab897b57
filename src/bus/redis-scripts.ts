import type { Redis } from 'ioredis';
import { VIEW_DELETED } from './redis-keys.js';

/**
 * Lua scripts, run atomically by Redis. Registered with ioredis `defineCommand`, which sends
 * EVALSHA and falls back to EVAL once after a Redis restart empties the script cache.
 */

/**
 * Store a config snapshot unless a newer one is stored; announce the version on success.
 * KEYS[1] config hash; ARGV[1] version, ARGV[2] snapshot JSON. Returns 1 stored, 0 ignored.
 */
export const PUBLISH_CONFIG = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'version'))
local incoming = tonumber(ARGV[1])
if stored and stored > incoming then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'snapshot', ARGV[2])
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
`;

/**
 * Take a free lease, or extend it when `owner` already holds it.
 * KEYS[1] lease key; ARGV[1] owner, ARGV[2] ttl ms. Returns 1 held by owner, 0 held by another.
 */
export const TAKE_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * Drop index entries whose presence key has lapsed. Checked inside Redis so a Gate that
 * re-announces between our read and this removal is never dropped from the index.
 * KEYS[1] gates zset; ARGV[1] gate key prefix; ARGV[2..] candidate ids. Returns the count removed.
 */
export const PRUNE_GATES = `
local removed = 0
for i = 2, #ARGV do
  if redis.call('EXISTS', ARGV[1] .. ARGV[i]) == 0 then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return removed
`;

/**
 * Put back a view this process published, unless Redis holds one at least as new or a
 * deletion marker: used after a reconnect, when Redis may have restarted empty. KEYS[1] view
 * key (also its channel); ARGV[1] view JSON, ARGV[2] its version. Returns 1 written, 0 kept.
 */
export const REASSERT_VIEW = `
local stored = redis.call('GET', KEYS[1])
if stored == '${VIEW_DELETED}' then return 0 end
if stored then
  local ok, view = pcall(cjson.decode, stored)
  if ok and type(view) == 'table' and tonumber(view.version) and tonumber(view.version) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', KEYS[1], '1')
return 1
`;

/** The scripts above as commands on a connection (EVALSHA, falling back to EVAL). */
export interface ScriptCommands {
  glPublishConfig(key: string, version: number, snapshot: string): Promise<number>;
  glLease(key: string, owner: string, ttlMs: number): Promise<number>;
  glPruneGates(key: string, gatePrefix: string, ...ids: string[]): Promise<number>;
  glReassertView(key: string, view: string, version: number): Promise<number>;
}

/** Register the scripts on `client`; returns the same client, typed with them. */
export function defineScripts<C extends Redis>(client: C): C & ScriptCommands {
  client.defineCommand('glPublishConfig', { numberOfKeys: 1, lua: PUBLISH_CONFIG });
  client.defineCommand('glLease', { numberOfKeys: 1, lua: TAKE_LEASE });
  client.defineCommand('glPruneGates', { numberOfKeys: 1, lua: PRUNE_GATES });
  client.defineCommand('glReassertView', { numberOfKeys: 1, lua: REASSERT_VIEW });
  return client as C & ScriptCommands;
}
