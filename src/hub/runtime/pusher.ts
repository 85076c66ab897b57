import { performance } from 'node:perf_hooks';
import type { LogEvent } from '../../bus/types.js';
import { createBackoff, type BackoffOptions } from '../../shared/backoff.js';
import type { Logger } from '../../shared/logger.js';
import type { HubMetrics } from './metrics.js';
import { pushHost, sendPush, type PushTarget } from './push-request.js';

/** Tuning of pushes to push-mode Links. */
export interface PushOptions {
  /** Per-attempt timeout in ms; default 5 000. */
  timeoutMs?: number;
  /** Retry delays; default 500 ms doubling up to 10 s, with jitter. */
  backoff?: BackoffOptions;
  /** Re-send an unchanged view this often (ms) so a restarted Link is refilled; default 60 000. */
  resendMs?: number;
  /** Least time between two re-sends to a Link that holds no session (ms); default 5 000. */
  refillMs?: number;
}

/** Delivers views to push-mode Links: one request in flight per agent, always the newest view. */
export interface Pusher {
  /**
   * The agents to push to now. Views that differ from what the agent's Link last acknowledged
   * (or all of them when `force`) are sent; agents missing from `targets` are dropped.
   */
  update(targets: readonly PushTarget[], force: boolean): void;
  /**
   * Re-send the acknowledged view to these agents: their Links hold no session anywhere, so a
   * Link may have restarted and lost its view. At most once per `refillMs` per agent; an agent
   * whose push is in flight or waiting out a backoff is left alone.
   */
  refill(agentIds: Iterable<number>): void;
  /** Drop every agent and abort requests in flight. */
  clear(): void;
}

interface Entry {
  target: PushTarget;
  /** Key of the last view the Link acknowledged. */
  acked: string | null;
  /** Key of the view in flight. */
  sending: string | null;
  dirty: boolean;
  inflight: boolean;
  timer: NodeJS.Timeout | undefined;
  failures: number;
  readonly backoff: ReturnType<typeof createBackoff>;
  readonly abort: AbortController;
  removed: boolean;
  refilledAt: number;
}

// The config version alone changing (another agent's route was edited) is no reason to push.
function keyOf({ url, token, view }: PushTarget): string {
  const { version: _version, ...content } = view;
  return `${url}\0${token}\0${JSON.stringify(content)}`;
}

/** Create the pusher. `report` receives operator-facing events (streak start and recovery). */
export function createPusher({
  log,
  metrics,
  options = {},
  report,
}: {
  log: Logger;
  metrics: HubMetrics;
  options?: PushOptions;
  report: (event: LogEvent) => void;
}): Pusher {
  const timeoutMs = options.timeoutMs ?? 5_000;
  // A Link that is down is retried at most every 10 s: cheap, and its restart is noticed soon.
  const backoffOptions: BackoffOptions = { initialMs: 500, maxMs: 10_000, ...options.backoff };
  const refillMs = options.refillMs ?? 5_000;
  const entries = new Map<number, Entry>();

  const send = async (entry: Entry): Promise<void> => {
    entry.dirty = false;
    entry.inflight = true;
    const target = entry.target;
    entry.sending = keyOf(target);
    const started = performance.now();
    const outcome = await sendPush(target, timeoutMs, entry.abort.signal);
    entry.inflight = false;
    if (entry.removed) return;
    metrics.pushLatency.observe((performance.now() - started) / 1000);
    metrics.pushes.inc({
      result: outcome.ok ? 'ok' : outcome.status === undefined ? 'failed' : 'rejected',
    });
    const meta = { agent_id: target.agentId, host: pushHost(target.url) };

    if (outcome.ok) {
      entry.acked = entry.sending;
      if (entry.failures > 0) {
        log.info({ ...meta, attempts: entry.failures + 1 }, 'push to link delivered after retries');
        report({
          time: Date.now(),
          level: 'info',
          source: 'hub',
          message: 'push to link delivered again',
          meta,
        });
      }
      entry.failures = 0;
      entry.backoff.reset();
      if (entry.dirty) void send(entry);
      return;
    }

    entry.failures++;
    if (entry.failures === 1) {
      // Once per streak: a Link that is down for an hour must not flood the log.
      log.warn({ ...meta, reason: outcome.reason }, 'push to link failed; retrying with backoff');
      report({
        time: Date.now(),
        level: 'warn',
        source: 'hub',
        message: 'push to link failing',
        meta: { ...meta, reason: outcome.reason },
      });
    }
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void send(entry);
    }, entry.backoff.next());
    entry.timer.unref();
  };

  const drop = (entry: Entry) => {
    entry.removed = true;
    clearTimeout(entry.timer);
    entry.abort.abort();
  };

  return {
    update(targets, force) {
      const seen = new Set<number>();
      for (const target of targets) {
        seen.add(target.agentId);
        let entry = entries.get(target.agentId);
        if (!entry) {
          entry = {
            target,
            acked: null,
            sending: null,
            dirty: false,
            inflight: false,
            timer: undefined,
            failures: 0,
            backoff: createBackoff(backoffOptions),
            abort: new AbortController(),
            removed: false,
            refilledAt: 0,
          };
          entries.set(target.agentId, entry);
        }
        const previous = entry.target;
        entry.target = target;
        const key = keyOf(target);
        if (!force && (key === entry.acked || (entry.inflight && key === entry.sending))) continue;
        entry.dirty = true;
        if (entry.inflight) continue;
        if (entry.timer) {
          // A new address or token is worth trying at once; otherwise the backoff stands.
          if (previous.url === target.url && previous.token === target.token) continue;
          clearTimeout(entry.timer);
          entry.timer = undefined;
          entry.backoff.reset();
        }
        void send(entry);
      }
      for (const [id, entry] of entries) {
        if (seen.has(id)) continue;
        drop(entry);
        entries.delete(id);
      }
    },
    refill(agentIds) {
      const now = Date.now();
      for (const id of agentIds) {
        const entry = entries.get(id);
        if (!entry || entry.inflight || entry.timer || now - entry.refilledAt < refillMs) continue;
        entry.refilledAt = now;
        entry.acked = null;
        void send(entry);
      }
    },
    clear() {
      for (const entry of entries.values()) drop(entry);
      entries.clear();
    },
  };
}
