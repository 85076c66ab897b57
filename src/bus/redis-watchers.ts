import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import type { ConfigSnapshot, GatePresence, LinkView } from './types.js';
import { VIEW_DELETED, type RedisKeys } from './redis-keys.js';
import { parseLinkView, parseSnapshot } from './redis-schemas.js';

/**
 * A watcher's read step. `full` is true after a notification or a reconnect; the periodic
 * check passes false and may read less (a version number) to stay cheap.
 */
export type WatchRead = (full: boolean) => Promise<void>;

/** Guards a listener so one that throws cannot stop the watcher. */
export function safeCall<T>(
  listener: (value: T) => void,
  value: T,
  log: Logger,
  what: string,
): void {
  try {
    listener(value);
  } catch (err) {
    log.error({ err: (err as Error).message, what }, 'redis bus: a watcher threw');
  }
}

/** Config: emit each newer (or same-version, changed) snapshot once; skip malformed ones. */
export function configRead(
  client: Redis,
  keys: RedisKeys,
  log: Logger,
  listener: (snapshot: ConfigSnapshot) => void,
): WatchRead {
  let knownVersion: string | null | undefined;
  let lastRaw: string | null = null;
  let lastVersion = Number.NEGATIVE_INFINITY;
  return async (full) => {
    if (!full && knownVersion !== undefined) {
      const version = await client.hget(keys.config, 'version');
      if (version === knownVersion) return;
    }
    const [version, raw] = await client.hmget(keys.config, 'version', 'snapshot');
    knownVersion = version ?? null;
    if (raw == null || raw === lastRaw) return;
    // Remember even a malformed value, so it is reported once, not on every check.
    lastRaw = raw;
    const snapshot = parseSnapshot(raw, log, keys.config);
    if (!snapshot || snapshot.version < lastVersion) return;
    lastVersion = snapshot.version;
    safeCall(listener, snapshot, log, 'config');
  };
}

/** What a Link dials, per Gate: a change here is what gate watchers are told about. */
export function gateSignature(gates: readonly GatePresence[]): string {
  return gates
    .map((g) => `${g.id}\0${g.tunnelAddr}\0${g.tls ? 1 : 0}\0${g.fingerprint}`)
    .sort()
    .join('\n');
}

/** Gates: emit the list first, then whenever a Gate appears, lapses, leaves or moves. */
export function gatesRead(
  list: () => Promise<GatePresence[]>,
  log: Logger,
  listener: (gates: GatePresence[]) => void,
): WatchRead {
  let last: string | undefined;
  return async () => {
    const gates = await list();
    const signature = gateSignature(gates);
    if (signature === last) return;
    last = signature;
    safeCall(listener, gates, log, 'gates');
  };
}

/**
 * One agent's view: emit the current value (null when none) first, then every change. A
 * deletion marker is emitted as null; a key that vanished after a value was seen is not (Redis
 * lost it, the publisher will put it back), so a Link keeps its view through a Redis restart.
 */
export function viewRead(
  client: Redis,
  key: string,
  log: Logger,
  listener: (view: LinkView | null) => void,
): WatchRead {
  let lastRaw: string | null | undefined;
  return async () => {
    const raw = await client.get(key);
    if (raw === lastRaw) return;
    if (raw === null && lastRaw !== undefined && lastRaw !== VIEW_DELETED) return;
    lastRaw = raw;
    if (raw === null || raw === VIEW_DELETED) {
      safeCall(listener, null, log, 'link view');
      return;
    }
    const view = parseLinkView(raw, log, key);
    if (view) safeCall(listener, view, log, 'link view');
  };
}
