import type { Logger } from '../shared/logger.js';

/** One watcher's re-read, run on notification, on a timer, and after a reconnect. */
export interface Refresher {
  /** Re-read now, or right after the read in flight (which may have missed the change). */
  run(full: boolean): void;
  stop(): void;
}

/** A repeated refusal is logged again after this long, so it stays visible but not noisy. */
const REPEAT_WARNING_MS = 60_000;

/**
 * Serialise one watcher's reads: never two at once, never a trigger lost between them. A
 * failed read is retried on the next trigger, with a full read. Connection failures are logged
 * at debug level (the connection logs its own trouble once); a reply error from Redis (a key of
 * another type, an ACL refusal) is a problem of the data or the set-up, so it is a warning
 * naming the key.
 */
export function createRefresher(
  read: (full: boolean) => Promise<void>,
  log: Logger,
  what: string,
  key: string,
): Refresher {
  let running = false;
  let pending = false;
  let pendingFull = false;
  let stopped = false;
  let lastWarning = '';
  let lastWarningAt = 0;

  const report = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof Error && err.name === 'ReplyError')) {
      log.debug({ err: message, what, key }, 'redis bus: refresh failed; will retry');
      return;
    }
    const now = Date.now();
    if (message === lastWarning && now - lastWarningAt < REPEAT_WARNING_MS) return;
    lastWarning = message;
    lastWarningAt = now;
    log.warn({ err: message, what, key }, `redis bus: cannot read ${key}; keeping the last value`);
  };

  const loop = async () => {
    running = true;
    try {
      while (pending && !stopped) {
        const full = pendingFull;
        pending = false;
        pendingFull = false;
        try {
          await read(full);
          lastWarning = '';
        } catch (err) {
          pendingFull = true;
          report(err);
        }
      }
    } finally {
      running = false;
    }
  };

  return {
    run(full) {
      if (stopped) return;
      pending = true;
      pendingFull ||= full;
      if (!running) void loop();
    },
    stop() {
      stopped = true;
    },
  };
}
