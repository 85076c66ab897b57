/** A periodic task; `stop()` cancels the next run (a run in progress finishes). */
export interface Ticker {
  stop(): void;
}

/**
 * Run `task` every `ms`, never overlapping itself: the next run is scheduled when the previous
 * one settles, so a slow store or bus delays the loop instead of piling runs up.
 */
export function every(
  ms: number,
  task: () => Promise<void>,
  onError: (err: unknown) => void,
): Ticker {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      task().catch(onError).finally(schedule);
    }, ms);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
