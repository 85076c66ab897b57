import type { Bus } from '../../bus/bus.js';
import type { Logger } from '../../shared/logger.js';

/** Name of the lease that elects the Hub running the once-only duties. */
export const LEADER_LEASE = 'hub-leader';

/** This Hub's claim on the leader lease. */
export interface LeaderLease {
  /** Try once to take the lease (so `start()` of the runtime knows its role), then keep renewing. */
  start(): Promise<void>;
  isLeader(): boolean;
  /** Stop renewing; a held lease is shortened so another Hub takes over at once. */
  stop(): Promise<void>;
}

/**
 * Keep the lease renewed every `ttlMs / 3`. A failed renewal (bus unreachable) keeps the role
 * until the last granted lease would have run out, so a blip does not make the leader drop its
 * duties while nobody else can take them either.
 */
export function createLeaderLease({
  bus,
  hubId,
  ttlMs,
  log,
  onChange,
}: {
  bus: Bus;
  hubId: string;
  ttlMs: number;
  log: Logger;
  onChange: (leader: boolean) => void;
}): LeaderLease {
  let leader = false;
  let validUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const set = (next: boolean) => {
    if (next === leader) return;
    leader = next;
    log.info({ hubId }, next ? 'leader lease taken' : 'leader lease lost');
    onChange(next);
  };

  const attempt = async () => {
    const askedAt = Date.now();
    try {
      const granted = await bus.lease(LEADER_LEASE, hubId, ttlMs);
      if (stopped) return;
      if (granted) validUntil = askedAt + ttlMs;
      set(granted);
    } catch (err) {
      if (stopped) return;
      log.warn({ err }, 'leader lease renewal failed');
      if (Date.now() >= validUntil) set(false);
    }
  };

  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => void attempt().finally(loop), Math.max(1, Math.floor(ttlMs / 3)));
    timer.unref();
  };

  return {
    async start() {
      await attempt();
      loop();
    },
    isLeader: () => leader,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (!leader) return;
      leader = false;
      // Not a release (the bus has none) but as good: the lease lapses a millisecond from now.
      await bus.lease(LEADER_LEASE, hubId, 1).catch(() => undefined);
    },
  };
}
