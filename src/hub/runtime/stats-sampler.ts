import type { Bus } from '../../bus/bus.js';
import { activeConnections } from './stats.js';
import type { HubStore } from './store.js';

/** Takes the 10-second traffic samples behind the Stats `history`. */
export interface StatsSampler {
  /** Read the totals and store one sample (the first call after `reset` only sets the baseline). */
  sample(): Promise<void>;
  /** Forget the baseline (leadership changed hands: another Hub's interval is not ours). */
  reset(): void;
}

/** Bytes per interval from cumulative totals; a total that went down means the counters restarted. */
export function intervalBytes(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** Create the sampler over the bus totals and the live Gates. */
export function createStatsSampler({ bus, store }: { bus: Bus; store: HubStore }): StatsSampler {
  let baseline: { bytesIn: number; bytesOut: number } | null = null;
  return {
    async sample() {
      const [traffic, gates] = await Promise.all([bus.readTraffic(), bus.listGates()]);
      let bytesIn = 0;
      let bytesOut = 0;
      for (const t of traffic) {
        bytesIn += t.bytesIn;
        bytesOut += t.bytesOut;
      }
      const previous = baseline;
      baseline = { bytesIn, bytesOut };
      if (!previous) return;
      await store.insertStatsSample({
        time: Date.now(),
        active: activeConnections(gates),
        bytesIn: intervalBytes(previous.bytesIn, bytesIn),
        bytesOut: intervalBytes(previous.bytesOut, bytesOut),
      });
    },
    reset() {
      baseline = null;
    },
  };
}
