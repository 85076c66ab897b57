import type { LoginLimits } from '../config.js';

interface Bucket {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/** Counts failed logins per key (address, username) and locks a key out for a while. */
export interface LoginLimiter {
  /** ms until the first of `keys` is unlocked, or 0 when none is locked. */
  retryAfterMs(keys: readonly string[], now: number): number;
  recordFailure(keys: readonly string[], now: number): void;
  recordSuccess(keys: readonly string[]): void;
}

/** An in-memory limiter (per Hub process): `maxFailures` inside `windowMs` locks the key for `windowMs`. */
export function createLoginLimiter({ maxFailures, windowMs }: LoginLimits): LoginLimiter {
  const buckets = new Map<string, Bucket>();

  // Keep memory bounded when many addresses fail once and never come back.
  const sweep = (now: number) => {
    if (buckets.size < 10_000) return;
    for (const [key, b] of buckets) {
      if (b.blockedUntil <= now && now - b.windowStart > windowMs) buckets.delete(key);
    }
  };

  return {
    retryAfterMs(keys, now) {
      let wait = 0;
      for (const key of keys) {
        const b = buckets.get(key);
        if (b && b.blockedUntil > now) wait = Math.max(wait, b.blockedUntil - now);
      }
      return wait;
    },
    recordFailure(keys, now) {
      sweep(now);
      for (const key of keys) {
        let b = buckets.get(key);
        if (!b || now - b.windowStart > windowMs) {
          b = { failures: 0, windowStart: now, blockedUntil: 0 };
          buckets.set(key, b);
        }
        b.failures++;
        if (b.failures >= maxFailures) b.blockedUntil = now + windowMs;
      }
    },
    recordSuccess(keys) {
      for (const key of keys) buckets.delete(key);
    },
  };
}
