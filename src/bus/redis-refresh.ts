import type { Logger } from '../shared/logger.js';

/** One watcher's re-read, run on notification, on a timer, and after a reconnect. */
export interface Refresher {
  /** Re-read now, or right after the read in flight (which may have missed the change). */
  run(full: boolean): void;
  stop(): void;
}

/**
 * Serialise one watcher's reads: never two at once, never a trigger lost between them.
 * A failed read is logged at debug level (the connection logs its own trouble) and retried
 * on the next trigger, with a full read.
 */
export function createRefresher(
  read: (full: boolean) => Promise<void>,
  log: Logger,
  what: string,
): Refresher {
  let running = false;
  let pending = false;
  let pendingFull = false;
  let stopped = false;

  const loop = async () => {
    running = true;
    try {
      while (pending && !stopped) {
        const full = pendingFull;
        pending = false;
        pendingFull = false;
        try {
          await read(full);
        } catch (err) {
          pendingFull = true;
          log.debug({ err: (err as Error).message, what }, 'redis bus: refresh failed; will retry');
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
