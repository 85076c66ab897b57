import { createServer } from 'node:net';

/** Resolve after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Poll `check` until it returns a value other than `undefined`/`false`, or fail after
 * `timeoutMs` with `what` and the last value seen.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  {
    timeoutMs = 5000,
    intervalMs = 25,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Exclude<T, false | undefined | null>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== false && last !== null)
        return last as Exclude<T, false | undefined | null>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await sleep(intervalMs);
  }
}

/** A loopback port that was free a moment ago: for child processes that need an explicit one. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Run cleanups last-in first-out; every one runs even when an earlier one throws. */
export class Cleanup {
  readonly #steps: Array<{ what: string; run: () => unknown }> = [];

  /** Register a cleanup step. */
  add(what: string, run: () => unknown): void {
    this.#steps.push({ what, run });
  }

  /** Run and forget every step, newest first; rethrows the first failure after all ran. */
  async run(): Promise<void> {
    let first: unknown;
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        first ??= new Error(`cleanup "${step.what}" failed: ${String(err)}`);
      }
    }
    if (first) throw first;
  }
}
