import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../shared/logger.js';
import { BUS_ERR_BAD_URL } from './redis-errors.js';

/** The URL with its password (and username) masked, safe to log. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable redis url)';
  }
}

/** Reject anything but `redis://` and `rediss://` before ioredis guesses (it takes bare ports and paths). */
export function checkRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw BUS_ERR_BAD_URL(`redis url is not a URL: ${redactRedisUrl(url)}`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw BUS_ERR_BAD_URL(`redis url must start with redis:// or rediss:// (got ${protocol}//)`);
  }
}

function isAuthError(message: string): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message);
}

/** ms between reconnect attempts: quick at first, then every 2 s, forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 + attempt * 200, 2000);
}

export interface ConnectionOptions {
  readonly url: string;
  readonly role: string;
  /** Client name prefix shown by CLIENT LIST; the role is appended. */
  readonly name?: string;
  readonly log: Logger;
  /** PEM of the CA that signed the server certificate (`rediss://` only); default the system store. */
  readonly tlsCa?: string | undefined;
  /** Called on every (re)connection once the client accepts commands. */
  readonly onReady?: () => void;
}

/**
 * One ioredis connection that retries forever and logs its trouble in plain words: an
 * authentication failure is an error naming the user, never the password; other failures
 * are logged when they start and when they end, not on every retry.
 */
export function openConnection({
  url,
  role,
  name = 'gatelink',
  tlsCa,
  log,
  onReady,
}: ConnectionOptions): Redis {
  const where = redactRedisUrl(url);
  let trouble: string | null = null;
  let lastAuthLog = 0;
  const options: RedisOptions = {
    connectionName: `${name}-${role}`,
    // ioredis counts attempts from the last TCP connect, which succeeds even when AUTH then
    // fails: keep a refused login at the slow pace instead of hammering the server.
    retryStrategy: (attempt) => (trouble === 'auth' ? 2000 : reconnectDelay(attempt)),
    // A command waits through two reconnect attempts, then fails so callers are not stuck.
    maxRetriesPerRequest: 2,
    // INFO may be denied to least-privilege ACL users; readiness is checked with PING below.
    enableReadyCheck: false,
    connectTimeout: 5000,
    // CLIENT SETINFO exists from Redis 7.2 only and would need one more ACL permission.
    disableClientInfo: true,
    ...(tlsCa && url.startsWith('rediss:') ? { tls: { ca: tlsCa } } : {}),
  };
  const client = new Redis(url, options);
  client.on('error', (err: Error) => {
    const message = err.message ?? String(err);
    if (isAuthError(message)) {
      const now = Date.now();
      // Retried every 2 s; say it loudly, but not 30 times a minute.
      if (trouble !== 'auth' || now - lastAuthLog > 30_000) {
        const user = safeUser(url);
        log.error(
          { redis: where, role, user },
          `redis authentication failed for user "${user}": check the username and password in the Redis URL; retrying`,
        );
        lastAuthLog = now;
      }
      trouble = 'auth';
      return;
    }
    if (trouble !== message)
      log.warn({ redis: where, role, err: message }, 'redis connection problem; retrying');
    trouble = message;
  });
  // Without the ready check, ioredis reports "ready" even when AUTH was refused: a PING
  // tells a usable connection from one about to be dropped.
  client.on('ready', () => {
    client.ping().then(
      () => usable(),
      (err: Error) => {
        if (/NOPERM/.test(err.message)) usable();
      },
    );
  });
  const usable = () => {
    if (trouble) log.info({ redis: where, role }, 'redis connection established');
    trouble = null;
    onReady?.();
  };
  return client;
}

function safeUser(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'default';
  } catch {
    return 'default';
  }
}
