export interface BackoffOptions {
  /** First delay in ms; default 250. */
  initialMs?: number;
  /** Upper bound in ms; default 10 000. */
  maxMs?: number;
  /** Growth factor; default 2. */
  factor?: number;
  /** Fraction of each delay that is randomised (0–1); default 0.5. */
  jitter?: number;
}

/** Capped exponential backoff with jitter. `next()` returns the delay to wait; `reset()` after success. */
export function createBackoff({ initialMs = 250, maxMs = 10_000, factor = 2, jitter = 0.5 }: BackoffOptions = {}) {
  let attempt = 0;
  return {
    next(): number {
      const base = Math.min(maxMs, initialMs * factor ** attempt);
      attempt++;
      // "Equal jitter": never below (1 - jitter) of the base, so retries stay spread but bounded.
      return Math.round(base * (1 - jitter + Math.random() * jitter));
    },
    reset(): void {
      attempt = 0;
    },
    get attempts(): number {
      return attempt;
    },
  };
}
