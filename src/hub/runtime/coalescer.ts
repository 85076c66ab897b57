/** Runs one job at a time; requests made while it runs fold into a single follow-up run. */
export interface Coalescer {
  /** Ask for a run; resolves when a run that started after this request has finished. */
  request(force?: boolean): Promise<void>;
  /** Resolves when nothing is running or pending. */
  idle(): Promise<void>;
  /** Refuse further requests; resolves once the current run is done. */
  stop(): Promise<void>;
}

/**
 * Coalesce bursts of change notifications: the first request starts at once (no debounce delay,
 * so a change is published within one store read and one bus write), later ones during that run
 * collapse into exactly one more run, which sees all of them. `force` survives the folding.
 */
export function createCoalescer(
  job: (force: boolean) => Promise<void>,
  onError: (err: unknown) => void,
): Coalescer {
  let running: Promise<void> | null = null;
  let pending = false;
  let pendingForce = false;
  let stopped = false;

  const loop = async () => {
    while (pending && !stopped) {
      const force = pendingForce;
      pending = false;
      pendingForce = false;
      try {
        await job(force);
      } catch (err) {
        onError(err);
      }
    }
    running = null;
  };

  return {
    request(force = false) {
      if (stopped) return Promise.resolve();
      pending = true;
      pendingForce ||= force;
      running ??= loop();
      return running;
    },
    idle() {
      return running ?? Promise.resolve();
    },
    stop() {
      stopped = true;
      return running ?? Promise.resolve();
    },
  };
}
