/** An event waiting to be published, with how many like it were held back before it. */
export interface Throttled<E> {
  readonly event: E;
  /** Events with the same key dropped since the last one that went out. */
  readonly suppressed: number;
}

/**
 * Lets the first event of each key through per window and counts the rest, so a flood of
 * identical failures (a bot hammering one address, a Link flapping) costs one log line a minute.
 */
export class EventThrottle<E> {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #keys = new Map<string, { start: number; suppressed: number }>();

  constructor(windowMs = 60_000, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** The event to publish now, or null when it is held back. */
  offer(key: string, event: E): Throttled<E> | null {
    const now = this.#now();
    const entry = this.#keys.get(key);
    if (entry && now - entry.start < this.#windowMs) {
      entry.suppressed++;
      return null;
    }
    this.#keys.set(key, { start: now, suppressed: 0 });
    return { event, suppressed: entry?.suppressed ?? 0 };
  }

  /** Forget keys whose window has passed with nothing held back. */
  sweep(): void {
    const now = this.#now();
    for (const [key, e] of this.#keys) {
      if (now - e.start >= this.#windowMs && e.suppressed === 0) this.#keys.delete(key);
    }
  }
}
