import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Bus } from './bus.js';
import type { ConfigSnapshot, LogEvent, Unsubscribe } from './types.js';
import type { Logger } from '../shared/logger.js';
import { LOG_GROUP, VIEW_DELETED, VIEW_DELETED_TTL_S, redisKeys } from './redis-keys.js';
import { checkRedisUrl, openConnection } from './redis-connection.js';
import { defineScripts } from './redis-scripts.js';
import { createPresence } from './redis-presence.js';
import { parseLinkView, parseSnapshot } from './redis-schemas.js';
import { createRefresher, type Refresher } from './redis-refresh.js';
import { configRead, gatesRead, viewRead, type WatchRead } from './redis-watchers.js';
import { createSubscriber, type Subscriber } from './redis-subscriber.js';
import { startLogReader, type LogReader } from './redis-log-reader.js';
import { readTrafficHash, trafficCommands } from './redis-traffic.js';

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /** Prefix of every key and channel; default `gatelink:`. */
  readonly prefix: string;
  readonly log: Logger;
  /** PEM of a private CA for `rediss://` (else the system trust store and NODE_EXTRA_CA_CERTS). */
  readonly tlsCa?: string | undefined;
  /** ms between the checks that heal a missed notification (config, link views); default 2000. */
  readonly checkIntervalMs?: number;
  /** ms between presence polls, which notice a lapsed Gate; default 1000. */
  readonly gatePollMs?: number;
  /** Name shown by CLIENT LIST (`<name>-bus`, `<name>-bus-subscriber`…); default `gatelink`. */
  readonly clientName?: string;
  /** Events kept in the log stream for Hubs that are away (approximate); default 10000. */
  readonly logStreamMaxLen?: number;
}

const ttl = (ms: number) => Math.max(1, Math.ceil(ms));

/**
 * The bus over Redis, for Hubs, Gates and redis-mode Links on separate hosts. Behaves like
 * the memory bus; watchers follow pub/sub notifications, re-read on a timer to heal a missed
 * one, and re-read after every reconnect. What this process published (config, views) is put
 * back after a reconnect, in case Redis came back empty.
 */
export async function createRedisBus(options: RedisBusOptions): Promise<Bus> {
  const {
    url,
    log,
    tlsCa,
    clientName: name = 'gatelink',
    checkIntervalMs = 2000,
    gatePollMs = 1000,
    logStreamMaxLen = 10_000,
  } = options;
  const prefix = options.prefix || 'gatelink:';
  checkRedisUrl(url);
  const keys = redisKeys(prefix);
  const instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  const slow = new Set<Refresher>();
  const fast = new Set<Refresher>();
  let published: { raw: string; version: number } | null = null;
  const publishedViews = new Map<string, { raw: string; version: number }>();
  let closed = false;

  const resync = () => {
    if (closed) return;
    for (const r of slow) r.run(true);
    for (const r of fast) r.run(true);
    void reassert().catch((err: Error) =>
      log.debug({ err: err.message }, 'redis bus: re-publish failed'),
    );
  };

  let commandReady = 0;
  const client = openConnection({
    url,
    role: 'bus',
    name,
    tlsCa,
    log,
    onReady: () => {
      if (commandReady++ > 0) resync();
    },
  });
  const scripts = defineScripts(client);
  const presence = createPresence(scripts, keys, log);

  let subscriberClient: Redis | null = null;
  let subscriber: Subscriber | null = null;
  const subscribe = (channel: string, handler: () => void): (() => void) => {
    if (!subscriber) {
      let subscriberReady = 0;
      subscriberClient = openConnection({
        url,
        role: 'bus-subscriber',
        name,
        tlsCa,
        log,
        // Notifications sent while the subscription was down are lost: re-read everything.
        onReady: () => {
          if (subscriberReady++ > 0) resync();
        },
      });
      subscriber = createSubscriber(subscriberClient, log);
    }
    return subscriber.on(channel, handler);
  };

  const reassert = async () => {
    await presence.reassert();
    if (!published) return;
    const current = await scripts.glPublishConfig(keys.config, published.version, published.raw);
    // Another Hub has published a newer config since: its views are the ones that count, and
    // ours may name agents that no longer exist.
    if (current !== 1) return;
    for (const [hash, view] of publishedViews) {
      await scripts.glReassertView(keys.view(hash), view.raw, view.version);
    }
  };

  const slowTimer = setInterval(() => {
    for (const r of slow) r.run(false);
  }, checkIntervalMs);
  const fastTimer = setInterval(() => {
    for (const r of fast) r.run(false);
  }, gatePollMs);
  slowTimer.unref();
  fastTimer.unref();

  /** Register a watcher: first read now, then on `channel` messages and on its timer. */
  const watch = (
    what: string,
    channel: string,
    read: WatchRead,
    timer: 'slow' | 'fast',
  ): Unsubscribe => {
    const refresher = createRefresher(read, log, what, channel);
    if (timer === 'slow') slow.add(refresher);
    else fast.add(refresher);
    const off = subscribe(channel, () => refresher.run(true));
    refresher.run(true);
    return () => {
      refresher.stop();
      slow.delete(refresher);
      fast.delete(refresher);
      off();
    };
  };

  const logListeners = new Set<(event: LogEvent) => void>();
  let logReader: LogReader | null = null;
  const stopLogReader = async () => {
    const reader = logReader;
    if (!reader) return;
    logReader = null;
    await reader.stop();
    // NOACK leaves nothing pending, so the consumer's entry can go with it.
    await client.xgroup('DELCONSUMER', keys.logs, LOG_GROUP, instance).catch(() => undefined);
  };

  return {
    kind: 'redis',

    async publishConfig(snapshot: ConfigSnapshot) {
      const raw = JSON.stringify(snapshot);
      const stored = await scripts.glPublishConfig(keys.config, snapshot.version, raw);
      if (stored === 1 && (!published || snapshot.version >= published.version)) {
        published = { raw, version: snapshot.version };
      }
    },
    async readConfig() {
      const raw = await client.hget(keys.config, 'snapshot');
      if (raw == null) return null;
      return parseSnapshot(raw, log, keys.config);
    },
    watchConfig(listener) {
      return watch('config', keys.config, configRead(client, keys, log, listener), 'slow');
    },

    announceGate: (p, ttlMs) => presence.announce(p, ttlMs),
    withdrawGate: (id) => presence.withdraw(id),
    listGates: () => presence.list(),
    watchGates(listener) {
      return watch(
        'gates',
        keys.gates,
        gatesRead(() => presence.list(), log, listener),
        'fast',
      );
    },

    async publishLinkView(tokenHash, view) {
      const key = keys.view(tokenHash);
      const tx = client.multi();
      if (view) {
        const raw = JSON.stringify(view);
        tx.set(key, raw);
        publishedViews.set(tokenHash, { raw, version: view.version });
      } else {
        tx.set(key, VIEW_DELETED, 'EX', VIEW_DELETED_TTL_S);
        publishedViews.delete(tokenHash);
      }
      await tx.publish(key, '1').exec();
    },
    async readLinkView(tokenHash) {
      const key = keys.view(tokenHash);
      const raw = await client.get(key);
      return raw == null || raw === VIEW_DELETED ? null : (parseLinkView(raw, log, key) ?? null);
    },
    watchLinkView(tokenHash, listener) {
      const key = keys.view(tokenHash);
      return watch('link view', key, viewRead(client, key, log, listener), 'slow');
    },

    async addTraffic(delta) {
      if (delta.routes.length === 0) return;
      await trafficCommands(client.multi(), keys.traffic, delta).exec();
    },
    async readTraffic() {
      return readTrafficHash(await client.hgetall(keys.traffic), log, keys.traffic);
    },

    async publishLog(event) {
      if (closed) return;
      await client.xadd(keys.logs, 'MAXLEN', '~', logStreamMaxLen, '*', 'e', JSON.stringify(event));
    },
    watchLogs(listener) {
      logListeners.add(listener);
      if (!logReader) {
        logReader = startLogReader({
          client: openConnection({ url, role: 'bus-logs', name, tlsCa, log }),
          stream: keys.logs,
          consumer: instance,
          log,
          deliver: (event) => {
            for (const l of logListeners) {
              try {
                l(event);
              } catch (err) {
                log.error({ err: (err as Error).message }, 'redis bus: a log watcher threw');
              }
            }
          },
        });
      }
      return () => {
        logListeners.delete(listener);
        // Nobody here ingests any more: leave the events to the other Hubs.
        if (logListeners.size === 0) void stopLogReader();
      };
    },

    async lease(name, owner, ttlMs) {
      return (await scripts.glLease(keys.lease(name), owner, ttl(ttlMs))) === 1;
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(slowTimer);
      clearInterval(fastTimer);
      for (const r of [...slow, ...fast]) r.stop();
      slow.clear();
      fast.clear();
      logListeners.clear();
      await stopLogReader();
      await Promise.all([quit(client), subscriberClient ? quit(subscriberClient) : undefined]);
    },
  };
}

/** QUIT politely when connected, then drop the socket and stop reconnecting in any case. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await Promise.race([
      client.quit().catch(() => undefined),
      new Promise((r) => setTimeout(r, 1000)),
    ]);
  }
  client.disconnect(false);
}
