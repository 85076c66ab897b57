import type { RateLimit } from './gate-config.js';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets per client address for one kind of connection. Buckets that have refilled are
 * dropped by `sweep()`, so memory follows the addresses active in the last few seconds.
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Take one token for `key`; false when its bucket is empty. Always true when disabled. */
  take(key: string): boolean {
    const { perSecond, burst } = this.#limit;
    if (perSecond <= 0) return true;
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forget buckets that would be full by now. */
  sweep(): void {
    const { perSecond, burst } = this.#limit;
    const now = this.#now();
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.#buckets.delete(key);
    }
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#buckets.size;
  }
}
