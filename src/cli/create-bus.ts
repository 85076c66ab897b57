import { readFileSync } from 'node:fs';
import type { Bus } from '../bus/bus.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import type { Logger } from '../shared/logger.js';

export interface BusOptions {
  /** `redis://` or `rediss://` URL; the memory bus when absent. */
  readonly redisUrl?: string | undefined;
  /** Key prefix in Redis; default `gatelink:`. */
  readonly prefix?: string | undefined;
  /** PEM file of a private CA that signed the Redis server certificate (`rediss://`). */
  readonly redisCaFile?: string | undefined;
  /** Which part opens the bus (`hub`, `gate`, `link`…): names its Redis connections. */
  readonly role?: string | undefined;
  readonly log: Logger;
}

/** The bus the CLI options ask for: Redis when a URL is given, in-process otherwise. */
export async function createBus({
  redisUrl,
  prefix,
  redisCaFile,
  role,
  log,
}: BusOptions): Promise<Bus> {
  if (!redisUrl) return createMemoryBus();
  const { createRedisBus } = await import('../bus/redis-bus.js');
  return createRedisBus({
    url: redisUrl,
    prefix: prefix || 'gatelink:',
    log,
    tlsCa: redisCaFile ? readFileSync(redisCaFile, 'utf8') : undefined,
    // Shown by CLIENT LIST, so an operator can tell which part holds which connection.
    clientName: role ? `gatelink-${role}` : 'gatelink',
  });
}
