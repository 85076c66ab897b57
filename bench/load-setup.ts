import { closeSocket, openSession, type Target } from './client.js';
import { percentiles } from './stats.js';

/**
 * New connections at a steady `perSecond` for `durationMs`: each one connects, sends its
 * handshake and waits for the backend's first byte, then closes. p50/p99 of connect → first
 * byte, in ms, and how many failed.
 */
export async function setupTime(
  target: Target,
  perSecond: number,
  durationMs: number,
): Promise<{ p50: number; p99: number; count: number; errors: number }> {
  const total = Math.round((perSecond * durationMs) / 1000);
  const samples: number[] = [];
  const inFlight: Promise<void>[] = [];
  let errors = 0;
  const launch = (): void => {
    inFlight.push(
      openSession(target, 'H', 0, 5000).then(
        ({ socket, setupMs }) => {
          samples.push(setupMs);
          return closeSocket(socket);
        },
        () => {
          errors++;
        },
      ),
    );
  };
  const start = Date.now();
  let launched = 0;
  // Catch up on the schedule each tick: timers are coarse, the rate over any 10 ms stays right.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((Date.now() - start) * perSecond) / 1000) + 1);
      while (launched < due) {
        launched++;
        launch();
      }
      if (launched >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inFlight);
  return { ...percentiles(samples), count: samples.length, errors };
}
